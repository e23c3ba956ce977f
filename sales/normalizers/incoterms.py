"""Incoterms: "FOB Ningbo", "CIF Hamburg", "free on board", "ex works", "CIF Hamburgo",
"FOB 深圳", "ab Werk", "franco a bordo", "到岸价" -> (code, place or None).

Only the 11 Incoterms 2020 are valid. Besides the codes, their English names and the usual
translations of those names in Spanish, German, French, Portuguese and Chinese are read
(matching ignores case and accents); a place after the term is read as a destination in any
language ("CIF Hamburgo" -> Hamburg). Terms from older editions are mapped where the
successor is clear (DAT -> DPU, DDU -> DAP) with a note the bot should pass on.
"No preference" answers succeed with ``value=None`` (the contract's null incoterm).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from i18n import Msg
from sales.normalizers._data import load_table
from sales.normalizers._text import clean, clip, fold, fold_chars, too_long
from sales.normalizers.countries import parse_destination
from sales.normalizers.result import Parsed
from sales.normalizers.word_edges import END, START
from sales.pricing.incoterms import ICC_ORDER

INCOTERMS_2020 = tuple(rule.value for rule in ICC_ORDER)
# Names of each term in six languages (``data/incoterms.yaml``), folded as the text they are
# matched in.
_NAMES: dict[str, list[str]] = load_table("incoterms.yaml")
# Terms of older editions: the successor and the note that says so.
_OLD = {
    "DAT": ("DPU", "dat"),
    "DELIVERED AT TERMINAL": ("DPU", "delivered_at_terminal"),
    "DDU": ("DAP", "ddu"),
    "DELIVERED DUTY UNPAID": ("DAP", "delivered_duty_unpaid"),
}
_NO_PREFERENCE = re.compile(
    r"^(?:no preference|not sure|don't know|dont know|do not know|no idea|any|anything"
    r"|whatever|you decide|you choose|up to you|what do you suggest|whatever you suggest"
    r"|your suggestion|no se|no lo se|sin preferencia|me da igual|da igual|como prefieran"
    r"|lo que recomienden|ustedes deciden|lo que sea|egal|ist mir egal|keine ahnung"
    r"|keine praferenz|weiss nicht|wie sie mochten|sie entscheiden|was sie empfehlen"
    r"|peu importe|pas de preference|je ne sais pas|comme vous voulez|a vous de voir"
    r"|ce que vous proposez|sem preferencia|tanto faz|nao sei|voces decidem|como preferirem"
    r"|o que voces sugerirem|都可以|随便|无所谓|不知道|你们定|你们决定|你们推荐|听你们的)[.!。]*$",
)
_DOOR_TO_DOOR = re.compile(
    r"\bdoor[\s-]*to[\s-]*door\b|puerta a puerta|tur zu tur|porte a porte|porta a porta|门到门",
)
_NOISE = re.compile(
    r"\b(?:incoterms?(?:\s*20[12]0)?|terms?|basis|price|prices|please|condiciones|condicion"
    r"|termino|precio|por favor|lieferbedingungen?|bedingung|preis|bitte|conditions?|prix"
    r"|condicoes|condicao|preco|termo)\b\s*:?|条款|价格|贸易术语",
    re.I,
)
_PLACE_PREFIX = re.compile(
    r"^(?:[,:\-]\s*)?(?:(?:to|at|in|from|port of|the port of|en|hasta|puerto de|nach|ab|bis"
    r"|hafen|à|a|au|port de|para|em|ate|até|porto de)\s+|(?:到|至)\s*)?",
    re.I,
)


@dataclass(frozen=True, slots=True)
class IncotermChoice:
    code: str
    place: str | None = None


def _valid_choices() -> str:
    return ", ".join(INCOTERMS_2020)


def _pattern() -> re.Pattern[str]:
    names: list[str] = [code.casefold() for code in INCOTERMS_2020]
    names += [name for variants in _NAMES.values() for name in variants]
    names += [old.casefold() for old in _OLD]
    names.sort(key=len, reverse=True)  # longest first: DPU before DAP
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(?<![&+]){START}(?P<term>{alternatives}){END}(?![&+])")


TERM_PATTERN = _pattern()
"""Any Incoterm (code or name, any of the six languages) in folded text (``fold_chars``)."""
_LOOKUP = {name: code for code in INCOTERMS_2020 for name in [code.casefold(), *_NAMES[code]]}
_LOOKUP |= {old.casefold(): old for old in _OLD}


def parse_incoterm(text: str) -> Parsed[IncotermChoice]:
    """'FOB Ningbo' -> IncotermChoice('FOB', 'Ningbo'); 'cif' -> ('CIF', None).

    Errors list the valid choices; a near miss ("FOBB") is suggested first.
    """
    raw = clean(text)
    if not raw:
        return Parsed.failure(Msg("validation.incoterm.empty", choices=_valid_choices()))
    if too_long(raw):
        return Parsed.failure(Msg("validation.incoterm.too_long"))
    folded = fold_chars(raw)
    if _NO_PREFERENCE.match(fold(raw).strip()):
        return Parsed.success(None, [Msg("validation.incoterm.no_preference")])
    match = TERM_PATTERN.search(folded)
    if match is None:
        if _DOOR_TO_DOOR.search(folded):
            return Parsed.failure(Msg("validation.incoterm.door_to_door"), ["DAP", "DDP"])
        close = difflib.get_close_matches(raw.upper(), INCOTERMS_2020, n=1, cutoff=0.6)
        message = (
            Msg(
                "validation.incoterm.unknown_suggest",
                text=clip(raw),
                suggestion=close[0],
                choices=_valid_choices(),
            )
            if close
            else Msg("validation.incoterm.unknown", text=clip(raw), choices=_valid_choices())
        )
        return Parsed.failure(message, [*close, *(c for c in INCOTERMS_2020 if c not in close)])
    code = _LOOKUP[re.sub(r"\s+", " ", match["term"])]
    notes: list[Msg] = []
    if code in _OLD:
        code, note = _OLD[code]
        notes.append(Msg(f"validation.incoterm.{note}"))
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
