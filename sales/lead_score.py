"""Lead score 0..100 for an RFQ: how much a salesperson should care, and why.

Five parts, each with a readable reason; the rules are documented in docs/lead-score.md
and must stay in sync with the tables below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sales.normalizers.contact import is_free_mail

# Rough USD value of one unit of each currency, for scoring only (a bucket, not a quote).
# Callers with live rates pass ``usd_rates``.
DEFAULT_USD_RATES: Mapping[str, Decimal] = {
    "USD": Decimal("1"),
    "EUR": Decimal("1.08"),
    "GBP": Decimal("1.27"),
    "CHF": Decimal("1.12"),
    "CNY": Decimal("0.14"),
    "HKD": Decimal("0.128"),
    "JPY": Decimal("0.0067"),
    "KRW": Decimal("0.00073"),
    "AUD": Decimal("0.65"),
    "NZD": Decimal("0.60"),
    "CAD": Decimal("0.73"),
    "SGD": Decimal("0.74"),
    "INR": Decimal("0.012"),
    "AED": Decimal("0.27"),
    "SAR": Decimal("0.27"),
    "BRL": Decimal("0.18"),
    "MXN": Decimal("0.055"),
    "ZAR": Decimal("0.054"),
    "NGN": Decimal("0.00065"),
    "KES": Decimal("0.0077"),
    "TRY": Decimal("0.029"),
    "PLN": Decimal("0.25"),
    "SEK": Decimal("0.095"),
    "NOK": Decimal("0.093"),
    "DKK": Decimal("0.145"),
    "THB": Decimal("0.028"),
    "MYR": Decimal("0.22"),
    "IDR": Decimal("0.000063"),
    "PHP": Decimal("0.017"),
    "VND": Decimal("0.000039"),
}

# (minimum order value in USD, points): the highest threshold reached applies.
ORDER_VALUE_POINTS: tuple[tuple[Decimal, int], ...] = (
    (Decimal(0), 5),
    (Decimal(1_000), 12),
    (Decimal(5_000), 20),
    (Decimal(20_000), 28),
    (Decimal(100_000), 35),
)
COMPLETENESS_MAX = 20
EMAIL_POINTS = {"business": 15, "free": 5, "none": 0}
BUSINESS_TYPE_POINTS = {
    "importer": 15,
    "distributor": 15,
    "wholesaler": 13,
    "contractor": 12,
    "integrator": 12,
    "retailer": 8,
    "end_user": 6,
    "other": 4,
}
TIMELINE_POINTS = {"realistic": 15, "planning": 8, "far": 3, "too_soon": 5, "unknown": 0}
DEFAULT_LEAD_TIME = timedelta(days=30)
REALISTIC_HORIZON = timedelta(days=180)
PLANNING_HORIZON = timedelta(days=365)
BANDS = ((70, "hot"), (40, "warm"), (0, "cold"))


@dataclass(frozen=True)
class InquiryFacts:
    """What the score looks at. Field names follow the Inquiry record."""

    today: date
    quantity: Decimal | None = None
    target_price: Decimal | None = None  # per unit, in ``currency``
    currency: str | None = None
    estimated_value_usd: Decimal | None = None  # wins over quantity x target price
    email: str | None = None
    business_type: str | None = None
    required_by: date | None = None
    asap: bool = False
    earliest: date | None = None  # first date we can deliver; default today + 30 days
    # optional fields, counted for completeness (None = not given)
    company: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    destination_country: str | None = None
    incoterm: str | None = None
    payment_terms: str | None = None
    certifications: tuple[str, ...] | None = None  # () = "none needed", which is an answer
    sample_requested: bool | None = None


COMPLETENESS_FIELDS = (
    "company",
    "contact_name",
    "phone",
    "destination_country",
    "incoterm",
    "payment_terms",
    "certifications",
    "target_price",
    "required_by",
    "sample_requested",
)


@dataclass(frozen=True)
class LeadScore:
    total: int
    parts: dict[str, int] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @property
    def band(self) -> str:
        """'hot' (70+), 'warm' (40-69) or 'cold'."""
        return next(name for floor, name in BANDS if self.total >= floor)


def order_value_usd(
    facts: InquiryFacts, usd_rates: Mapping[str, Decimal] = DEFAULT_USD_RATES
) -> Decimal | None:
    """The estimated order value in USD, or None when it can't be told."""
    if facts.estimated_value_usd is not None:
        return max(facts.estimated_value_usd, Decimal(0))
    if facts.quantity is None or facts.target_price is None or not facts.currency:
        return None
    rate = usd_rates.get(facts.currency.upper())
    if rate is None:
        return None
    return max(facts.quantity * facts.target_price * rate, Decimal(0))


def score(
    facts: InquiryFacts, *, usd_rates: Mapping[str, Decimal] = DEFAULT_USD_RATES
) -> LeadScore:
    """Score an inquiry: ``LeadScore(total 0..100, parts, reasons)``."""
    parts: dict[str, int] = {}
    reasons: list[str] = []
    for name, rule in _RULES:
        points, reason = rule(facts, usd_rates)
        parts[name] = points
        reasons.append(reason)
    total = max(0, min(100, sum(parts.values())))
    return LeadScore(total=total, parts=parts, reasons=reasons)


def _order_value(facts: InquiryFacts, usd_rates: Mapping[str, Decimal]) -> tuple[int, str]:
    value = order_value_usd(facts, usd_rates)
    if value is None:
        return 0, "Order value unknown (no quantity x target price or estimate)."
    points = 0
    for floor, floor_points in ORDER_VALUE_POINTS:
        if value >= floor:
            points = floor_points
    return points, f"Order value about USD {value:,.0f}."


def _completeness(facts: InquiryFacts, _: Mapping[str, Decimal]) -> tuple[int, str]:
    given = [name for name in COMPLETENESS_FIELDS if _given(facts, name)]
    points = COMPLETENESS_MAX * len(given) // len(COMPLETENESS_FIELDS)
    return points, f"{len(given)} of {len(COMPLETENESS_FIELDS)} optional details given."


def _given(facts: InquiryFacts, name: str) -> bool:
    if name == "required_by":
        return facts.required_by is not None or facts.asap
    value = getattr(facts, name)
    return value is not None and value != ""


def _email(facts: InquiryFacts, _: Mapping[str, Decimal]) -> tuple[int, str]:
    if not facts.email or "@" not in facts.email:
        return EMAIL_POINTS["none"], "No email address."
    if is_free_mail(facts.email):
        return EMAIL_POINTS["free"], "Free-mail address (gmail, qq…)."
    return EMAIL_POINTS["business"], "Company email domain."


def _business_type(facts: InquiryFacts, _: Mapping[str, Decimal]) -> tuple[int, str]:
    points = BUSINESS_TYPE_POINTS.get(facts.business_type or "", 0)
    if not points:
        return 0, "Business type unknown."
    return points, f"Business type: {facts.business_type}."


def _timeline(facts: InquiryFacts, _: Mapping[str, Decimal]) -> tuple[int, str]:
    earliest = facts.earliest or facts.today + DEFAULT_LEAD_TIME
    if facts.asap and facts.required_by is None:
        return TIMELINE_POINTS["too_soon"], "Wants it ASAP: urgent, but sooner than we can produce."
    if facts.required_by is None:
        return TIMELINE_POINTS["unknown"], "No required-by date."
    if facts.required_by < earliest:
        return TIMELINE_POINTS["too_soon"], "Required-by date is sooner than our lead time."
    if facts.required_by <= facts.today + REALISTIC_HORIZON:
        return TIMELINE_POINTS["realistic"], "Realistic timeline (within 6 months)."
    if facts.required_by <= facts.today + PLANNING_HORIZON:
        return TIMELINE_POINTS["planning"], "Planning ahead (6-12 months)."
    return TIMELINE_POINTS["far"], "Far future (over a year away)."


_RULES = (
    ("order_value", _order_value),
    ("completeness", _completeness),
    ("email", _email),
    ("business_type", _business_type),
    ("timeline", _timeline),
)
MAX_POINTS = (  # 100: the tests hold the tables to it
    ORDER_VALUE_POINTS[-1][1]
    + COMPLETENESS_MAX
    + max(EMAIL_POINTS.values())
    + max(BUSINESS_TYPE_POINTS.values())
    + max(TIMELINE_POINTS.values())
)
