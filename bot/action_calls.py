"""The engine's calls to the action webhook: each answer checked against a schema compiled once.

Rasa 3.6 checks every answer of the action webhook with `jsonschema.validate(answer, spec)`
(`RemoteAction._validate_action_result`), which first checks the spec itself against JSON
Schema's meta-schema and then builds a validator, on every call: about 45 ms of the engine's
CPU a call here (2.7 calls a buyer turn), where checking the answer alone takes 3-4. The
validator is built once (its spec checked once) and checks every answer as before: the same
answers pass, the same error (jsonschema's best match, with Rasa's hint appended) is raised.

`install()` is called by bot/serve.py before `rasa run` starts (and by the turn profile,
bench/turn_profile.py); it only reads the engine's code, so it needs no retraining.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

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


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """`RemoteAction._validate_action_result` with the compiled validator."""
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


def install() -> None:
    """Make this process's remote actions check their answers with the compiled validator."""
    RemoteAction._validate_action_result = validate_action_result
