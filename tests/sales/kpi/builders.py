"""Hand-built order data for the KPI tests: chat sessions, inquiries with their quotes' whole
histories (quote_events), handoffs with rep replies, knowledge gaps."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sales.models import (
    ChatMessage,
    ChatSession,
    Handoff,
    Inquiry,
    InquiryItem,
    KnowledgeGap,
    Quote,
    QuoteEvent,
    QuoteLine,
)

CATEGORIES = {"PNL-6060-40W": "panel", "HB-UFO-150W": "high_bay", "FL-SL-100W": "floodlight"}
_ids = itertools.count(1)


def at(day: date | str, hour: float = 9.0) -> datetime:
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(hours=hour)


# A quote's history: the statuses it went through, each step a (status, hours after the
# inquiry) pair; "draft" is implied at the quote's creation.
Path = list[tuple[str, float]]


@dataclass
class QuoteSpec:
    path: Path
    total: str
    currency: str = "USD"
    lines: list[tuple[str | None, str]] = field(default_factory=list)  # (sku, amount)


class Builder:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db
        self.seq: dict[str, int] = {}

    def session(self, when: datetime, language: str | None = "en") -> str:
        sid = f"s{next(_ids):08d}"
        self.db.add(
            ChatSession(id=sid, token_hash="x" * 64, language=language, created_at=when,
                        updated_at=when)
        )  # fmt: skip
        return sid

    def message(self, session_id: str, when: datetime, role: str, text: str = "hi") -> None:
        self.seq[session_id] = self.seq.get(session_id, 0) + 1
        self.db.add(
            ChatMessage(session_id=session_id, seq=self.seq[session_id], role=role, text=text,
                        author="Mei" if role == "agent" else None, created_at=when)
        )  # fmt: skip

    def inquiry(
        self,
        when: datetime,
        *,
        language: str | None = "en",
        market: str | None = None,
        business_type: str | None = None,
        score: int | None = None,
        skus: list[str | None] | None = None,
        quotes: list[QuoteSpec] | None = None,
        session_id: str | None = None,
    ) -> Inquiry:
        n = next(_ids)
        inquiry = Inquiry(
            reference=f"RFQ-T-{n:06d}",
            created_at=when,
            updated_at=when,
            language=language,
            destination_country=market,
            business_type=business_type,
            lead_score=score,
            session_id=session_id,
            email="buyer@example.com",
            items=[
                InquiryItem(position=i, sku=sku, description=sku or "something else",
                            quantity=Decimal(100))
                for i, sku in enumerate(skus or ["PNL-6060-40W"], start=1)
            ],
        )  # fmt: skip
        for q, spec in enumerate(quotes or [], start=1):
            inquiry.quotes.append(self._quote(inquiry, when, spec, f"Q-T-{n:06d}-{q}"))
        self.db.add(inquiry)
        return inquiry

    def _quote(self, inquiry: Inquiry, created: datetime, spec: QuoteSpec, ref: str) -> Quote:
        status = "draft"
        events: list[QuoteEvent] = []
        first_at = created + timedelta(hours=spec.path[0][1]) if spec.path else created
        events.append(QuoteEvent(at=first_at, actor="assistant", action="created",
                                 to_status="draft"))  # fmt: skip
        for target, hours in spec.path:
            events.append(
                QuoteEvent(at=created + timedelta(hours=hours), actor="t", action=target,
                           from_status=status, to_status=target)
            )  # fmt: skip
            status = target
        return Quote(
            reference=ref,
            status=status,
            currency=spec.currency,
            valid_until=date(2027, 1, 1),
            margin_pct=Decimal(20),
            total=Decimal(spec.total),
            created_at=first_at,
            updated_at=first_at,
            events=events,
            lines=[
                QuoteLine(position=i, sku=sku, quantity=Decimal(1), unit="pcs",
                          unit_price=Decimal(amount), amount=Decimal(amount))
                for i, (sku, amount) in enumerate(spec.lines, start=1)
            ],
        )  # fmt: skip

    def handoff(
        self,
        session_id: str,
        when: datetime,
        *,
        inside_hours: bool,
        rfq: dict[str, Any] | None = None,
    ) -> None:
        self.db.add(
            Handoff(session_id=session_id, reason="asked", requested_at=when,
                    summary={"inside_hours": inside_hours, "rfq": rfq or {}})
        )  # fmt: skip

    def gap(self, question: str, when: datetime, language: str | None, session_id: str | None):  # type: ignore[no-untyped-def]
        self.db.add(KnowledgeGap(question=question, language=language, session_id=session_id,
                                 created_at=when))  # fmt: skip

    async def done(self) -> None:
        await self.db.commit()
