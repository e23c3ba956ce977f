"""The RFQ's end: the summary with confirm / change / cancel, submission, reset; and the
answer to "why do you need this?"."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.language import language
from actions.rfq_extract import ASK_DISCARD, FORM, expecting, slot_state
from i18n import DEFAULT_LANGUAGE, catalog, localize, t
from i18n.lexicon import is_decline
from sales.rfq import submission
from sales.rfq.state import DRAFT_SLOTS, has_draft, missing, summary

log = logging.getLogger(__name__)

# Button titles by catalog key; the payloads are what the engine receives.
SUMMARY_BUTTONS = (
    ("rfq.button.confirm_and_send", "/affirm"),
    ("rfq.button.change_something", "/rfq_edit"),
    ("rfq.button.cancel", "/stop"),
)


def _reset_draft() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in (*DRAFT_SLOTS, "rfq_errors", "rfq_failures")]


class ActionRfqSummary(Action):
    def name(self) -> str:
        return "action_rfq_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        lang = language(tracker)
        text = summary(slot_state(tracker), lang) + "\n\n" + t("rfq.summary.confirm", lang)
        buttons = [{"title": t(key, lang), "payload": payload} for key, payload in SUMMARY_BUTTONS]
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


class ActionSubmitRfq(Action):
    def name(self) -> str:
        return "action_submit_rfq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        state = slot_state(tracker)
        if not state.get("items") or missing(state):
            dispatcher.utter_message(text=t("rfq.nothing_to_submit", language(tracker)))
            return []
        rt = runtime.get()
        result = await submission.submit(
            rt.db,
            slots=state,
            session_id=tracker.sender_id,
            language=tracker.get_slot("language"),
            idempotency_key=f"rfq:{tracker.sender_id}:{state.get('rfq_id') or 'none'}",
            today=rt.today(),
            catalog=rt.kb,
            book=rt.price_book,
            pdf_link=rt.pdf_link,
        )
        log.info("inquiry submitted", extra={"reference": result.inquiry, "quote": result.quote})
        for text, buttons in result.messages:
            dispatcher.utter_message(text=text, buttons=buttons)
        return [
            *_reset_draft(),
            SlotSet("last_inquiry", result.inquiry),
            SlotSet("last_quote", result.quote),
        ]


class ActionAcceptQuote(Action):
    def name(self) -> str:
        return "action_accept_quote"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        lang = language(tracker)
        reference = tracker.get_slot("last_quote")
        if not reference:
            dispatcher.utter_message(text=t("rfq.no_quote_to_accept", lang))
            return []
        reply = await submission.accept(
            runtime.get().db, reference=reference, session_id=tracker.sender_id
        )
        dispatcher.utter_message(text=localize(reply, lang))
        return []


class ActionQuotePdf(Action):
    def name(self) -> str:
        return "action_quote_pdf"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        lang = language(tracker)
        reference = tracker.get_slot("last_quote")
        rt = runtime.get()
        if not reference or rt.pdf_link is None:
            dispatcher.utter_message(text=t("rfq.no_quote_yet", lang))
            return []
        dispatcher.utter_message(
            text=t("rfq.quote_pdf", lang, reference=reference, link=rt.pdf_link(reference))
        )
        return []


class ActionAskDiscard(Action):
    """ "stop", "cancel", the summary's Cancel button: nothing is discarded before the buyer
    confirms. A decline typed while the form asks ("skip", "no phone") goes back to the form."""

    def name(self) -> str:
        return ASK_DISCARD

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        lang = language(tracker)
        text = (tracker.latest_message or {}).get("text") or ""
        if expecting(tracker) and is_decline(text):
            return [FollowupAction(FORM)]
        if not has_draft(slot_state(tracker)):
            dispatcher.utter_message(text=t("rfq.repair.nothing_to_discard", lang))
            return []
        dispatcher.utter_message(
            text=t("rfq.repair.confirm_discard", lang),
            buttons=[
                {"title": t("rfq.repair.button_discard", lang), "payload": "/affirm"},
                {"title": t("rfq.repair.button_keep", lang), "payload": "/deny"},
            ],
        )
        return []


class ActionDiscardRfq(Action):
    """The buyer confirmed: the draft is gone."""

    def name(self) -> str:
        return "action_discard_rfq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if has_draft(slot_state(tracker)):
            dispatcher.utter_message(response="utter_rfq_discarded")
        else:
            dispatcher.utter_message(text=t("rfq.repair.nothing_to_discard", language(tracker)))
        return _reset_draft()


class ActionKeepRfq(Action):
    """ "No, let's go on" outside the form: the summary again when the request is complete."""

    def name(self) -> str:
        return "action_keep_rfq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        state = slot_state(tracker)
        if state.get("items") and not missing(state):
            return await ActionRfqSummary().run(dispatcher, tracker, domain)
        dispatcher.utter_message(text=t("rfq.repair.kept", language(tracker)))
        return []


class ActionExplainWhy(Action):
    def name(self) -> str:
        return "action_explain_why"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        # rfq.why.<field> for the field being asked; no field or none we explain: the default
        key = f"rfq.why.{tracker.get_slot('requested_slot')}"
        if key not in catalog(DEFAULT_LANGUAGE):
            key = "rfq.why_default"
        dispatcher.utter_message(text=t(key, language(tracker)))
        return []
