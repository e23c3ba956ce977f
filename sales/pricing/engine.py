"""The pricing engine: ``price(request, book, today=...) -> PricedQuote``, a pure function.

Money: ``Decimal`` everywhere. Every unit price, line amount and charge is rounded
ROUND_HALF_UP to the quote currency's minor unit (babel/CLDR: USD 2 decimals, JPY 0,
KWD 3); ``line.amount = round(unit_price x quantity)`` and
``total = sum(line amounts) + sum(charges)`` exactly, with no further rounding. Prices are
worked out in USD (the book's base), converted with the book's rate table (as-of date in
the breakdown) and only then rounded. Floor prices are rounded up.

Currency: the quote is in USD unless the request asks for another currency the book has a
rate for. USD is what a Ningbo exporter invoices in by default (no FX exposure on a
static table, and buyers worldwide compare in USD); a buyer who asks for EUR, GBP, ...
gets it, at the book's rate. An unknown currency falls back to USD with a note.

Incoterm: None means the book's default (FOB at our default port), stated in the
breakdown. Charges included under each rule are described in ``sales.pricing.charges``;
duties and import taxes are always marked as estimates.

Margin: gross margin on the selling price. A line's margin is (unit price - unit cost) /
unit price; the quote's is (total - goods cost - the charges we pay) / total. Charges are
passed through at the book's rates. ``in_policy`` is False whenever any reason is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from i18n import DEFAULT_LANGUAGE
from sales.pricing.charge_text import charge_text
from sales.pricing.charges import (
    ChargeContext,
    DutyLine,
    UsdCharge,
    duty_estimates,
    incoterm_charges,
)
from sales.pricing.incoterms import ORIGIN_NAMED_PLACE, SEA_ONLY, Incoterm
from sales.pricing.lines import LineResult, LineTerms, PreparedLine, prepare_line, price_line
from sales.pricing.models import (
    Charge,
    IssueCode,
    Policy,
    PolicyIssue,
    PricedQuote,
    PricingRequest,
    ShipmentSummary,
)
from sales.pricing.money import (
    ZERO,
    exact_margin_pct,
    format_money,
    margin_pct,
    round_money,
)
from sales.pricing.pricebook import Currencies, PriceBook
from sales.pricing.shipping import EMPTY_LOAD, FreightPlan, Load, plan_freight

BASE_CURRENCY = "USD"


@dataclass(frozen=True, slots=True)
class _Delivery:
    incoterm: Incoterm
    place: str
    port: str
    haulage: bool  # False for FCA at our factory


def price(request: PricingRequest, book: PriceBook, *, today: date) -> PricedQuote:
    """Price ``request`` from ``book`` as of ``today``. Same inputs, same quote."""
    issues: list[PolicyIssue] = []
    notes: list[str] = []
    currency = _quote_currency(request, book, notes)
    country = request.destination_country
    zone_code = book.zone_code(country)
    adjustment, adjustment_source = book.price_adjustment_pct(country)
    delivery = _delivery(request, book, issues, notes)
    _check_destination(request, book, issues)
    notes.append(
        f"Destination: {country}"
        + (f" ({request.destination_place})" if request.destination_place else "")
        + f", zone {zone_code} ({book.zones[zone_code].name}), regional adjustment "
        f"{adjustment:+f}% ({adjustment_source})"
    )

    prepared = [
        prepare_line(no, line, book, currency) for no, line in enumerate(request.lines, start=1)
    ]
    known = [line for line in prepared if line.product is not None]
    load = sum((line.load for line in known), EMPTY_LOAD)
    plan = plan_freight(
        load,
        origin=book.origin,
        port=book.origin.ports[delivery.port],
        freight=book.freight,
        zone=book.freight.zones[zone_code],
        samples_only=bool(known) and all(line.sample for line in known),
    )
    if not delivery.haulage:
        plan = _without_haulage(plan)
    transit = 0 if delivery.incoterm in ORIGIN_NAMED_PLACE else plan.transit_days
    available = None
    if request.required_by is not None:
        available = (request.required_by - today).days - transit
        notes.append(
            f"Required by {request.required_by.isoformat()} at {delivery.place}: "
            f"{transit} days transit, {available} days left for production"
        )
    terms = LineTerms(book, currency, adjustment, adjustment_source, available)
    results = [price_line(line, terms) for line in prepared]
    for result in results:
        issues.extend(result.issues)
        notes.extend(result.notes)

    charges, buyer_estimates = _charges(
        request,
        book,
        delivery,
        plan,
        zone_code,
        list(zip(prepared, results, strict=True)),
        currency,
        issues,
    )
    shipment = _summary(load, plan)
    if plan.mode != "none":
        notes.append(f"Shipment: {shipment.describe()} from {delivery.port}")
    for charge in charges:
        star = " (estimate)" if charge.is_estimate else ""
        notes.append(f"Charge: {charge.label}: {format_money(charge.amount, currency)}{star}")
    for estimate in buyer_estimates:
        notes.append(
            f"For information, paid by the buyer: {estimate.label}: "
            f"{format_money(estimate.amount, currency)}"
        )

    lines = tuple(result.line for result in results)
    total = sum((line.amount for line in lines), ZERO) + sum(
        (charge.amount for charge in charges), ZERO
    )
    cost = sum((result.cost for result in results), ZERO) + sum(
        (charge.amount for charge in charges), ZERO
    )
    quote_margin = margin_pct(total, cost)
    floor = book.margins.quote_floor_pct
    if any(line.priced for line in lines) and exact_margin_pct(total, cost) < floor:
        issues.append(
            PolicyIssue(
                IssueCode.QUOTE_MARGIN_BELOW_FLOOR,
                f"Quote margin {quote_margin}% is below the quote floor of {floor}%",
            )
        )
    payment_terms = _payment_terms(request, book, issues)

    lead = max((line.lead_time_days or 0 for line in lines), default=0)
    ready = today + timedelta(days=lead)
    arrival = None
    if delivery.incoterm not in ORIGIN_NAMED_PLACE and plan.mode != "none":
        arrival = ready + timedelta(days=plan.transit_days)
    valid_until = today + timedelta(days=book.validity_days)
    notes.append(f"Total: {format_money(total, currency)}")
    notes.append(
        f"Quote margin {quote_margin}% on cost including the charges we pay (quote floor {floor}%)"
    )
    notes.append(
        f"Goods ready at origin about {ready.isoformat()}"
        + (f", estimated arrival {arrival.isoformat()}" if arrival else "")
    )
    notes.append(f"Payment terms: {payment_terms}")
    notes.append(f"Valid until {valid_until.isoformat()} ({book.validity_days} days)")
    policy = Policy(in_policy=not issues, reasons=tuple(issues))
    if policy.in_policy:
        notes.append("Policy: in policy")
    else:
        notes.append("Policy: NOT in policy - " + "; ".join(str(issue) for issue in issues))
    return PricedQuote(
        currency=currency,
        incoterm=delivery.incoterm,
        incoterm_place=delivery.place,
        destination_country=country,
        destination_place=request.destination_place,
        payment_terms=payment_terms,
        lines=lines,
        charges=charges,
        total=total,
        margin_pct=quote_margin,
        valid_until=valid_until,
        policy=policy,
        breakdown=tuple(notes),
        shipment=shipment,
        ready_date=ready,
        arrival_date=arrival,
        fx_as_of=book.currencies.as_of,
        buyer_estimates=buyer_estimates,
    )


def _quote_currency(request: PricingRequest, book: PriceBook, notes: list[str]) -> str:
    wanted = request.currency or BASE_CURRENCY
    if not book.currencies.has_rate(wanted):
        notes.append(f"Currency {wanted} has no rate in the price book; quoting in USD")
        wanted = BASE_CURRENCY
    if wanted == BASE_CURRENCY:
        notes.append("Currency: USD")
    else:
        rate = book.currencies.rate(wanted)
        notes.append(
            f"Currency: {wanted} at {rate:f} per USD "
            f"(rates as of {book.currencies.as_of.isoformat()}, {book.currencies.source})"
        )
    return wanted


def _delivery(
    request: PricingRequest, book: PriceBook, issues: list[PolicyIssue], notes: list[str]
) -> _Delivery:
    origin = book.origin
    incoterm = request.incoterm or book.default_incoterm
    requested = (request.incoterm_place or "").strip()
    port = origin.default_port
    if incoterm not in ORIGIN_NAMED_PLACE:
        place = requested or (request.destination_place or "").strip()
        if not place:
            place = f"{request.destination_country} (place to be named)"
    elif incoterm is Incoterm.EXW:
        place = requested or origin.factory
    else:
        ports = {name.casefold(): name for name in origin.ports}
        place = requested or port
        if place.casefold() in ports:
            place = port = ports[place.casefold()]
        elif incoterm is Incoterm.FCA and place.casefold() == origin.factory.casefold():
            place = origin.factory
            notes.append(f"Incoterm: FCA {place}: handed over at our factory, no haulage")
            return _Delivery(incoterm, place, port, haulage=False)
        else:
            names = ", ".join(origin.ports)
            issues.append(
                PolicyIssue(
                    IssueCode.INVALID_PLACE,
                    f"{incoterm} {place}: the named place must be one of our origin ports "
                    f"({names}); priced as {incoterm} {port}",
                )
            )
            place = port
    if request.incoterm is None:
        notes.append(f"Incoterm: {incoterm} {place} (default: the buyer named no Incoterm)")
    else:
        notes.append(f"Incoterm: {incoterm} {place} (Incoterms 2020)")
    if incoterm in SEA_ONLY and incoterm not in ORIGIN_NAMED_PLACE:
        notes.append(f"{incoterm} is a sea-only rule: {place} should be the port of discharge")
    return _Delivery(incoterm, place, port, haulage=True)


def _check_destination(request: PricingRequest, book: PriceBook, issues: list[PolicyIssue]) -> None:
    restricted = book.restricted
    country = request.destination_country
    if country in restricted.countries:
        issues.append(
            PolicyIssue(
                IssueCode.DESTINATION_RESTRICTED,
                f"Destination {country} may not be sold to ({restricted.countries[country]}); "
                "refer to compliance",
            )
        )
    places = " ".join(filter(None, (request.destination_place, request.incoterm_place)))
    folded = places.casefold()
    for keyword, reason in restricted.places.items():
        if keyword.casefold() in folded:
            issues.append(
                PolicyIssue(
                    IssueCode.DESTINATION_RESTRICTED,
                    f"Destination '{places}' is restricted ({reason}); refer to compliance",
                )
            )


def _without_haulage(plan: FreightPlan) -> FreightPlan:
    return FreightPlan(
        plan.mode, plan.containers, plan.chargeable, ZERO, plan.origin_thc, plan.main_freight,
        plan.destination, plan.unloading, plan.transit_days,
    )  # fmt: skip


def _charges(
    request: PricingRequest,
    book: PriceBook,
    delivery: _Delivery,
    plan: FreightPlan,
    zone_code: str,
    lines: list[tuple[PreparedLine, LineResult]],
    currency: str,
    issues: list[PolicyIssue],
) -> tuple[tuple[Charge, ...], tuple[Charge, ...]]:
    """Incoterm charges and informative buyer-side duty estimates, in the quote currency."""
    fx = book.currencies
    duty_lines = [
        DutyLine(prep.product.hs_digits, fx.convert(res.line.amount, currency, BASE_CURRENCY))
        for prep, res in lines
        if prep.product is not None
    ]
    duties = book.duty_rates(request.destination_country)
    ctx = ChargeContext(
        book=book,
        incoterm=delivery.incoterm,
        plan=plan,
        port=delivery.port,
        zone_code=zone_code,
        place=delivery.place,
        goods_value=sum((line.value for line in duty_lines), ZERO),
        duty_lines=duty_lines,
        duty_rates=duties[0] if duties else None,
        duty_source=duties[1] if duties else None,
    )
    is_ddp = delivery.incoterm is Incoterm.DDP
    if is_ddp and duties is None and duty_lines:
        issues.append(
            PolicyIssue(
                IssueCode.NO_DUTY_DATA,
                f"No duty/tax data for {request.destination_country}: DDP import duties and "
                "taxes cannot be estimated",
            )
        )
    charges = incoterm_charges(ctx)
    extra = duty_estimates(ctx) if request.include_duty_estimate and not is_ddp else []
    return _in_currency(charges, fx, currency), _in_currency(extra, fx, currency)


def _in_currency(items: list[UsdCharge], fx: Currencies, currency: str) -> tuple[Charge, ...]:
    return tuple(
        Charge(
            item.kind,
            charge_text(item.kind, item.params, DEFAULT_LANGUAGE),
            round_money(fx.convert(item.amount, BASE_CURRENCY, currency), currency),
            item.is_estimate,
            item.params,
        )
        for item in items
    )


def _summary(load: Load, plan: FreightPlan) -> ShipmentSummary:
    return ShipmentSummary(
        mode=plan.mode,
        cartons=load.cartons,
        cbm=load.cbm.quantize(Decimal("0.001")),
        gross_kg=load.gross_kg.quantize(Decimal("0.1")),
        containers=plan.containers,
    )


def _payment_terms(request: PricingRequest, book: PriceBook, issues: list[PolicyIssue]) -> str:
    if not request.payment_terms or not request.payment_terms.strip():
        return book.payment_terms.default
    wanted = request.payment_terms.strip()
    standard = {" ".join(term.casefold().split()): term for term in book.payment_terms.standard}
    match = standard.get(" ".join(wanted.casefold().split()))
    if match is not None:
        return match
    issues.append(
        PolicyIssue(
            IssueCode.NON_STANDARD_PAYMENT_TERMS,
            f"Payment terms '{wanted}' are not among our standard terms; needs finance approval",
        )
    )
    return wanted
