"""Payment terms: "L/C at sight", "30% T/T deposit, 70% before shipment", "D/A 90 days",
"carta de crédito a la vista", "30% Anzahlung per T/T", "virement 30 % d'acompte", "电汇30%定金"
-> (code, normalised detail). Codes: TT, LC, DP, DA, OA, ESCROW.

Methods we don't accept (PayPal, cards, Western Union, crypto, cash on delivery…) get a
readable refusal listing what we do accept. "No preference" succeeds with ``value=None``.
When several methods are named, the first one mentioned is the code. A deposit alone
("30% Anzahlung") leaves the balance due before shipment, with a note saying so.
The details are written in English: they are what sales staff read.
Matching is on folded text (lower case, no accents), with the words of every language in
``i18n/lexicon/<lang>.yaml`` (payment_methods, payment_words, payment_stages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from i18n import Msg
from i18n.lexicon import patterns
from sales.normalizers._text import clean, clip, fold, fold_chars, too_long
from sales.normalizers.result import Parsed
from sales.normalizers.word_edges import END as E
from sales.normalizers.word_edges import START as S
from sales.normalizers.word_edges import has_han

PAYMENT_CODES = ("TT", "LC", "DP", "DA", "OA", "ESCROW")
ACCEPTED = Msg("validation.payment.accepted")


def _alternatives(kind: str, code: str, *, edges: bool = False) -> str:
    """Every language's words of ``code`` (``i18n/lexicon/<lang>.yaml``) as one alternation;
    ``edges``: each word of a spaced script whole."""
    found = []
    if not patterns(kind).get(code):
        raise LookupError(f"no language has {kind}.{code}")
    for alternative in patterns(kind)[code]:
        alternative = alternative.replace("{S}", S).replace("{E}", E)
        found.append(
            f"{S}(?:{alternative}){E}" if edges and not has_han(alternative) else alternative
        )
    return "|".join(found)


# The first one mentioned wins; on a tie, the first of this order.
_CODE_ORDER = ("ESCROW", "LC", "DP", "DA", "OA", "TT")
# Shares and ratios are T/T in every language: "30%", "30/70".
_LANGUAGE_FREE = {"TT": rf"\d+\s*%|{S}\d{{1,2}}\s*/\s*\d{{1,2}}{E}"}
_CODES: dict[str, re.Pattern[str]] = {
    code: re.compile(
        "|".join(p for p in (_alternatives("payment_methods", code), _LANGUAGE_FREE.get(code)) if p)
    )
    for code in _CODE_ORDER
}
# "DA" without the slash in capitals, or "da 90 days" as the whole answer: "da" is a word in
# Portuguese and Spanish ("da Casa Lumière", "antes da entrega").
_BARE_DA = re.compile(rf"{S}DA{E}|^[Dd][Aa]\s*\d")
_UNSUPPORTED = re.compile(f"(?P<name>{_alternatives('payment_words', 'unsupported')})")
_NO_PREFERENCE = re.compile(f"^(?:{_alternatives('payment_words', 'no_preference')})[.!。]*$")
_DAYS = re.compile(
    rf"(?:{S}net\s*(?P<net>\d{{1,3}}){E}|(?P<n>\d{{1,3}})\s*"
    rf"(?:{'|'.join(w if has_han(w) else w + E for w in patterns('payment_words')['days'])}))"
)
_SIGHT = re.compile(_alternatives("payment_words", "sight"))
_USANCE = re.compile(_alternatives("payment_words", "usance"))
_ADVANCE = re.compile(_alternatives("payment_words", "advance"))
_RATIO = re.compile(r"(?<![\d%])(\d{1,2})\s*/\s*(\d{1,2})(?![\d%])")
_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")
_BALANCE = re.compile(_alternatives("payment_words", "balance", edges=True))
# The stages of a split, named as the details say them.
_STAGE_NAMES = {
    "before_shipment": "before shipment",
    "against_bl": "against B/L copy",
    "after_arrival": "after arrival",
    "deposit": "deposit",
}
_STAGES = tuple(
    (name, re.compile(_alternatives("payment_stages", code))) for code, name in _STAGE_NAMES.items()
)


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    code: str
    detail: str | None = None


def parse_payment_terms(text: str) -> Parsed[PaymentTerms]:
    """Buyer's payment terms -> PaymentTerms(code, detail) or a readable error."""
    raw = clean(text)
    if not raw:
        return Parsed.failure(Msg("validation.payment.empty", accepted=ACCEPTED))
    if too_long(raw):
        return Parsed.failure(Msg("validation.payment.too_long"))
    low = fold_chars(raw)
    if _NO_PREFERENCE.match(fold(raw).strip()):
        return Parsed.success(None, [Msg("validation.payment.no_preference")])
    hits = {code: m.start() for code, pattern in _CODES.items() if (m := pattern.search(low))}
    if (bare := _BARE_DA.search(raw)) and bare.start() < hits.get("DA", len(raw)):
        hits["DA"] = bare.start()
    unsupported = _UNSUPPORTED.search(low)
    if unsupported and (not hits or unsupported.start() < min(hits.values())):
        name = raw[unsupported.start() : unsupported.end()]
        return Parsed.failure(Msg("validation.payment.unsupported", name=name, accepted=ACCEPTED))
    if not hits:
        return Parsed.failure(
            Msg("validation.payment.unreadable", text=clip(raw), accepted=ACCEPTED)
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
    notes: list[Msg] = []
    if len(parts) == 1 and parts[0][1] == "deposit" and (parts[0][0] or 100) < 100:
        # "30% Anzahlung per T/T": the usual balance before shipment, said back to the buyer
        balance = 100 - (parts[0][0] or 0)
        parts = [*parts, (balance, "before shipment")]
        notes.append(Msg("validation.payment.balance_assumed", balance=balance))
    known = sum(share for share, _ in parts if share is not None)
    open_shares = [i for i, (share, _) in enumerate(parts) if share is None]
    if len(open_shares) > 1:
        return Parsed.failure(Msg("validation.payment.split_unclear"))
    filled = [(100 - known if share is None else share, stage) for share, stage in parts]
    if known == 100 and all(share is not None for share, _ in parts):
        filled = [(share, stage) for share, stage in filled if share]  # drop "0% deposit"
    total = sum(share for share, _ in filled)
    if total != 100 or any(share <= 0 for share, _ in filled):
        return Parsed.failure(Msg("validation.payment.percent_total", total=total))
    named: list[str] = []
    for i, (share, stage) in enumerate(filled):
        stage = stage or ("deposit" if i == 0 else "before shipment")
        named.append(f"{share}% {stage}")
    if named == ["100% deposit"]:
        named = ["100% in advance"]
    return Parsed.success(PaymentTerms("TT", ", ".join(named)), notes)
