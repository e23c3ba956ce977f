"""Rasa's events found by their type name once, not by listing every event class on each event.

Rasa 3.6 turns every event it reads (`{"event": "slot", ...}`: the tracker from the tracker
store, the action webhook's answers) into its class with `Event.resolve_by_type`, which lists all
subclasses of `Event` recursively, checking each for abstract methods, on every call: about
0.03 ms a call, and a buyer turn reads some 45 events (issue 15's turn profile). `install()`
keeps each answer: a type name resolved once gives the same class from then on; a name not
found takes Rasa's own path (the old `topic` events, the caller's default, the ValueError).

`install()` is called by bot/serve.py before `rasa run` starts (and by the turn profile,
bench/turn_profile.py); it only changes the engine's code, so it needs no retraining.
"""

from __future__ import annotations

from typing import Dict, Optional, Text, Type

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_rasa_resolve_by_type = Event.resolve_by_type
_found: Dict[Text, Type[Event]] = {}


def resolve_by_type(
    type_name: Text, default: Optional[Type[Event]] = None
) -> Optional[Type[Event]]:
    """`Event.resolve_by_type`, each type name's class looked up once."""
    found = _found.get(type_name)
    if found is not None:
        return found
    for cls in all_subclasses(Event):
        if cls.type_name == type_name:
            _found[type_name] = cls
            return cls
    return _rasa_resolve_by_type(type_name, default)


def install() -> None:
    """Make this process resolve event type names with the kept answers."""
    Event.resolve_by_type = staticmethod(resolve_by_type)
