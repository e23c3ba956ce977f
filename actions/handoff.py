"""The buyer asks for a person (intent ``request_human``): the handoff goes through
sales.handoff, which tells the buyer (in the chat session's language) and the sales channel."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.language import language
from i18n import t
from sales import handoff
from sales.rfq.state import FIELDS, ITEM_FIELDS, SKIPPED

# What the form knows, for the rep's summary (slots that are not set are left out).
SUMMARY_SLOTS = (*ITEM_FIELDS, "items", *FIELDS, "phone", SKIPPED, "requested_slot")


def summary_of(tracker: Tracker) -> dict[str, Any]:
    slots = tracker.slots or {}
    rfq = {name: slots.get(name) for name in SUMMARY_SLOTS if slots.get(name) not in (None, "")}
    wanted = [
        e.get("text")
        for e in tracker.events
        if e.get("event") == "user" and e.get("text") and not str(e.get("text")).startswith("/")
    ]
    who = " · ".join(str(slots[k]) for k in ("contact_name", "company", "email") if slots.get(k))
    return {
        "who": who or None,
        "wants": (wanted[-2] if len(wanted) > 1 else None),
        "rfq": {k: str(v) for k, v in rfq.items()},
    }


async def hand_off(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: handoff.HandoffReason
) -> None:
    try:
        async with runtime.get().db.session() as db:
            outcome = await handoff.request_handoff(
                db, session_id=tracker.sender_id, reason=reason, summary=summary_of(tracker)
            )
    except handoff.SessionGone:  # not a chat of the widget (a test conversation, say)
        dispatcher.utter_message(text=t("handoff.no_chat", language(tracker)))
        return
    if not outcome.changed:
        dispatcher.utter_message(text=t("handoff.already_asked", language(tracker)))


class ActionNegotiate(Action):
    """A price objection or a wish to negotiate: a person takes it (the bot never haggles)."""

    def name(self) -> str:
        return "action_negotiate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        await hand_off(dispatcher, tracker, handoff.HandoffReason.NEGOTIATION)
        return []


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        if not handoff.wants_a_person(text):
            # an answer the classifier took for a request for a person: the form reads it
            if (tracker.active_loop or {}).get("name"):
                return [FollowupAction(tracker.active_loop["name"])]
            dispatcher.utter_message(response="utter_default")
            return []
        await hand_off(dispatcher, tracker, handoff.HandoffReason.BUYER_ASKED)
        return []
