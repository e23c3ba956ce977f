"""bot/event_types.py: every event type name resolves to the class Rasa's own lookup gives, and
names Rasa does not know end as they did (None for the old `topic`, the default, the error);
bot/serve.py installs it before `rasa run` starts. Runs in the engine's Python (Rasa is installed
there only)."""

from __future__ import annotations

import pytest

from tests.bot.engine_script import run_engine_script

pytestmark = pytest.mark.engine

SCRIPT = r"""
import json, runpy, sys
sys.path.insert(0, ".")
import rasa.__main__
import rasa.core.processor  # every event class Rasa defines is imported by then
from rasa.shared.core.events import Event, SlotSet, UserUttered, deserialise_events
from rasa.shared.utils.common import all_subclasses

names = sorted({cls.type_name for cls in all_subclasses(Event)})
# unknown names: with and without a default
odd = ["topic", "no_such_event", "", "USER"]


def lookups():
    out = {}
    for name in names * 2 + odd:  # twice: the second time from what was kept
        for default in (None, SlotSet):
            try:
                found = Event.resolve_by_type(name, default)
                out[f"{name}|{default}"] = None if found is None else found.__name__
            except ValueError as exc:
                out[f"{name}|{default}"] = f"ValueError: {exc}"
    return out


EVENTS = [  # timestamps given: an event without one is stamped with the time it is read
    {"event": "user", "text": "5000 pcs", "parse_data": {"intent": {"name": "inform"}},
     "timestamp": 1.0},
    {"event": "slot", "name": "quantity", "value": {"amount": "5000"}, "timestamp": 2.0},
    {"event": "action", "name": "rfq_form", "policy": "RulePolicy", "confidence": 1.0,
     "timestamp": 3.0},
    {"event": "active_loop", "name": "rfq_form", "timestamp": 4.0},
    {"event": "bot", "text": "Which port?", "timestamp": 5.0},
]
before = lookups()
events_before = [e.as_dict() for e in deserialise_events(EVENTS)]

from bot import event_types

# bot/serve.py installs it before it hands over to `rasa run` (not started here)
rasa.__main__.main = lambda: None
sys.argv = ["serve.py"]
import os
os.environ.setdefault("RASA_AUTH_TOKEN", "t")
runpy.run_path("bot/serve.py", run_name="__main__")
installed = Event.resolve_by_type is event_types.resolve_by_type
after = lookups()
events_after = [e.as_dict() for e in deserialise_events(EVENTS)]
print(json.dumps({
    "names": len(names), "installed": installed, "same": before == after,
    "events_same": events_before == events_after, "kept": len(event_types._found),
    "user": after["user|None"], "odd": {k: v for k, v in after.items() if k.split("|")[0] in odd},
}))
"""


def test_same_classes_as_rasa_and_installed_by_serve() -> None:
    answer = run_engine_script(
        SCRIPT,
        env={
            "RASA_AUTH_TOKEN": "test-api-token-0123",
            "ENGINE_CHANNEL_TOKEN": "test-channel-token-0123",
        },
    )
    assert answer["installed"]
    assert answer["names"] >= 20  # user, bot, slot, action, active_loop, ...
    assert answer["same"] and answer["events_same"]
    assert answer["user"] == "UserUttered"
    assert answer["kept"] >= answer["names"] - 1  # each known name kept
    odd = answer["odd"]
    assert odd["topic|None"] is None
    assert odd["no_such_event|<class 'rasa.shared.core.events.SlotSet'>"] == "SlotSet"
    assert odd["no_such_event|None"].startswith("ValueError")
    assert odd["USER|None"].startswith("ValueError")  # type names are case-sensitive
