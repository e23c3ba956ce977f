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

log = logging.getLogger(__name__)

NO_KNOWLEDGE = (
    "I'm sorry, I can't answer that reliably right now. Our sales team will be glad to help: "
    "leave your question with a quotation request or write to us by email."
)


# Shorter messages that nobody understood ("asdf", "hmm") are noise, not knowledge gaps.
MIN_GAP_WORDS = 3


def _language(tracker: Tracker) -> str:
    return (tracker.slots.get("language") or "en") if tracker.slots else "en"


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        from knowledge.answers import answer

        rt = runtime.get()
        question = (tracker.latest_message.get("text") or "").strip()
        if rt.kb is None:
            dispatcher.utter_message(text=NO_KNOWLEDGE)
            return []
        language = _language(tracker)
        result = await asyncio.to_thread(answer, rt.kb, question, language=language)
        dispatcher.utter_message(text=result.text)
        if not result.confident and len(question.split()) >= MIN_GAP_WORDS:
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
        return []
