"""The quote state machine: the transition table itself, and every service action from every
status (allowed ones succeed, all others are refused with QuoteConflict and change nothing)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from sales import quotes
from sales.db import Database
from sales.models import Quote, QuoteStatus
from sales.pricing import PriceBook
from sales.quotes.states import ALLOWED, QuoteConflict, can_transition, check_transition

from .test_service import OUT_OF_POLICY, TODAY, book, new_quote, rfq

__all__ = ["book"]  # the fixture, re-exported for this module

S = QuoteStatus
# Written out by hand on purpose: a change to ALLOWED must be a deliberate change here too.
EXPECTED_EDGES = {
    (S.DRAFT, S.PENDING_APPROVAL),
    (S.DRAFT, S.SENT),
    (S.PENDING_APPROVAL, S.APPROVED),
    (S.PENDING_APPROVAL, S.REJECTED),
    (S.PENDING_APPROVAL, S.EXPIRED),
    (S.APPROVED, S.SENT),
    (S.APPROVED, S.EXPIRED),
    (S.SENT, S.ACCEPTED),
    (S.SENT, S.EXPIRED),
}


@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("target", list(S))
def test_transition_table(source: QuoteStatus, target: QuoteStatus) -> None:
    allowed = (source, target) in EXPECTED_EDGES
    assert can_transition(source, target) is allowed
    assert (target in ALLOWED[source]) is allowed
    if allowed:
        check_transition("Q-2026-000001", source, target)
    else:
        with pytest.raises(QuoteConflict, match=f"is {source}: it cannot become {target}"):
            check_transition("Q-2026-000001", source, target)


def test_final_states_and_unknown_names() -> None:
    assert {s for s, targets in ALLOWED.items() if not targets} == {
        S.ACCEPTED,
        S.REJECTED,
        S.EXPIRED,
    }
    assert not can_transition("pending_approval", "approved-ish")
    assert not can_transition("nonsense", "sent")


async def _quote_in(database: Database, book: PriceBook, status: QuoteStatus) -> str:
    """A quote in ``status``, reached through the services where they leave a quote there;
    ``draft`` and ``approved`` only exist inside a transaction, so those are set directly."""
    in_policy = status in (S.SENT, S.ACCEPTED)
    outcome = await new_quote(database, book, rfq() if in_policy else rfq(**OUT_OF_POLICY))
    ref = outcome.reference
    async with database.session() as db:
        if status is S.ACCEPTED:
            await quotes.accept(db, reference=ref, by="buyer")
        elif status is S.REJECTED:
            await quotes.reject(db, reference=ref, by="U0", note="")
        elif status is S.EXPIRED:
            later = outcome.quote.valid_until + timedelta(days=1)
            assert ref in await quotes.expire_due(db, today=later)
        elif status in (S.DRAFT, S.APPROVED):
            await db.execute(update(Quote).where(Quote.reference == ref).values(status=status))
            await db.commit()
    return ref


# What each service action does from each status: the status it leaves, or None (refused).
OUTCOMES: dict[str, dict[QuoteStatus, QuoteStatus | None]] = {
    "approve": {S.PENDING_APPROVAL: S.SENT},
    "reject": {S.PENDING_APPROVAL: S.REJECTED},
    "accept": {S.SENT: S.ACCEPTED},
    "expire": {S.PENDING_APPROVAL: S.EXPIRED, S.APPROVED: S.EXPIRED, S.SENT: S.EXPIRED},
}


async def _act(database: Database, action: str, ref: str, later: date) -> None:
    async with database.session() as db:
        if action == "approve":
            await quotes.approve(db, reference=ref, by="U1", note="")
        elif action == "reject":
            await quotes.reject(db, reference=ref, by="U1", note="")
        elif action == "accept":
            await quotes.accept(db, reference=ref, by="buyer")
        else:
            expired = await quotes.expire_due(db, today=later)
            if ref not in expired:
                raise QuoteConflict(f"{ref} not expired")


async def test_every_action_from_every_status(database: Database, book: PriceBook) -> None:
    later = TODAY + timedelta(days=book.validity_days + 1)
    for action, allowed in OUTCOMES.items():
        for status in S:
            ref = await _quote_in(database, book, status)
            async with database.session() as db:
                before = await quotes.get(db, ref)
                assert before is not None and before.status == status, (action, status)
                events_before = len(before.events)
            expected = allowed.get(status)
            if expected is None:
                with pytest.raises(QuoteConflict):
                    await _act(database, action, ref, later)
            else:
                await _act(database, action, ref, later)
            async with database.session() as db:
                after = await quotes.get(db, ref)
            assert after is not None
            where = f"{action} from {status}"
            if expected is None:
                assert after.status == status, where
                assert len(after.events) == events_before, where
            else:
                assert after.status == expected, where
                for event in after.events[events_before:]:
                    assert can_transition(event.from_status, event.to_status), where
                assert after.events[-1].to_status == expected, where
