"""Input and output types of the pricing engine (immutable, Decimal money)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sales.pricing.incoterms import Incoterm


@dataclass(frozen=True, slots=True)
class RequestLine:
    """One line of a buyer's request. ``sku`` None means "not matched to a catalogue item"."""

    sku: str | None
    description: str
    quantity: Decimal
    unit: str = "pcs"
    target_price: Decimal | None = None  # per ``unit``
    target_currency: str | None = None  # None: the quote's currency

    def __post_init__(self) -> None:
        if not isinstance(self.quantity, Decimal):
            object.__setattr__(self, "quantity", Decimal(str(self.quantity)))
        if not self.quantity.is_finite() or self.quantity <= 0:
            raise ValueError(f"quantity must be a positive number, got {self.quantity}")
        if self.target_price is not None:
            if not isinstance(self.target_price, Decimal):
                object.__setattr__(self, "target_price", Decimal(str(self.target_price)))
            if not self.target_price.is_finite() or self.target_price <= 0:
                raise ValueError(f"target_price must be positive, got {self.target_price}")
        if self.target_currency is not None:
            object.__setattr__(self, "target_currency", self.target_currency.strip().upper())


@dataclass(frozen=True, slots=True)
class PricingRequest:
    """What the buyer asked for.

    ``destination_country`` is an ISO 3166-1 alpha-2 code. ``incoterm`` None means the
    book's default (FOB at our default port). ``incoterm_place`` is the Incoterm's named
    place; when None it is our default port/factory for E/F rules and ``destination_place``
    for C/D rules. ``required_by`` is the date the goods must be at that named place.
    ``currency`` None means the book's base currency, USD (see the engine docstring).
    """

    lines: tuple[RequestLine, ...]
    destination_country: str
    destination_place: str | None = None
    incoterm: Incoterm | None = None
    incoterm_place: str | None = None
    required_by: date | None = None
    payment_terms: str | None = None
    currency: str | None = None
    include_duty_estimate: bool = False  # show buyer-paid duties/taxes (non-DDP) for info

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        if not self.lines:
            raise ValueError("a pricing request needs at least one line")
        object.__setattr__(self, "destination_country", self.destination_country.strip().upper())
        if self.incoterm is not None:
            object.__setattr__(self, "incoterm", Incoterm.parse(self.incoterm))
        if self.currency is not None:
            object.__setattr__(self, "currency", self.currency.strip().upper())


class IssueCode(StrEnum):
    MARGIN_BELOW_FLOOR = "margin_below_floor"
    QUOTE_MARGIN_BELOW_FLOOR = "quote_margin_below_floor"
    BELOW_MOQ = "below_moq"
    DESTINATION_RESTRICTED = "destination_restricted"
    DATE_NOT_ACHIEVABLE = "date_not_achievable"
    UNKNOWN_SKU = "unknown_sku"
    TARGET_BELOW_FLOOR = "target_below_floor"
    UNSUPPORTED_UNIT = "unsupported_unit"
    FRACTIONAL_QUANTITY = "fractional_quantity"
    SAMPLE_QUANTITY = "sample_quantity"
    NO_DUTY_DATA = "no_duty_data"
    INVALID_PLACE = "invalid_place"
    NON_STANDARD_PAYMENT_TERMS = "non_standard_payment_terms"


@dataclass(frozen=True, slots=True)
class PolicyIssue:
    code: IssueCode
    message: str
    line_no: int | None = None  # 1-based; None for the whole quote

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Policy:
    in_policy: bool
    reasons: tuple[PolicyIssue, ...] = ()

    def has(self, code: IssueCode) -> bool:
        return any(issue.code == code for issue in self.reasons)


@dataclass(frozen=True, slots=True)
class PricedLine:
    line_no: int
    sku: str | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal  # quote currency, rounded to its minor unit; 0 when not priced
    amount: Decimal  # round(unit_price * quantity)
    lead_time_days: int | None
    tier: str | None  # "5000+", "sample", "below MOQ (500+)", None when not priced
    rush: bool
    priced: bool
    list_price: Decimal | None = None  # tier price after regional adjustment, quote currency
    floor_price: Decimal | None = None
    margin_pct: Decimal | None = None  # gross margin on price, rounded down to 0.01
    hs_code: str | None = None


@dataclass(frozen=True, slots=True)
class Charge:
    kind: str  # "sea_freight", "insurance", "import_duty", ...
    label: str  # in English (sales/pricing/charge_text.py), as stored and shown to staff
    amount: Decimal  # quote currency, rounded
    is_estimate: bool = False
    # what the words need (port, place, rates...); None: only the label is known (a label
    # written by hand, or a quote stored before charges kept their parameters)
    params: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ShipmentSummary:
    mode: str  # "LCL", "FCL", "courier" or "none"
    cartons: int
    cbm: Decimal
    gross_kg: Decimal
    containers: tuple[tuple[str, int], ...] = ()

    def describe(self) -> str:
        load = f"{self.cartons} cartons, {self.cbm:.2f} CBM, {self.gross_kg:,.0f} kg"
        if self.mode == "FCL":
            boxes = " + ".join(f"{count} x {kind}" for kind, count in self.containers)
            return f"{load}, FCL {boxes}"
        return f"{load}, {self.mode}"


@dataclass(frozen=True, slots=True)
class PricedQuote:
    currency: str
    incoterm: Incoterm
    incoterm_place: str
    destination_country: str
    destination_place: str | None
    payment_terms: str
    lines: tuple[PricedLine, ...]
    charges: tuple[Charge, ...]
    total: Decimal  # sum(line.amount) + sum(charge.amount), exactly
    margin_pct: Decimal  # over the quote, on cost incl. the charges we pay
    valid_until: date
    policy: Policy
    breakdown: tuple[str, ...]
    shipment: ShipmentSummary
    ready_date: date  # goods ready at origin
    arrival_date: date | None  # estimated arrival at destination when we carry the goods
    fx_as_of: date
    buyer_estimates: tuple[Charge, ...] = field(default=())  # info only, not in total

    @property
    def in_policy(self) -> bool:
        return self.policy.in_policy

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def charges_total(self) -> Decimal:
        return sum((charge.amount for charge in self.charges), Decimal(0))
