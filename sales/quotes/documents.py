"""The quotation PDF of a stored quote: the quote as priced (from the database, never
re-priced: the price book may have changed since) plus the book's exporter and terms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from i18n import language_of
from sales.models import Quote
from sales.pricing.incoterms import Incoterm
from sales.pricing.models import Charge, Policy, PricedLine, PricedQuote, ShipmentSummary
from sales.pricing.pricebook import PriceBook
from sales.quotes.pdf import Buyer, QuotePdfData, render_quote_pdf
from sales.quotes.stored_charges import legacy_params, stored_params


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _cleared(quote: Quote) -> bool:
    """In policy as priced, or approved by a person: the PDF is not marked DRAFT."""
    return not quote.policy_reasons or any(a.decision == "approved" for a in quote.approvals)


def _lines(quote: Quote, details: list[dict[str, Any]]) -> tuple[PricedLine, ...]:
    lines = []
    for index, line in enumerate(quote.lines):
        extra = details[index] if index < len(details) else {}
        lines.append(
            PricedLine(
                line_no=line.position,
                sku=line.sku,
                description=extra.get("description") or line.sku or "",
                quantity=Decimal(line.quantity).normalize(),
                unit=line.unit,
                unit_price=Decimal(line.unit_price),
                amount=Decimal(line.amount),
                lead_time_days=line.lead_time_days,
                tier=extra.get("tier"),
                rush=bool(extra.get("rush", False)),
                priced=bool(extra.get("priced", True)),
                hs_code=extra.get("hs_code"),
            )
        )
    return tuple(lines)


def priced_from_stored(quote: Quote) -> PricedQuote:
    """The ``PricedQuote`` a stored quote was written from (for the PDF renderer)."""
    pricing = quote.pricing or {}
    stored = pricing.get("charge_labels", [])
    kinds = [charge.kind for charge in quote.charges]
    labels = [
        stored[index] if index < len(stored) else kind.replace("_", " ").capitalize()
        for index, kind in enumerate(kinds)
    ]
    params = stored_params(pricing, kinds, labels)
    charges = tuple(
        Charge(charge.kind, label, Decimal(charge.amount), charge.estimate, found)
        for charge, label, found in zip(quote.charges, labels, params, strict=True)
    )
    shipment = pricing.get("shipment") or {}
    return PricedQuote(
        currency=quote.currency,
        incoterm=Incoterm.parse(quote.incoterm or "FOB"),
        incoterm_place=quote.place or pricing.get("incoterm_place") or "",
        destination_country=pricing.get("destination_country") or "",
        destination_place=pricing.get("destination_place"),
        payment_terms=pricing.get("payment_terms") or quote.payment_terms or "",
        lines=_lines(quote, pricing.get("lines", [])),
        charges=charges,
        total=Decimal(quote.total),
        margin_pct=Decimal(quote.margin_pct),
        valid_until=quote.valid_until,
        # The renderer only asks whether the quote is in policy (DRAFT mark or not).
        policy=Policy(in_policy=_cleared(quote)),
        breakdown=tuple(pricing.get("breakdown", ())),
        shipment=ShipmentSummary(
            mode=shipment.get("mode", "none"),
            cartons=int(shipment.get("cartons", 0)),
            cbm=Decimal(shipment.get("cbm", "0")),
            gross_kg=Decimal(shipment.get("gross_kg", "0")),
            containers=tuple((kind, int(count)) for kind, count in shipment.get("containers", [])),
        ),
        ready_date=_date(pricing.get("ready_date")) or quote.created_at.date(),
        arrival_date=_date(pricing.get("arrival_date")),
        fx_as_of=_date(pricing.get("fx_as_of")) or quote.created_at.date(),
        buyer_estimates=tuple(
            Charge(
                e["kind"],
                e["label"],
                Decimal(e["amount"]),
                bool(e.get("estimate")),
                e["params"] if "params" in e else legacy_params(e["kind"], e["label"]),
            )
            for e in pricing.get("buyer_estimates", [])
        ),
    )


def pdf_data(quote: Quote, *, book: PriceBook, language: str | None = None) -> QuotePdfData:
    """Needs ``quote.inquiry``, ``lines``, ``charges`` and ``approvals`` loaded.

    The PDF is written in ``language``, by default the inquiry's (the buyer's session language
    when the RFQ was written; English when unknown).
    """
    inquiry = quote.inquiry
    company = inquiry.company or inquiry.contact_name or inquiry.email or inquiry.reference
    return QuotePdfData(
        reference=quote.reference,
        issued_on=_date((quote.pricing or {}).get("priced_on")) or quote.created_at.date(),
        exporter=book.exporter,
        buyer=Buyer(
            company=company,
            contact=inquiry.contact_name if inquiry.contact_name != company else None,
            country=inquiry.buyer_country,
            email=inquiry.email,
        ),
        quote=priced_from_stored(quote),
        terms=book.standard_terms,
        inquiry_reference=inquiry.reference,
        language=language_of(language or inquiry.language),
    )


def render_pdf(quote: Quote, *, book: PriceBook, language: str | None = None) -> bytes:
    """The quotation PDF of a stored quote in ``language``, by default the inquiry's
    (CPU-bound: call it in a worker thread)."""
    return render_quote_pdf(pdf_data(quote, book=book, language=language))
