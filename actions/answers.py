"""Answering spec and compliance questions from the knowledge base, with sources."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from sales import knowledge_gaps
from sales.rfq.extract import is_question

log = logging.getLogger(__name__)

NO_KNOWLEDGE = (
    "I'm sorry, I can't answer that reliably right now. Our sales team will be glad to help: "
    "leave your question with a quotation request or write to us by email."
)


PERSON_BUTTON = {"title": "Talk to a person", "payload": "/request_human"}
# Shorter messages that nobody understood ("asdf", "hmm") are noise, not knowledge gaps.
MIN_GAP_WORDS = 3


def _language(tracker: Tracker) -> str:
    return (tracker.slots.get("language") or "en") if tracker.slots else "en"


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


async def answer_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, question: str
) -> None:
    """Answer from the knowledge base with its source; record a gap when unsure."""
    from knowledge.answers import answer

    rt = runtime.get()
    if rt.kb is None:
        dispatcher.utter_message(text=NO_KNOWLEDGE)
        return
    language = _language(tracker)
    asked = with_product_in_hand(question, tracker, rt.kb)
    result = await asyncio.to_thread(answer, rt.kb, asked, language=language)
    if result.confident:
        dispatcher.utter_message(text=result.text)
        return
    dispatcher.utter_message(text=result.text, buttons=[PERSON_BUTTON])
    if len(question.split()) >= MIN_GAP_WORDS:
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
        await answer_question(dispatcher, tracker, question)
        return []
