"""Small talk and "say that again": answered in a word, and during the RFQ the open question is
asked again by the form (rules in bot/data/rfq.yml and bot/data/rules.yml)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import language
from i18n import t

# intent -> what the bot says before it asks the open question again
ASIDE_MESSAGES = {
    "greet": "rfq.repair.aside_greet",
    "thank": "rfq.repair.aside_thank",
    "goodbye": "rfq.repair.aside_goodbye",
    "repeat": "rfq.repair.repeat",
}
ASIDE_RESPONSES = {"bot_challenge": "utter_iamabot"}
ASIDES = frozenset({*ASIDE_MESSAGES, *ASIDE_RESPONSES})
# Below this the classifier is guessing: "lots of them" came out as goodbye (0.49) when the
# quantity was asked; such a message is read as an answer, not as small talk.
ASIDE_CONFIDENCE = 0.6


def intent_of(message: dict[str, Any] | None) -> str | None:
    """The message's intent, except an aside the classifier is not sure of (then None)."""
    intent = (message or {}).get("intent") or {}
    name = intent.get("name")
    if name in ASIDES and float(intent.get("confidence", 1.0)) < ASIDE_CONFIDENCE:
        return None
    return str(name) if name else None


class ActionAside(Action):
    """A greeting, thanks, "are you a bot?", "bye" or "what was the question?" during the
    form: a short answer; the form then asks its open question again (no failed ask)."""

    def name(self) -> str:
        return "action_aside"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        intent = intent_of(tracker.latest_message) or ""
        if intent not in ASIDES:
            return []  # not sure it is small talk: the form reads the message as an answer
        if intent in ASIDE_RESPONSES:
            dispatcher.utter_message(response=ASIDE_RESPONSES[intent])
        else:
            key = ASIDE_MESSAGES.get(intent, "rfq.repair.repeat")
            dispatcher.utter_message(text=t(key, language(tracker)))
        return []


def last_bot_turn(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bot messages that answered the buyer's message before the latest one."""
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if not users:
        return []
    end = users[-1]
    start = users[-2] if len(users) > 1 else -1
    return [e for e in events[start + 1 : end] if e.get("event") == "bot"]


def last_action(events: list[dict[str, Any]]) -> str | None:
    """The bot's last action before the buyer's latest message (action_listen aside)."""
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    for event in reversed(events[: users[-1]] if users else []):
        if event.get("event") == "action" and event.get("name") != "action_listen":
            return str(event.get("name"))
    return None


def asks_only(action: str | None) -> bool:
    """An action that only asks (the summary, "shall I discard?", a question): run again, the
    buyer's next answer means what it meant before; no action that stores or discards."""
    return bool(action) and (
        action == "action_rfq_summary" or str(action).startswith(("action_ask_", "utter_"))
    )


class ActionRepeatLast(Action):
    """ "Sorry, what?" outside the form: the bot's last messages again, buttons included. A
    question (the summary, "shall I discard?") is asked again by its own action, so that "yes"
    after it confirms as it would have."""

    def name(self) -> str:
        return "action_repeat_last"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        said = last_bot_turn(list(tracker.events))
        if not said:
            dispatcher.utter_message(response="utter_help")
            return []
        dispatcher.utter_message(text=t("rfq.repair.repeat", language(tracker)))
        previous = last_action(list(tracker.events))
        if asks_only(previous):
            return [FollowupAction(str(previous))]
        for event in said:
            data = event.get("data") or {}
            dispatcher.utter_message(text=event.get("text"), buttons=data.get("buttons") or [])
        return []
