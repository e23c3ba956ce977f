"""A stored quote as the contract record (``to_record``) and as a chat text for the buyer
(``describe_for_buyer``); the engine's details kept with a quote (``pricing_snapshot``).

Money in records is a decimal string rounded to the currency's minor unit ("11.80", JPY
"1234"), never a float; ``total`` is the sum of the line amounts and the charges.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from i18n import DEFAULT_LANGUAGE, language_of, t
from i18n.formatting import date_text, money_text
from sales.models import Quote, QuoteStatus
from sales.pricing.models import Charge, PricedQuote
from sales.pricing.money import round_money


def amount_str(amount: Decimal, currency: str) -> str:
    """``amount`` as a decimal string with exactly the currency's minor unit."""
    return f"{round_money(Decimal(amount), currency):f}"


def _percent_str(value: Decimal) -> str:
    text = f"{Decimal(value).normalize():f}"
    return "0" if text in ("-0", "0") else text


def _quantity(value: Decimal) -> int | str:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else f"{value.normalize():f}"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _charge_json(charge: Charge) -> dict[str, Any]:
    found = {
        "kind": charge.kind,
        "label": charge.label,
        "amount": f"{charge.amount:f}",
        "estimate": charge.is_estimate,
    }
    if charge.params is not None:
        found["params"] = dict(charge.params)
    return found


def policy_reasons(priced: PricedQuote) -> list[dict[str, Any]]:
    return [
        {"code": issue.code.value, "message": issue.message, "line_no": issue.line_no}
        for issue in priced.policy.reasons
    ]


def pricing_snapshot(priced: PricedQuote, *, today: date) -> dict[str, Any]:
    """What the engine said (as of ``today``) beyond the rows of quote_lines/quote_charges."""
    shipment = priced.shipment
    return {
        "priced_on": today.isoformat(),
        "incoterm_place": priced.incoterm_place,
        "destination_country": priced.destination_country,
        "destination_place": priced.destination_place,
        "payment_terms": priced.payment_terms,
        "ready_date": priced.ready_date.isoformat(),
        "arrival_date": priced.arrival_date.isoformat() if priced.arrival_date else None,
        "fx_as_of": priced.fx_as_of.isoformat(),
        "shipment": {
            "mode": shipment.mode,
            "cartons": shipment.cartons,
            "cbm": f"{shipment.cbm:f}",
            "gross_kg": f"{shipment.gross_kg:f}",
            "containers": [[kind, count] for kind, count in shipment.containers],
        },
        "lines": [
            {
                "description": line.description,
                "tier": line.tier,
                "rush": line.rush,
                "priced": line.priced,
                "hs_code": line.hs_code,
            }
            for line in priced.lines
        ],
        "charge_labels": [charge.label for charge in priced.charges],
        # what each charge's words need, to say it in the buyer's language (the PDF)
        "charge_params": [
            None if charge.params is None else dict(charge.params) for charge in priced.charges
        ],
        "buyer_estimates": [_charge_json(charge) for charge in priced.buyer_estimates],
        "breakdown": list(priced.breakdown),
    }


def to_record(quote: Quote) -> dict[str, Any]:
    """The Quote record of CONTRACTS.md (plus a few extra fields).

    Needs ``quote.inquiry``, ``lines``, ``charges``, ``approvals`` and ``events`` loaded
    (``sales.quotes.get`` loads them).
    """
    currency = quote.currency
    pricing = quote.pricing or {}
    return {
        "reference": quote.reference,
        "inquiry": quote.inquiry.reference,
        "status": quote.status,
        "currency": currency,
        "incoterm": quote.incoterm,
        "place": quote.place,
        "lines": [
            {
                "sku": line.sku,
                "quantity": _quantity(line.quantity),
                "unit": line.unit,
                "unit_price": amount_str(line.unit_price, currency),
                "amount": amount_str(line.amount, currency),
                "lead_time_days": line.lead_time_days,
            }
            for line in quote.lines
        ],
        "charges": [
            {
                "kind": charge.kind,
                "amount": amount_str(charge.amount, currency),
                "estimate": charge.estimate,
            }
            for charge in quote.charges
        ],
        "total": amount_str(quote.total, currency),
        "payment_terms": quote.payment_terms,
        "payment_terms_text": pricing.get("payment_terms"),
        "valid_until": quote.valid_until.isoformat(),
        "margin_pct": _percent_str(quote.margin_pct),
        "approvals": [
            {"by": a.by, "decision": a.decision, "note": a.note, "at": _iso(a.at)}
            for a in quote.approvals
        ],
        "policy_reasons": [reason["message"] for reason in quote.policy_reasons or []],
        "needs_negotiation": quote.needs_negotiation,
        "created_at": _iso(quote.created_at),
        "events": [
            {
                "at": _iso(event.at),
                "actor": event.actor,
                "action": event.action,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "note": event.note,
            }
            for event in quote.events
        ],
        "breakdown": list(pricing.get("breakdown", [])),
    }


_KIND_OF_STATUS = {
    QuoteStatus.DRAFT: "pending",
    QuoteStatus.PENDING_APPROVAL: "pending",
    QuoteStatus.APPROVED: "offer",
    QuoteStatus.SENT: "offer",
    QuoteStatus.ACCEPTED: "accepted",
    QuoteStatus.REJECTED: "rejected",
    QuoteStatus.EXPIRED: "expired",
}


def _money_text(amount: Decimal, currency: str, language: str) -> str:
    """'USD 62,500.00' (en), 'USD 62.500,00' (de), 'USD 62 500,00' (fr): the ISO code first, as
    B2B buyers read it, with the language's separators and the currency's minor unit."""
    return money_text(round_money(Decimal(amount), currency), currency, language)


def _date_text(value: date, language: str) -> str:
    """ISO in English (unambiguous in every market), else the language's long form:
    '21. Dezember 2026', '2026年12月21日', '21 de diciembre de 2026'."""
    return date_text(value, language, english="iso")


def describe_for_buyer(quote: Quote, *, language: str | None = DEFAULT_LANGUAGE) -> str:
    """A short chat text about ``quote`` in the buyer's language (the ``quotes`` area of the
    message catalog; amounts and dates written the language's way).

    Needs ``quote.lines`` and ``charges`` loaded (and ``inquiry`` for a rejected quote).
    """
    lang = language_of(language)
    kind = _KIND_OF_STATUS[QuoteStatus(quote.status)]
    terms = " ".join(filter(None, (quote.incoterm, quote.place)))
    values = {
        "ref": quote.reference,
        # only the rejected text names the inquiry (the relationship may not be loaded)
        "inquiry": quote.inquiry.reference if kind == "rejected" else "",
        "total": _money_text(quote.total, quote.currency, lang),
        "terms": terms,
        "valid": _date_text(quote.valid_until, lang),
        "estimate": t("quotes.estimate", lang) if any(c.estimate for c in quote.charges) else "",
    }
    text = t(f"quotes.{kind}", lang, **values)
    lead = max((line.lead_time_days or 0 for line in quote.lines), default=0)
    if kind == "offer" and lead:
        text += t("quotes.lead", lang, lead=lead)
    return text
