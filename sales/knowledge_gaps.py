"""Questions the knowledge base could not answer: recorded for staff to fill the gap."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sales.models import ChatSession, KnowledgeGap

MAX_QUESTION = 2000


async def record(
    db: AsyncSession,
    *,
    question: str,
    session_id: str | None,
    language: str | None,
    best_score: float | None,
    best_source: str | None,
) -> KnowledgeGap:
    if session_id is not None and await db.get(ChatSession, session_id) is None:
        session_id = None  # a conversation held outside the chat API (tests, rasa shell)
    gap = KnowledgeGap(
        question=question[:MAX_QUESTION],
        session_id=session_id,
        language=language,
        best_score=None if best_score is None else Decimal(str(round(best_score, 4))),
        best_source=(best_source or None) and best_source[:300],
    )
    db.add(gap)
    await db.commit()
    return gap


async def list_open(db: AsyncSession, *, limit: int = 100) -> list[KnowledgeGap]:
    result = await db.execute(
        select(KnowledgeGap)
        .where(KnowledgeGap.resolved.is_(False))
        .order_by(KnowledgeGap.created_at.desc(), KnowledgeGap.id.desc())
        .limit(limit)
    )
    return list(result.scalars())


def to_record(gap: KnowledgeGap) -> dict[str, Any]:
    return {
        "id": gap.id,
        "question": gap.question,
        "language": gap.language,
        "session_id": gap.session_id,
        "best_score": float(gap.best_score) if gap.best_score is not None else None,
        "best_source": gap.best_source,
        "created_at": gap.created_at.isoformat().replace("+00:00", "Z"),
    }
