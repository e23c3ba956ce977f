"""Certifications: "CE and RoHS", "ce/rohs", "UL listed", "DLC premium", "RCM", "CE y RoHS",
"CE-Kennzeichnung", "CE和RoHS认证" -> codes.

Returns sorted unique upper-case codes (``data/certifications.yaml``). "No certification
needed" and the like ("ninguna", "keine", "aucune", "nenhuma", "不需要") give ``()``. Unknown
words are reported: all unknown -> an error with close suggestions; some unknown -> success
with a note naming them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from i18n import Msg
from i18n.lexicon import alternation, is_decline, words
from sales.normalizers._data import load_table
from sales.normalizers._text import clean, fold, too_long
from sales.normalizers.countries import is_country_name
from sales.normalizers.local_text import list_text, quoted_list
from sales.normalizers.result import Parsed

# Matched on folded text (lower case, no accents).
_NONE_NEEDED = re.compile(
    rf"^(?:{alternation('certification_answers', 'none_needed')})[.!。]*$"
)  # the lexicon's (i18n/lexicon/<lang>.yaml: certification_answers)
# Words around certification names that are not certifications ("we need CE and RoHS").
_FILLER = frozenset(
    word for words in load_table("certification_words.yaml").values() for word in words
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
        note = entry.get("note")  # a message of the catalog's "validation.certifications" area
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
        return Parsed.failure(Msg("validation.certifications.empty"))
    if too_long(raw):
        return Parsed.failure(Msg("validation.certifications.too_long"))
    low = fold(raw)
    low = re.sub(r"\b(?:[a-z]\.){2,}", lambda m: m.group(0).replace(".", ""), low)  # C.E.
    if _NONE_NEEDED.match(low.strip()) or is_decline(raw):
        return Parsed.success(())
    codes: set[str] = set()
    notes: list[Msg] = []
    for match in _alias_pattern().finditer(low):
        cert = _aliases()[match.group(0)]
        codes.add(cert.code)
        note = Msg(f"validation.certifications.{cert.note}") if cert.note else None
        if note is not None and note not in notes:
            notes.append(note)
    leftover = _alias_pattern().sub(" ", low)
    words_left = [w.strip("-.") for w in _SPLIT.split(leftover)]
    unknown = [w for w in words_left if w and w not in _not_codes() and re.search(r"\w", w)]
    unknown = list(dict.fromkeys(unknown))
    unclear: list[str] = []
    for word in unknown:
        if is_country_name(word):
            continue  # "CE y INMETRO para Brasil"
        close = _suggest([word], cutoff=0.75)
        if close:  # "RHOS": RoHS, said so
            codes.add(close[0])
            notes.append(Msg("validation.certifications.read_as", text=word.upper(), code=close[0]))
        elif _CODE.fullmatch(word) and re.search(
            rf"(?<![A-Za-z]){re.escape(word.upper())}(?![A-Za-z])", raw
        ):
            # a scheme we do not list (RETIE, SEC, NOM): kept as written, for the team to check
            codes.add(word.upper())
            notes.append(
                Msg("validation.certifications.unknown_noted", names=quoted_list([word.upper()]))
            )
        else:
            unclear.append(word)
    if unclear and not codes:
        # nothing read but words in lower case we do not know ("ul ce" is read above): asked
        suggestions = _suggest(unclear)
        names = quoted_list(w.upper() for w in unclear)
        message = (
            Msg(
                "validation.certifications.unknown_suggest",
                names=names,
                suggestions=list_text(suggestions),
            )
            if suggestions
            else Msg("validation.certifications.unknown", names=names)
        )
        return Parsed.failure(message, suggestions)
    return Parsed.success(tuple(sorted(codes)), notes)


# A certification or registration scheme as buyers write one: an acronym in capitals (RETIE,
# SEC, NOM); an unknown word in lower case is asked about instead.
_CODE = re.compile(r"[a-z][a-z0-9+]{1,11}")


@cache
def _not_codes() -> frozenset[str]:
    """Words around certification names that are none: this table's, and the lexicon's
    politeness, decline and sentence words."""
    lexicon = {
        w
        for kind in ("politeness", "decline", "sentence_words", "optional_nouns")
        for w in words(kind)
    }
    return frozenset(_FILLER | {w for w in lexicon if " " not in w})


def _suggest(unknown: list[str], cutoff: float = 0.7) -> list[str]:
    index = _aliases()
    found: list[str] = []
    for word in unknown:
        for alias in difflib.get_close_matches(word, list(index), n=2, cutoff=cutoff):
            found.append(index[alias].code)
    return list(dict.fromkeys(found))[:3]
