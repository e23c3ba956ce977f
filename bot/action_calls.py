"""The engine's calls to the action webhook: each answer checked against a schema compiled once,
and the calls made over kept-alive connections.

Rasa 3.6 checks every answer of the action webhook with `jsonschema.validate(answer, spec)`
(`RemoteAction._validate_action_result`), which first checks the spec itself against JSON
Schema's meta-schema and then builds a validator, on every call: about 45 ms of the engine's
CPU a call here (2.7 calls a buyer turn), where checking the answer alone takes 3-4. The
validator is built once (its spec checked once) and checks every answer as before: the same
answers pass, the same error (jsonschema's best match, with Rasa's hint appended) is raised.
A valid answer is known valid sooner: each event is checked against its own type's branch of
the events' `oneOf` instead of all 23 (`EventsByType`).

Rasa 3.6's `EndpointConfig.request` opens a new aiohttp session for every call, so each
webhook call (1.4 a buyer turn) connected, sent and closed a TCP connection of its own, and
the app accepted it. The action endpoint's calls go through one session per event loop
instead (`keep_alive`), Rasa's own `request` unchanged around it: the same headers, auth,
timeout, errors. An idle connection is kept `KEEPALIVE_S`, below the app server's 5 s
(uvicorn's `--timeout-keep-alive` default), so the engine never sends on a connection the app
is closing. The sessions are closed with Rasa's other resources when the server stops.

`install()` is called by bot/serve.py before `rasa run` starts (and by the turn profile,
bench/turn_profile.py); it only reads the engine's code, so it needs no retraining.
"""

from __future__ import annotations

import asyncio
import copy
import json
from types import TracebackType
from typing import Any, Dict, List, Optional, Text, Tuple, Type

import aiohttp
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core import run as rasa_run
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.constants import DOCS_BASE_URL
from rasa.utils.endpoints import EndpointConfig

KEEPALIVE_S = 2.0

_validator: Optional[Any] = None


def response_validator() -> Any:
    """The validator of the action webhook's answers (built on first use)."""
    global _validator
    if _validator is None:
        spec = RemoteAction.action_response_format_spec()
        cls = validator_for(spec)
        cls.check_schema(spec)
        _validator = cls(spec)
    return _validator


class EventsByType:
    """The answer's schema checked event by event against the one branch of the events'
    `oneOf` that the event's type names.

    Each event of an answer must match exactly one of the 23 branches of the events' `oneOf`,
    so jsonschema tries every branch on every event: most of a check's time. The branches are
    told apart by `properties.event.const`, one type each, and `event` is required: a branch
    naming another type fails on any event that has its type, so an event matches exactly one
    branch when it matches its own type's. `accepts` checks the answer without the `oneOf`,
    then each event against its type's branch: True only for answers the whole schema accepts.
    Anything else is checked by the whole schema, whose verdict and error stand.
    `branches` is None when the schema is not of that shape (then nothing is taken as read)."""

    def __init__(self, spec: Dict[Text, Any]) -> None:
        self.outer: Optional[Any] = None
        self.branches: Optional[Dict[Text, Any]] = None
        events = spec.get("properties", {}).get("events", {})
        items = events.get("items", {})
        choices = items.get("oneOf")
        if "$ref" in json.dumps(spec) or not isinstance(choices, list):
            return
        consts = [c.get("properties", {}).get("event", {}).get("const") for c in choices]
        if (
            "event" not in items.get("required", [])
            or not all(isinstance(c, str) for c in consts)
            or len(set(consts)) != len(consts)
        ):
            return
        cls = validator_for(spec)
        common = {k: v for k, v in items.items() if k != "oneOf"}
        outer = copy.deepcopy(spec)
        outer["properties"]["events"]["items"] = common
        self.outer = cls(outer)
        self.branches = {c: cls({**common, **choice}) for c, choice in zip(consts, choices)}

    def accepts(self, answer: Any) -> bool:
        if self.branches is None or self.outer is None or not self.outer.is_valid(answer):
            return False
        events = answer.get("events", []) if isinstance(answer, dict) else []
        if not isinstance(events, list):
            return False
        for event in events:
            branch = self.branches.get(event.get("event"))
            if branch is None or not branch.is_valid(event):
                return False
        return True


_by_type: Optional[EventsByType] = None


def events_by_type() -> EventsByType:
    global _by_type
    if _by_type is None:
        _by_type = EventsByType(RemoteAction.action_response_format_spec())
    return _by_type


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """`RemoteAction._validate_action_result` with the compiled validator: an answer the events'
    types show valid at once, any other checked by the whole schema as Rasa checks it."""
    if events_by_type().accepts(result):
        return True
    error = best_match(response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        "For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


class KeptSession:
    """What `EndpointConfig.session()` gives `request` for a kept-alive endpoint: the
    endpoint's session of the running event loop, left open when the call ends."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        self.endpoint = endpoint

    async def __aenter__(self) -> aiohttp.ClientSession:
        return _session(self.endpoint)

    async def __aexit__(
        self,
        _type: Optional[Type[BaseException]],
        _value: Optional[BaseException],
        _tb: Optional[TracebackType],
    ) -> None:
        return None


# the open sessions: (event loop, endpoint, session)
_sessions: List[Tuple[asyncio.AbstractEventLoop, EndpointConfig, aiohttp.ClientSession]] = []


def _session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """The endpoint's session on the running loop, made as `EndpointConfig.session` makes one
    (headers, basic auth, timeout) with a connector that keeps idle connections KEEPALIVE_S."""
    loop = asyncio.get_running_loop()
    for owner, kept_for, session in _sessions:
        if owner is loop and kept_for is endpoint and not session.closed:
            return session
    auth = None
    if endpoint.basic_auth:
        auth = aiohttp.BasicAuth(
            endpoint.basic_auth["username"], endpoint.basic_auth["password"]
        )
    session = aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S),
    )
    _sessions.append((loop, endpoint, session))
    return session


_KEPT = "kept_alive"  # set on an endpoint whose requests use its kept session


def keep_alive(endpoint: EndpointConfig) -> None:
    """Make `endpoint`'s requests use its kept session (once per endpoint)."""
    if not kept_alive(endpoint):
        endpoint.session = lambda: KeptSession(endpoint)
        setattr(endpoint, _KEPT, True)


def kept_alive(endpoint: EndpointConfig) -> bool:
    return bool(getattr(endpoint, _KEPT, False))


async def close_sessions() -> None:
    """Close the sessions of the running loop."""
    loop = asyncio.get_running_loop()
    for owner, _endpoint, session in list(_sessions):
        if owner is loop:
            _sessions.remove((owner, _endpoint, session))
            await session.close()


def install() -> None:
    """Make this process's remote actions check their answers with the compiled validator and
    call the webhook over kept-alive connections, closed when the server stops."""
    RemoteAction._validate_action_result = validate_action_result
    if getattr(RemoteAction.__init__, "keeps_alive", False):
        return
    init = RemoteAction.__init__

    def init_kept_alive(
        self: RemoteAction, name: Text, action_endpoint: Optional[EndpointConfig]
    ) -> None:
        init(self, name, action_endpoint)
        if action_endpoint is not None:
            keep_alive(action_endpoint)

    init_kept_alive.keeps_alive = True  # type: ignore[attr-defined]
    RemoteAction.__init__ = init_kept_alive
    close_resources = rasa_run.close_resources

    async def close_resources_and_sessions(app: Any, loop: asyncio.AbstractEventLoop) -> None:
        await close_resources(app, loop)
        await close_sessions()

    rasa_run.close_resources = close_resources_and_sessions
