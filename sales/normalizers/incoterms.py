"""Incoterms: "FOB Ningbo", "CIF Hamburg", "free on board", "ex works" -> (code, place or None).

Only the 11 Incoterms 2020 are valid. Terms from older editions are mapped where the
successor is clear (DAT -> DPU, DDU -> DAP) with a note the bot should pass on.
"No preference" answers succeed with ``value=None`` (the contract's null incoterm).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sales.normalizers._text import clean, quote, too_long
from sales.normalizers.countries import parse_destination
from sales.normalizers.result import Parsed

INCOTERMS_2020 = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")
_NAMES = {
    "EXW": ["ex works", "ex-works", "exworks", "ex factory", "ex-factory", "ex warehouse"],
    "FCA": ["free carrier"],
    "CPT": ["carriage paid to"],
    "CIP": ["carriage and insurance paid to", "carriage insurance paid to"],
    "DAP": ["delivered at place", "delivered at the place"],
    "DPU": ["delivered at place unloaded", "delivered place unloaded"],
    "DDP": ["delivered duty paid"],
    "FAS": ["free alongside ship", "free alongside"],
    "FOB": ["free on board"],
    "CFR": ["cost and freight", "cost & freight", "c&f", "c+f", "cnf", "c and f"],
    "CIF": ["cost insurance and freight", "cost, insurance and freight", "cost insurance freight"],
}
_OLD = {
    "DAT": ("DPU", "DAT (Incoterms 2010) is called DPU in Incoterms 2020; I've used DPU."),
    "DELIVERED AT TERMINAL": (
        "DPU",
        "Delivered at Terminal (DAT) is called DPU in Incoterms 2020; I've used DPU.",
    ),
    "DDU": ("DAP", "DDU is no longer an Incoterm; its successor is DAP, which I've used."),
    "DELIVERED DUTY UNPAID": (
        "DAP",
        "Delivered Duty Unpaid (DDU) is no longer an Incoterm; I've used its successor, DAP.",
    ),
}
_NO_PREFERENCE = re.compile(
    r"^(?:no preference|not sure|don't know|dont know|do not know|no idea|any|anything"
    r"|whatever|you decide|you choose|up to you|what do you suggest|whatever you suggest"
    r"|your suggestion|no sé|egal|keine ahnung|都可以|随便)[.!]*$",
    re.I,
)
_DOOR_TO_DOOR = re.compile(r"\bdoor[\s-]*to[\s-]*door\b", re.I)
_NOISE = re.compile(
    r"\b(?:incoterms?(?:\s*20[12]0)?|terms?|basis|price|prices|please)\b\s*:?", re.I
)
_PLACE_PREFIX = re.compile(r"^(?:[,:\-]\s*)?(?:to|at|in|from|port of|the port of)?\s*", re.I)


@dataclass(frozen=True, slots=True)
class IncotermChoice:
    code: str
    place: str | None = None


def _valid_choices() -> str:
    return ", ".join(INCOTERMS_2020)


def _pattern() -> re.Pattern[str]:
    names: list[tuple[str, str]] = [(code, code) for code in INCOTERMS_2020]
    names += [(name, code) for code, variants in _NAMES.items() for name in variants]
    names += [(old, old) for old in _OLD]
    names.sort(key=lambda item: len(item[0]), reverse=True)  # longest first: DPU before DAP
    alternatives = "|".join(f"(?:{re.escape(name)})" for name, _ in names)
    return re.compile(rf"(?<![\w&+])(?P<term>{alternatives})(?![\w&+])", re.I)


_TERM = _pattern()
_LOOKUP = {name.casefold(): code for code in INCOTERMS_2020 for name in [code, *_NAMES[code]]}
_LOOKUP |= {old.casefold(): old for old in _OLD}


def parse_incoterm(text: str) -> Parsed[IncotermChoice]:
    """'FOB Ningbo' -> IncotermChoice('FOB', 'Ningbo'); 'cif' -> ('CIF', None).

    Errors list the valid choices; a near miss ("FOBB") is suggested first.
    """
    raw = clean(text)
    if not raw:
        return Parsed.failure(f"Which Incoterm would you like? Valid ones are {_valid_choices()}.")
    if too_long(raw):
        return Parsed.failure("Please give just the Incoterm and place, for example: FOB Ningbo.")
    if _NO_PREFERENCE.match(raw):
        return Parsed.success(None, ["No problem: we'll suggest the Incoterm in our quotation."])
    match = _TERM.search(raw)
    if match is None:
        if _DOOR_TO_DOOR.search(raw):
            return Parsed.failure(
                "Door-to-door can be DAP (you pay the import duties and taxes) or DDP "
                "(we pay them). Which one would you like?",
                ["DAP", "DDP"],
            )
        close = difflib.get_close_matches(raw.upper(), INCOTERMS_2020, n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]}?" if close else ""
        return Parsed.failure(
            f"I don't know the Incoterm {quote(raw)}.{hint} Valid Incoterms 2020 are: "
            f"{_valid_choices()}.",
            [*close, *(c for c in INCOTERMS_2020 if c not in close)],
        )
    code = _LOOKUP[match["term"].casefold().replace("  ", " ")]
    notes: list[str] = []
    if code in _OLD:
        code, note = _OLD[code]
        notes.append(note)
    rest = (raw[: match.start()] + " " + raw[match.end() :]).strip()
    return Parsed.success(IncotermChoice(code, _place(rest)), notes)


def _place(rest: str) -> str | None:
    rest = _NOISE.sub(" ", rest)
    rest = _PLACE_PREFIX.sub("", rest.strip(" ,.;:-()")).strip(" ,.;:-()")
    if not rest or not re.search(r"[^\W\d_]", rest):
        return None
    known = parse_destination(rest)
    if known.ok and known.value is not None:
        return known.value.place or rest
    return rest
