"""Pricing one request line: units, tier, regional adjustment, target price, rush, floor.

Per piece, in the quote currency:
``base = min(list, max(target, floor))`` (``list`` when there is no usable target), where
``list`` is the tier price x (1 + regional adjustment) and ``floor`` is the unit cost
grossed up to the category's floor margin, rounded UP to the minor unit. A rush premium
is added on top of ``base``; the result is rounded ROUND_HALF_UP. Samples are priced at the
book's sample price. None of this depends on anything but the line, so a larger quantity
can only reach a cheaper tier, never a dearer one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sales.pricing.models import IssueCode, PolicyIssue, PricedLine, RequestLine
from sales.pricing.money import (
    ZERO,
    exact_margin_pct,
    format_money,
    margin_pct,
    pct,
    round_money,
    round_money_up,
)
from sales.pricing.pricebook import Currencies, PriceBook, Product
from sales.pricing.shipping import EMPTY_LOAD, Load, line_load

PIECE_UNITS = frozenset(
    {"pc", "pcs", "piece", "pieces", "unit", "units", "ea", "each", "nos", "set", "sets"}
)
CARTON_UNITS = frozenset({"carton", "cartons", "ctn", "ctns"})
SAMPLE_UNITS = frozenset({"sample", "samples"})


@dataclass(frozen=True, slots=True)
class PreparedLine:
    """A request line resolved against the book: product, quantity in pieces, load."""

    line_no: int
    request: RequestLine
    product: Product | None
    quantity: Decimal
    unit: str
    target: Decimal | None  # per piece, in ``target_currency``
    target_currency: str
    sample: bool
    load: Load
    issues: tuple[PolicyIssue, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LineResult:
    line: PricedLine
    cost: Decimal  # line cost in the quote currency, unrounded
    issues: tuple[PolicyIssue, ...]
    notes: tuple[str, ...]


def prepare_line(line_no: int, line: RequestLine, book: PriceBook, currency: str) -> PreparedLine:
    issues: list[PolicyIssue] = []
    notes: list[str] = []
    product = book.product(line.sku) if line.sku else None
    target_currency = line.target_currency or currency
    if product is None:
        what = f"SKU {line.sku!r}" if line.sku else f"'{line.description}' (no SKU matched)"
        issues.append(
            PolicyIssue(
                IssueCode.UNKNOWN_SKU,
                f"Line {line_no}: {what} is not in the price book; needs a manual quote",
                line_no,
            )
        )
        return PreparedLine(
            line_no, line, None, line.quantity, line.unit, None, target_currency, False,
            EMPTY_LOAD, tuple(issues), tuple(notes),
        )  # fmt: skip
    unit = line.unit.strip().lower()
    quantity, target, sample = line.quantity, line.target_price, False
    if unit in CARTON_UNITS:
        per_carton = Decimal(product.packaging.units_per_carton)
        quantity = line.quantity * per_carton
        target = None if target is None else target / per_carton
        notes.append(
            f"Line {line_no}: {line.quantity:f} cartons x {per_carton} = "
            f"{quantity:,f} {product.unit}"
        )
    elif unit in SAMPLE_UNITS:
        sample = True
        if quantity > product.sample.max_qty:
            issues.append(
                PolicyIssue(
                    IssueCode.SAMPLE_QUANTITY,
                    f"Line {line_no}: {quantity:f} samples is more than the "
                    f"{product.sample.max_qty} we send as samples; quote it as an order",
                    line_no,
                )
            )
    elif unit not in PIECE_UNITS and unit != product.unit.lower():
        issues.append(
            PolicyIssue(
                IssueCode.UNSUPPORTED_UNIT,
                f"Line {line_no}: unit {line.unit!r} is not pieces or cartons; "
                f"priced as {product.unit}, please confirm",
                line_no,
            )
        )
    if quantity != quantity.to_integral_value():
        issues.append(
            PolicyIssue(
                IssueCode.FRACTIONAL_QUANTITY,
                f"Line {line_no}: {quantity:f} {product.unit} is not a whole number",
                line_no,
            )
        )
    if target is not None and not book.currencies.has_rate(target_currency):
        notes.append(
            f"Line {line_no}: target price currency {target_currency} has no rate; target ignored"
        )
        target = None
    load = line_load(product, quantity, sample=sample)
    return PreparedLine(
        line_no, line, product, quantity, product.unit, target, target_currency, sample, load,
        tuple(issues), tuple(notes),
    )  # fmt: skip


def unpriced(prepared: PreparedLine) -> LineResult:
    request = prepared.request
    line = PricedLine(
        line_no=prepared.line_no,
        sku=request.sku,
        description=request.description,
        quantity=request.quantity,
        unit=request.unit,
        unit_price=ZERO,
        amount=ZERO,
        lead_time_days=None,
        tier=None,
        rush=False,
        priced=False,
    )
    notes = (f"Line {prepared.line_no}: {request.description} - not priced (unknown SKU)",)
    return LineResult(line, ZERO, prepared.issues, prepared.notes + notes)


@dataclass(frozen=True, slots=True)
class LineTerms:
    """Quote-wide inputs to line pricing."""

    book: PriceBook
    currency: str
    adjustment_pct: Decimal
    adjustment_source: str
    available_days: int | None  # days from today until goods must be ready; None: no date


def price_line(prepared: PreparedLine, terms: LineTerms) -> LineResult:
    product = prepared.product
    if product is None:
        return unpriced(prepared)
    book, currency = terms.book, terms.currency
    fx = book.currencies
    issues = list(prepared.issues)
    notes = list(prepared.notes)
    no = prepared.line_no
    band = book.margins.categories[product.category]
    cost = fx.convert(product.unit_cost, "USD", currency)
    floor = round_money_up(
        fx.convert(product.unit_cost / (1 - pct(band.floor_pct)), "USD", currency), currency
    )
    head = f"Line {no}: {product.sku} x {prepared.quantity:,f} {product.unit}"

    if prepared.sample:
        list_price = fx.convert(product.sample.price, "USD", currency)
        base = list_price
        tier_label = "sample"
        lead, rush = product.sample.lead_time_days, False
        notes.append(f"{head}, sample price {format_money(product.sample.price, 'USD')}")
    else:
        tier = product.tier_for(prepared.quantity)
        tier_label = tier.label
        adjusted = tier.unit_price * (1 + pct(terms.adjustment_pct))
        list_price = fx.convert(adjusted, "USD", currency)
        detail = f"{head}, tier {tier.label}, list {format_money(tier.unit_price, 'USD')}"
        if terms.adjustment_pct:
            detail += f", region {terms.adjustment_source} {terms.adjustment_pct:+f}%"
        notes.append(f"{detail} -> {format_money(round_money(list_price, currency), currency)}")
        if prepared.quantity < product.moq:
            tier_label = f"below MOQ ({tier.label})"
            issues.append(
                PolicyIssue(
                    IssueCode.BELOW_MOQ,
                    f"Line {no}: {prepared.quantity:,f} {product.unit} is below the MOQ of "
                    f"{product.moq:,} for {product.sku}",
                    no,
                )
            )
        base = _apply_target(prepared, list_price, floor, currency, fx, issues, notes)
        lead, rush = _lead_time(prepared, product, terms.available_days, issues, notes)
    rushed = base * (1 + pct(product.rush.premium_pct)) if rush and product.rush else base
    unit_price = round_money(rushed, currency)
    amount = round_money(unit_price * prepared.quantity, currency)
    exact = exact_margin_pct(unit_price, cost)
    shown = margin_pct(unit_price, cost)
    notes.append(
        f"Line {no}: unit price {format_money(unit_price, currency)}, amount "
        f"{format_money(amount, currency)}, floor {format_money(floor, currency)}, margin "
        f"{shown}% ({_band_label(exact, band.floor_pct, band.target_pct, band.stretch_pct)})"
    )
    if exact < band.floor_pct:
        issues.append(
            PolicyIssue(
                IssueCode.MARGIN_BELOW_FLOOR,
                f"Line {no}: margin {shown}% on {product.sku} is below the "
                f"{product.category} floor of {band.floor_pct}%",
                no,
            )
        )
    line = PricedLine(
        line_no=no,
        sku=product.sku,
        description=prepared.request.description or product.name,
        quantity=prepared.quantity,
        unit=product.unit,
        unit_price=unit_price,
        amount=amount,
        lead_time_days=lead,
        tier=tier_label,
        rush=rush,
        priced=True,
        list_price=round_money(list_price, currency),
        floor_price=floor,
        margin_pct=shown,
        hs_code=product.hs_code,
    )
    return LineResult(line, cost * prepared.quantity, tuple(issues), tuple(notes))


def _apply_target(
    prepared: PreparedLine,
    list_price: Decimal,
    floor: Decimal,
    currency: str,
    fx: Currencies,
    issues: list[PolicyIssue],
    notes: list[str],
) -> Decimal:
    """``min(list, max(target, floor))``; flags a target below the floor."""
    if prepared.target is None:
        return list_price
    no = prepared.line_no
    target = fx.convert(prepared.target, prepared.target_currency, currency)
    shown = format_money(round_money(target, currency), currency)
    if target >= list_price:
        notes.append(f"Line {no}: buyer target {shown} is at or above list; list price kept")
        return list_price
    if target >= floor:
        notes.append(f"Line {no}: buyer target {shown} is above the floor; priced down to it")
        return target
    floor_or_list = min(floor, list_price)
    notes.append(
        f"Line {no}: buyer target {shown} is below the floor "
        f"{format_money(floor, currency)}; priced at the floor"
    )
    issues.append(
        PolicyIssue(
            IssueCode.TARGET_BELOW_FLOOR,
            f"Line {no}: target {shown} is below the floor price "
            f"{format_money(floor, currency)}; needs negotiation",
            no,
        )
    )
    return floor_or_list


def _lead_time(
    prepared: PreparedLine,
    product: Product,
    available_days: int | None,
    issues: list[PolicyIssue],
    notes: list[str],
) -> tuple[int, bool]:
    """Standard lead time if it meets the date, else rush if that does, else flag."""
    standard = product.lead_time_days
    if available_days is None or standard <= available_days:
        return standard, False
    no = prepared.line_no
    rush = product.rush
    if rush is not None and rush.lead_time_days <= available_days:
        notes.append(
            f"Line {no}: rush production {rush.lead_time_days} days instead of {standard} "
            f"(+{rush.premium_pct:f}%) to meet the required date"
        )
        return rush.lead_time_days, True
    fastest = rush.lead_time_days if rush is not None else standard
    issues.append(
        PolicyIssue(
            IssueCode.DATE_NOT_ACHIEVABLE,
            f"Line {no}: {product.sku} needs {fastest} days of production"
            f"{' even with rush' if rush is not None else ' (no rush option)'}, "
            f"only {max(available_days, 0)} available before the required date",
            no,
        )
    )
    return standard, False


def _band_label(margin: Decimal, floor: Decimal, target: Decimal, stretch: Decimal) -> str:
    if margin < floor:
        return f"BELOW floor {floor}%"
    if margin < target:
        return f"between floor {floor}% and target {target}%"
    if margin < stretch:
        return f"between target {target}% and stretch {stretch}%"
    return f"at or above stretch {stretch}%"
