"""Certifications: "CE and RoHS", "ce/rohs", "UL listed", "DLC premium", "RCM" -> codes.

Returns sorted unique upper-case codes (``data/certifications.yaml``). "No certification
needed" and the like give ``()``. Unknown words are reported: all unknown -> an error
with close suggestions; some unknown -> success with a note naming them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from sales.normalizers._data import load_table
from sales.normalizers._text import clean, fold, quote, too_long
from sales.normalizers.result import Parsed

_NONE_NEEDED = re.compile(
    r"^(?:no|none|nope|n/?a|nothing|not needed|no need|not required|no certifications?"
    r"(?: needed| required)?|no certificates?(?: needed| required)?|no certification needed"
    r"|no special (?:certifications?|requirements?)|nothing special|no requirements?|any"
    r"|not necessary|don't need any|dont need any|we don't need any|ninguna|keine|不需要|无|没有)"
    r"[.!]*$",
    re.I,
)
_FILLER = frozenset(
    {
        "and",
        "or",
        "y",
        "und",
        "et",
        "e",
        "with",
        "plus",
        "also",
        "both",
        "only",
        "need",
        "needs",
        "needed",
        "we",
        "require",
        "required",
        "requires",
        "must",
        "have",
        "be",
        "the",
        "a",
        "an",
        "please",
        "certified",
        "certification",
        "certifications",
        "certificate",
        "certificates",
        "cert",
        "certs",
        "mark",
        "marks",
        "marking",
        "approval",
        "approved",
        "compliant",
        "compliance",
        "standard",
        "standards",
        "listing",
        "report",
        "reports",
        "test",
        "tests",
        "for",
        "our",
        "market",
        "markets",
        "products",
        "product",
        "i",
        "is",
        "are",
        "all",
        "of",
        "in",
        "to",
        "it",
        "they",
        "should",
        "us",
        "usa",
        "eu",
        "europe",
        "european",
        "america",
        "american",
        "canada",
        "australia",
        "country",
        "countries",
        "local",
        "level",
        "version",
        "premium",
        "和",
        "或",
        "及",
        "认证",
        "证书",
    }
)
_SPLIT = re.compile(r"[\s,;/&+|、，()]+")


@dataclass(frozen=True, slots=True)
class _Cert:
    code: str
    note: str | None


@cache
def _aliases() -> dict[str, _Cert]:
    table: dict[str, dict[str, object]] = load_table("certifications.yaml")
    index: dict[str, _Cert] = {}
    for key, entry in table.items():
        code = str(entry.get("code", key))
        note = entry.get("note")
        for alias in [key, *entry["aliases"]]:  # type: ignore[misc]
            index[fold(str(alias))] = _Cert(code, str(note) if note else None)
    return index


@cache
def _alias_pattern() -> re.Pattern[str]:
    names = sorted(_aliases(), key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names)
    # ASCII-only word edges, so "CE和RoHS认证" still splits into CE and RoHS
    return re.compile(rf"(?<![a-z0-9+])(?:{alternatives})(?![a-z0-9+])")


def known_codes() -> tuple[str, ...]:
    return tuple(sorted({cert.code for cert in _aliases().values()}))


def parse_certifications(text: str) -> Parsed[tuple[str, ...]]:
    """'CE and RoHS' -> ('CE', 'ROHS'); 'no certification needed' -> (); unknown -> error."""
    raw = clean(text)
    if not raw:
        return Parsed.failure("Which certifications do you need (for example CE, RoHS, UL)?")
    if too_long(raw):
        return Parsed.failure("Please list just the certifications, for example: CE, RoHS.")
    low = fold(raw)
    low = re.sub(r"\b(?:[a-z]\.){2,}", lambda m: m.group(0).replace(".", ""), low)  # C.E.
    if _NONE_NEEDED.match(low):
        return Parsed.success(())
    codes: set[str] = set()
    notes: list[str] = []
    for match in _alias_pattern().finditer(low):
        cert = _aliases()[match.group(0)]
        codes.add(cert.code)
        if cert.note and cert.note not in notes:
            notes.append(cert.note)
    leftover = _alias_pattern().sub(" ", low)
    unknown = [w for w in _SPLIT.split(leftover) if w and w not in _FILLER and re.search(r"\w", w)]
    unknown = list(dict.fromkeys(unknown))
    if unknown:
        names = ", ".join(quote(w.upper()) for w in unknown)
        suggestions = _suggest(unknown)
        if not codes:
            hint = f" Did you mean {' or '.join(suggestions)}?" if suggestions else ""
            return Parsed.failure(
                f"I don't know the certification {names}.{hint} We commonly supply CE, RoHS, "
                "UL, ETL, DLC, SAA, UKCA and ErP.",
                suggestions,
            )
        notes.append(f"I didn't recognise {names}; our sales team will check it.")
    return Parsed.success(tuple(sorted(codes)), notes)


def _suggest(words: list[str]) -> list[str]:
    index = _aliases()
    found: list[str] = []
    for word in words:
        for alias in difflib.get_close_matches(word, list(index), n=2, cutoff=0.7):
            found.append(index[alias].code)
    return list(dict.fromkeys(found))[:3]
