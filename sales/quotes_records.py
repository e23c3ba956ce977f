"""A stored quote as the contract record (``to_record``) and as a chat text for the buyer
(``describe_for_buyer``); the engine's details kept with a quote (``pricing_snapshot``).

Money in records is a decimal string rounded to the currency's minor unit ("11.80", JPY
"1234"), never a float; ``total`` is the sum of the line amounts and the charges.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sales.models import Quote, QuoteStatus
from sales.pricing.models import Charge, PricedQuote
from sales.pricing.money import format_money, round_money


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
    return {
        "kind": charge.kind,
        "label": charge.label,
        "amount": f"{charge.amount:f}",
        "estimate": charge.is_estimate,
    }


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


_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "offer": "Here is your quotation {ref}: {total} {terms}{estimate}, valid until {valid}.",
        "lead": " Production lead time is about {lead} days.",
        "estimate": " (duties and taxes estimated)",
        "pending": (
            "Thank you! Your quotation {ref} is being reviewed by our sales team, you'll hear "
            "from us within one business day."
        ),
        "accepted": (
            "Thank you for accepting quotation {ref} ({total} {terms}). Our sales team will "
            "send you the proforma invoice shortly."
        ),
        "rejected": "Our sales team will get back to you personally about {inquiry}.",
        "expired": "Quotation {ref} expired on {valid}; just ask and we'll send an updated one.",
    },
    "de": {
        "offer": "Ihr Angebot {ref}: {total} {terms}{estimate}, gültig bis {valid}.",
        "lead": " Die Produktionszeit beträgt ca. {lead} Tage.",
        "estimate": " (Zölle und Steuern geschätzt)",
        "pending": (
            "Vielen Dank! Ihr Angebot {ref} wird von unserem Vertriebsteam geprüft, Sie hören "
            "innerhalb eines Werktags von uns."
        ),
        "accepted": (
            "Vielen Dank für die Annahme von Angebot {ref} ({total} {terms}). Unser "
            "Vertriebsteam sendet Ihnen in Kürze die Proformarechnung."
        ),
        "rejected": "Unser Vertriebsteam meldet sich persönlich bei Ihnen zu {inquiry}.",
        "expired": (
            "Angebot {ref} ist am {valid} abgelaufen; gern senden wir Ihnen ein aktuelles Angebot."
        ),
    },
    "es": {
        "offer": "Su cotización {ref}: {total} {terms}{estimate}, válida hasta el {valid}.",
        "lead": " El plazo de producción es de unos {lead} días.",
        "estimate": " (aranceles e impuestos estimados)",
        "pending": (
            "¡Gracias! Nuestro equipo de ventas está revisando su cotización {ref}; tendrá "
            "noticias nuestras en un día hábil."
        ),
        "accepted": (
            "Gracias por aceptar la cotización {ref} ({total} {terms}). Nuestro equipo de "
            "ventas le enviará la factura proforma en breve."
        ),
        "rejected": "Nuestro equipo de ventas le contactará personalmente sobre {inquiry}.",
        "expired": "La cotización {ref} venció el {valid}; pídanos una cotización actualizada.",
    },
    "zh": {
        "offer": "您的报价单 {ref}：{total}，{terms}{estimate}，有效期至 {valid}。",
        "lead": "生产周期约 {lead} 天。",
        "estimate": "（含预估关税和税费）",
        "pending": (
            "谢谢！您的报价单 {ref} 正在由我们的销售团队审核，我们将在一个工作日内回复您。"
        ),
        "accepted": (
            "感谢您接受报价单 {ref}（{total}，{terms}）。我们的销售团队将尽快发送形式发票。"
        ),
        "rejected": "我们的销售团队将就 {inquiry} 与您单独联系。",
        "expired": "报价单 {ref} 已于 {valid} 过期，请联系我们获取最新报价。",
    },
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


def describe_for_buyer(quote: Quote, *, language: str | None = "en") -> str:
    """A short chat text about ``quote`` in the buyer's language (en, de, es, zh; else en).

    Needs ``quote.lines`` and ``charges`` loaded (and ``inquiry`` for a rejected quote).
    """
    primary = (language or "en").replace("_", "-").split("-", 1)[0].lower()
    texts = _TEXTS.get(primary, _TEXTS["en"])
    kind = _KIND_OF_STATUS[QuoteStatus(quote.status)]
    terms = " ".join(filter(None, (quote.incoterm, quote.place)))
    values = {
        "ref": quote.reference,
        # only the rejected text names the inquiry (the relationship may not be loaded)
        "inquiry": quote.inquiry.reference if kind == "rejected" else "",
        "total": format_money(round_money(Decimal(quote.total), quote.currency), quote.currency),
        "terms": terms,
        "valid": quote.valid_until.isoformat(),
        "estimate": texts["estimate"] if any(c.estimate for c in quote.charges) else "",
    }
    text = texts[kind].format(**values)
    lead = max((line.lead_time_days or 0 for line in quote.lines), default=0)
    if kind == "offer" and lead:
        text += texts["lead"].format(lead=lead)
    return text
