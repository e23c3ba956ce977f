"""Numbers, dates, country names and lists inside a message, written the buyer's way.

Each is a :class:`~i18n.Msg` that reads as English ("5,000", "15 March 2027",
"Germany", "A or B") and renders through babel (CLDR) in the buyer's language when the
message around it is localised: "5.000" and "15. März 2027" in German, "5 000" and
"15 mars 2027" in French, "2027年3月15日" in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Literal

from i18n import Msg, language_of, localize
from i18n import formatting as fmt


class Localized(Msg):
    """A value that reads as its English form and renders itself in any language."""

    def __new__(cls, english: str, render: Callable[[str], str]) -> Localized:
        self = str.__new__(cls, english)
        self.key = ""
        self.params = {}
        self._render = render
        return self

    def render(self, language: str | None) -> str:
        return self._render(language_of(language))


def human_date(value: date, language: str | None = "en") -> str:
    """'15 March 2027' in English, else CLDR's long date ("15. März 2027", "2027年3月15日")."""
    return fmt.date_text(value, language)


def human_number(value: Decimal | int, language: str | None = "en") -> str:
    """'5,000' in English, '5.000' in German, '5 000' in French."""
    return fmt.number_text(value, language, max_places=3)


def date_text(value: date) -> Localized:
    return Localized(human_date(value), lambda lang: human_date(value, lang))


def number_text(value: Decimal | int) -> Localized:
    return Localized(human_number(value), lambda lang: human_number(value, lang))


def list_text(items: Iterable[str], style: Literal["or", "standard"] = "or") -> Localized:
    """'A or B or C' in English (as the bot always wrote it); CLDR's list pattern elsewhere."""
    values = list(items)

    def render(lang: str) -> str:
        return fmt.list_text([str(localize(v, lang)) for v in values], lang, style)

    return Localized(render("en"), render)


# Quotation marks around the buyer's words, as each language writes them.
QUOTES = {
    "en": ("“", "”"),
    "zh": ("“", "”"),
    "es": ("«", "»"),
    "de": ("„", "“"),
    "pt": ("“", "”"),
    "fr": ("«\u00a0", "\u00a0»"),
}


def quoted_list(items: Iterable[str]) -> Localized:
    """'“XYZ”, “ABC”' with each language's quotation marks ("„XYZ“" in German)."""
    values = list(items)

    def render(lang: str) -> str:
        left, right = QUOTES[lang]
        comma = "、" if lang == "zh" else ", "
        return comma.join(f"{left}{v}{right}" for v in values)

    return Localized(render("en"), render)
