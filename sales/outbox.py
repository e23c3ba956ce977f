"""The transactional outbox: rows written with the business change, delivered later."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sales.models import OutboxMessage


def enqueue(
    db: AsyncSession,
    *,
    topic: str,
    payload: dict[str, Any],
    ordering_key: str | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Add an outbox row to the caller's transaction (committed, or not, with it)."""
    row = OutboxMessage(
        topic=topic, payload=payload, ordering_key=ordering_key, dedupe_key=dedupe_key
    )
    db.add(row)
    return row
