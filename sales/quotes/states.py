"""The quote lifecycle as an explicit state machine, and the errors quote services raise.

::

    draft ──► pending_approval ──► approved ──► sent ──► accepted
      │              │                │          │
      └──► sent      ├──► rejected    └──► expired ◄──┘
                     └──► expired

A quote is written as ``draft`` and leaves it in the same transaction: ``sent`` when the
price is in policy, ``pending_approval`` when it is not. A sales rep approves (then it is
sent at once) or rejects a pending quote; the buyer accepts a sent one; ``expire_due`` ends
pending, approved and sent quotes past their ``valid_until``. ``accepted``, ``rejected`` and
``expired`` are final. Anything not in ``ALLOWED`` is refused with ``QuoteConflict``.
"""

from __future__ import annotations

from sales.models import InquiryStatus, QuoteStatus

S = QuoteStatus

ALLOWED: dict[QuoteStatus, frozenset[QuoteStatus]] = {
    S.DRAFT: frozenset({S.PENDING_APPROVAL, S.SENT}),
    S.PENDING_APPROVAL: frozenset({S.APPROVED, S.REJECTED, S.EXPIRED}),
    S.APPROVED: frozenset({S.SENT, S.EXPIRED}),
    S.SENT: frozenset({S.ACCEPTED, S.EXPIRED}),
    S.ACCEPTED: frozenset(),
    S.REJECTED: frozenset(),
    S.EXPIRED: frozenset(),
}

# Quotes that still count for their inquiry: quoting it again returns them instead.
OPEN = frozenset({S.DRAFT, S.PENDING_APPROVAL, S.APPROVED, S.SENT, S.ACCEPTED})
# Quotes a buyer may see (by a signed link): the ones that went out.
RELEASED = frozenset({S.APPROVED, S.SENT, S.ACCEPTED, S.EXPIRED})
# Inquiries that can (still) be quoted.
QUOTABLE_INQUIRY = frozenset(
    {
        InquiryStatus.NEW,
        InquiryStatus.QUOTED,
        InquiryStatus.PENDING_APPROVAL,
        InquiryStatus.HANDED_OFF,
    }
)


class QuoteError(Exception):
    """Base class of the quote services' errors; ``str(error)`` is readable as is."""


class QuoteNotFound(QuoteError, LookupError):
    """No quote (or inquiry) with that reference."""


class QuoteConflict(QuoteError):
    """The change is not allowed in the quote's (or inquiry's) current state."""

    def __init__(self, message: str, *, status: str | None = None) -> None:
        super().__init__(message)
        self.status = status


class NotQuotable(QuoteError, ValueError):
    """The inquiry lacks what pricing needs (e.g. a destination country)."""


def can_transition(current: str | QuoteStatus, target: str | QuoteStatus) -> bool:
    try:
        return QuoteStatus(target) in ALLOWED[QuoteStatus(current)]
    except ValueError:
        return False


def check_transition(reference: str, current: str | QuoteStatus, target: str | QuoteStatus) -> None:
    """Raise ``QuoteConflict`` unless ``current -> target`` is in ``ALLOWED``."""
    if not can_transition(current, target):
        raise QuoteConflict(
            f"quote {reference} is {current}: it cannot become {target}", status=str(current)
        )
