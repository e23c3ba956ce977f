"""The buyer's language as the engine knows it: the `language` slot, set from message metadata."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from i18n import language_of, t

SLOT = "language"


def language(tracker: Tracker) -> str:
    """The session's language code ("en", "zh", "es", "de", "pt", "fr")."""
    return language_of(tracker.get_slot(SLOT))


class ActionSwitchLanguage(Action):
    """Confirms a language the buyer asked for (the app has already switched the session)."""

    def name(self) -> str:
        return "action_switch_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=t("core.language_switched", language(tracker)))
        return []
