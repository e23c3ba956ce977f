"""Payment terms: "L/C at sight", "30% T/T deposit, 70% before shipment", "D/A 90 days" ->
(code, normalised detail). Codes: TT, LC, DP, DA, OA, ESCROW.

Methods we don't accept (PayPal, cards, Western Union, crypto, cash on delivery…) get a
readable refusal listing what we do accept. "No preference" succeeds with ``value=None``.
When several methods are named, the first one mentioned is the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sales.normalizers._text import clean, fold, quote, too_long
from sales.normalizers.result import Parsed

PAYMENT_CODES = ("TT", "LC", "DP", "DA", "OA", "ESCROW")
ACCEPTED = (
    "bank transfer (T/T), letter of credit (L/C), D/P, D/A, open account for established "
    "customers, or escrow (Alibaba Trade Assurance)"
)

_CODES: dict[str, re.Pattern[str]] = {
    "ESCROW": re.compile(r"escrow|trade assurance|secure ?payment|alibaba", re.I),
    "LC": re.compile(
        r"\bl\s*/\s*c\b|\blcs?\b|letters? of credit|documentary credit|\bsblc\b"
        r"|carta de credito|akkreditiv|lettre de credit|carta de credito|信用证",
        re.I,
    ),
    "DP": re.compile(
        r"\bd\s*/\s*p\b|\bdp\b|documents? against payment|cash against documents?|\bcad\b|付款交单",
        re.I,
    ),
    "DA": re.compile(r"\bd\s*/\s*a\b|\bda\b|documents? against acceptance|承兑交单", re.I),
    "OA": re.compile(
        r"\bo\s*/\s*a\b|\boa\b|open account|\bnet\s*\d+|credit terms?|on credit|赊销|账期", re.I
    ),
    "TT": re.compile(
        r"\bt\s*/\s*t\b|\btt\b|telegraphic transfer|wire|bank transfer|swift|transferencia"
        r"|transferencia bancaria|uberweisung|virement|电汇|advance payment|prepayment|pre-payment"
        r"|in advance|deposit|down payment|\d+\s*%|\b\d{1,2}\s*/\s*\d{1,2}\b",
        re.I,
    ),
}
_UNSUPPORTED = re.compile(
    r"(?P<name>paypal|credit card|debit card|\bcards?\b|visa|mastercard|amex|american express"
    r"|western union|moneygram|bitcoin|crypto\w*|usdt|tether|\bcash\b(?! against| in advance)"
    r"|cash on delivery|\bcod\b|cheque|\bcheck\b|payoneer|alipay|wechat pay|apple pay)",
    re.I,
)
_NO_PREFERENCE = re.compile(
    r"^(?:no preference|not sure|don't know|dont know|any|anything|whatever|you decide"
    r"|up to you|what do you suggest|usual|the usual|standard|negotiable|to be discussed|tbd)"
    r"[.!]*$",
    re.I,
)
_DAYS = re.compile(
    r"(?:\bnet\s*(?P<net>\d{1,3})\b|(?P<n>\d{1,3})\s*(?:days?|d\b|天|dias|días|tage))", re.I
)
_SIGHT = re.compile(r"\bsight\b|a la vista|à vue|a vista|即期", re.I)
_USANCE = re.compile(r"\busance\b|远期", re.I)
_ADVANCE = re.compile(r"\bin advance\b|\badvance\b|prepayment|pre-payment|upfront|up front", re.I)
_RATIO = re.compile(r"(?<![\d%])(\d{1,2})\s*/\s*(\d{1,2})(?![\d%])")
_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")
_BALANCE = re.compile(r"\b(?:balance|rest|remaining|remainder)\b", re.I)
_STAGES = (
    ("before shipment", re.compile(
        r"before (?:shipment|shipping|loading|delivery|dispatch)|prior to (?:shipment|loading)"
        r"|pre-?shipment|after inspection", re.I)),
    ("against B/L copy", re.compile(
        r"b\s*/\s*l|\bbl\b|bill of lading|against (?:the )?(?:copy|documents?)|after shipment"
        r"|(?:upon|on) shipment", re.I)),
    ("after arrival", re.compile(
        r"after (?:delivery|arrival|receipt|receiving)|(?:on|upon) (?:arrival|delivery|receipt)",
        re.I)),
    ("deposit", re.compile(
        r"deposit|advance|down ?payment|upfront|up front|with (?:the )?order|(?:on|upon) order"
        r"|prepay", re.I)),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    code: str
    detail: str | None = None


def parse_payment_terms(text: str) -> Parsed[PaymentTerms]:
    """Buyer's payment terms -> PaymentTerms(code, detail) or a readable error."""
    raw = clean(text)
    if not raw:
        return Parsed.failure(f"How would you like to pay? We accept {ACCEPTED}.")
    if too_long(raw):
        return Parsed.failure("Please give just the payment terms, for example: 30% T/T deposit.")
    low = fold(raw)
    if _NO_PREFERENCE.match(low):
        return Parsed.success(None, ["No problem: we'll propose payment terms in our quotation."])
    hits = {code: m.start() for code, pattern in _CODES.items() if (m := pattern.search(low))}
    unsupported = _UNSUPPORTED.search(low)
    if unsupported and (not hits or unsupported.start() < min(hits.values())):
        named = _UNSUPPORTED.search(raw)
        name = named["name"] if named else unsupported["name"]
        return Parsed.failure(f"Sorry, we can't accept {name}. We accept {ACCEPTED}.")
    if not hits:
        return Parsed.failure(
            f"I didn't understand the payment terms {quote(raw)}. We accept {ACCEPTED}."
        )
    code = min(hits, key=lambda c: hits[c])
    if code == "TT":
        return _tt(low)
    return Parsed.success(PaymentTerms(code, _detail(code, low)))


def _detail(code: str, low: str) -> str | None:
    if code == "ESCROW":
        return "Alibaba Trade Assurance" if "trade assurance" in low or "alibaba" in low else None
    days = _DAYS.search(low)
    if days:
        return f"{days['net'] or days['n']} days"
    if code in ("LC", "DP") and _SIGHT.search(low):
        return "at sight"
    if code == "LC" and _USANCE.search(low):
        return "usance"
    return None


def _tt(low: str) -> Parsed[PaymentTerms]:
    parts: list[tuple[int | None, str | None]] = []
    ratio = _RATIO.search(low)
    if ratio and not _PERCENT.search(low):
        first, second = int(ratio[1]), int(ratio[2])
        if first + second == 100:
            parts = [(first, "deposit"), (second, _stage(low[ratio.end() :]))]
    if not parts:
        # one clause per percentage or "balance", up to the next one
        starts = sorted(
            {m.start() for m in _PERCENT.finditer(low)}
            | {m.start() for m in _BALANCE.finditer(low)}
        )
        for start, end in zip(starts, [*starts[1:], len(low)][: len(starts)], strict=True):
            clause = low[start:end]
            percent = _PERCENT.match(clause)
            if percent is None and not _BALANCE.sub("", clause).strip(" :-,"):
                continue  # "balance 70% …": the percentage starts its own clause
            share = round(float(percent[1].replace(",", "."))) if percent else None
            parts.append((share, _stage(clause)))
    if not parts:
        detail = "100% in advance" if _ADVANCE.search(low) else None
        return Parsed.success(PaymentTerms("TT", detail))
    return _shares(parts)


def _stage(clause: str) -> str | None:
    for name, pattern in _STAGES:
        if pattern.search(clause):
            return name
    return None


def _shares(parts: list[tuple[int | None, str | None]]) -> Parsed[PaymentTerms]:
    known = sum(share for share, _ in parts if share is not None)
    open_shares = [i for i, (share, _) in enumerate(parts) if share is None]
    if len(open_shares) > 1:
        return Parsed.failure("Could you give the payment split in percent, e.g. 30% / 70%?")
    filled = [(100 - known if share is None else share, stage) for share, stage in parts]
    if known == 100 and all(share is not None for share, _ in parts):
        filled = [(share, stage) for share, stage in filled if share]  # drop "0% deposit"
    total = sum(share for share, _ in filled)
    if total != 100 or any(share <= 0 for share, _ in filled):
        return Parsed.failure(
            f"Your payment percentages add up to {total}%, not 100%. Could you check them?"
        )
    named: list[str] = []
    for i, (share, stage) in enumerate(filled):
        stage = stage or ("deposit" if i == 0 else "before shipment")
        named.append(f"{share}% {stage}")
    if named == ["100% deposit"]:
        named = ["100% in advance"]
    return Parsed.success(PaymentTerms("TT", ", ".join(named)))
