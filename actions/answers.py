"""Answering spec and compliance questions from the knowledge base, with sources."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.asides import asks_only, last_action
from actions.language import language as language_of_session
from actions.rfq_extract import BOOKKEEPING, FORM, set_since_user_message, slot_state
from actions.submit_rfq import ActionRfqSummary
from i18n import DEFAULT_LANGUAGE, t
from i18n.lexicon import is_decline, is_filler
from sales import knowledge_gaps
from sales.rfq.extract import is_question
from sales.rfq.state import missing

log = logging.getLogger(__name__)

PERSON_PAYLOAD = "/request_human"
# Shorter messages that nobody understood ("asdf", "hmm") are noise, not knowledge gaps;
# Chinese is written without spaces, so there it is characters.
MIN_GAP_WORDS = 3
MIN_GAP_HAN = 4
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def worth_recording(question: str) -> bool:
    """Whether an unanswered question says enough to be a knowledge gap."""
    return len(question.split()) >= MIN_GAP_WORDS or len(_HAN.findall(question)) >= MIN_GAP_HAN


def person_button(language: str) -> dict[str, str]:
    """ "Talk to a person" in the buyer's language; the payload stays the intent."""
    return {"title": t("handoff.person_button", language), "payload": PERSON_PAYLOAD}


PERSON_BUTTON = person_button(DEFAULT_LANGUAGE)


def in_form(tracker: Tracker) -> bool:
    return bool((tracker.active_loop or {}).get("name")) and bool(
        tracker.get_slot("requested_slot")
    )


def with_product_in_hand(question: str, tracker: Tracker, kb: Any) -> str:
    """ "What's the MOQ?" in the middle of an RFQ is about the product being quoted."""
    from knowledge.attributes import find_attributes

    if kb.find_skus(question) or not find_attributes(question):
        return question
    pending = tracker.get_slot("product") or {}
    items = tracker.get_slot("items") or []
    sku = pending.get("sku") or next((i.get("sku") for i in reversed(items) if i.get("sku")), None)
    return f"{question} ({sku})" if sku else question


# How far back "the 150W one" or "its warranty" may point.
CONTEXT_MESSAGES = 6


def earlier_messages(tracker: Tracker, question: str) -> list[str]:
    """The buyer's messages before ``question``, oldest first (button payloads left out)."""
    texts = [
        str(e.get("text"))
        for e in tracker.events
        if e.get("event") == "user" and e.get("text") and not str(e.get("text")).startswith("/")
    ]
    if texts and texts[-1] == question:
        texts = texts[:-1]
    return texts[-CONTEXT_MESSAGES:]


async def answer_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, question: str
) -> None:
    """Answer from the knowledge base with its source, in the buyer's language; when unsure,
    say so, offer a person and record the gap."""
    from knowledge.answers import answer

    rt = runtime.get()
    language = language_of_session(tracker)
    if rt.kb is None:
        dispatcher.utter_message(text=t("answers.no_knowledge", language))
        return
    asked = with_product_in_hand(question, tracker, rt.kb)
    result = await asyncio.to_thread(
        answer, rt.kb, asked, language=language, context=earlier_messages(tracker, question)
    )
    if result.confident:
        dispatcher.utter_message(text=result.text)
        return
    dispatcher.utter_message(text=result.text, buttons=[person_button(language)])
    if worth_recording(question):
        best = result.hits[0] if result.hits else None
        async with rt.db.session() as db:
            await knowledge_gaps.record(
                db,
                question=question,
                session_id=tracker.sender_id,
                language=language,
                best_score=best.score if best else None,
                best_source=best.source if best else None,
            )
        log.info("knowledge gap recorded")


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        question = (tracker.latest_message.get("text") or "").strip()
        if in_form(tracker) and not is_question(question):
            return []  # an answer the classifier took for a question: the form reads it
        if not is_question(question) and _changed_the_request(tracker):
            if missing(slot_state(tracker)):
                # an opening the classifier was unsure of ("Bom dia, por favor cotem 5.000
                # peças de T8-G-1200-18W."): the form asks for what is still missing
                return [FollowupAction(FORM)]
            # "bitte FOB Ningbo statt FCA" at the summary: a change, shown in the summary
            return await ActionRfqSummary().run(dispatcher, tracker, domain)
        if not is_question(question) and (is_decline(question) or is_filler(question)):
            # "Não sei, desculpe." after the summary: nothing to look up; the open question
            # again (a question of ours is asked by its own action, so "yes" still confirms)
            dispatcher.utter_message(text=t("rfq.not_understood", language_of_session(tracker)))
            previous = last_action(list(tracker.events))
            return [FollowupAction(str(previous))] if asks_only(previous) else []
        await answer_question(dispatcher, tracker, question)
        return []


def _changed_the_request(tracker: Tracker) -> bool:
    changed = set(set_since_user_message(tracker)) - BOOKKEEPING - {"language"}
    return bool(changed) and bool(tracker.get_slot("items"))
