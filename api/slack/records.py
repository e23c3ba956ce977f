"""Plain data the Block Kit builders need, read from the order database's models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sales.models import Quote


@dataclass(frozen=True)
class QuoteLineSummary:
    sku: str | None
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class QuoteSummary:
    reference: str
    inquiry: str
    status: str
    currency: str
    total: Decimal
    incoterm: str | None = None
    place: str | None = None
    valid_until: date | None = None
    margin_pct: Decimal | None = None
    needs_negotiation: bool = False
    policy_reasons: tuple[str, ...] = ()
    lines: tuple[QuoteLineSummary, ...] = field(default_factory=tuple)
    approvals: tuple[dict[str, Any], ...] = ()

    @classmethod
    def of(cls, quote: Quote, *, inquiry_reference: str) -> QuoteSummary:
        """Needs ``quote.lines`` and ``quote.approvals`` loaded."""
        reasons = getattr(quote, "policy_reasons", None) or []
        return cls(
            reference=quote.reference,
            inquiry=inquiry_reference,
            status=quote.status,
            currency=quote.currency,
            total=quote.total,
            incoterm=quote.incoterm,
            place=quote.place,
            valid_until=quote.valid_until,
            margin_pct=quote.margin_pct,
            needs_negotiation=bool(getattr(quote, "needs_negotiation", False)),
            policy_reasons=tuple(
                str(r.get("message") or r.get("code")) if isinstance(r, dict) else str(r)
                for r in reasons
            ),
            lines=tuple(
                QuoteLineSummary(
                    sku=line.sku,
                    quantity=line.quantity,
                    unit=line.unit,
                    unit_price=line.unit_price,
                    amount=line.amount,
                )
                for line in quote.lines
            ),
            approvals=tuple(
                {"by": a.by, "decision": a.decision, "note": a.note, "at": a.at}
                for a in quote.approvals
            ),
        )
