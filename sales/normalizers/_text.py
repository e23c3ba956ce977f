"""Small text helpers shared by the normalisers (not part of the public API)."""

from __future__ import annotations

import re
import unicodedata

MAX_INPUT_CHARS = 300
_SPACES = re.compile(r"\s+")


def clean(text: object) -> str:
    """NFKC-normalise (full-width digits and punctuation become ASCII), trim, squeeze spaces.

    Non-strings become "" so that callers can treat them as empty input.
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Türkiye' -> 'turkiye', 'Stück' -> 'stuck'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def too_long(text: str) -> bool:
    return len(text) > MAX_INPUT_CHARS


def clip(text: str, limit: int = 40) -> str:
    """The buyer's words, shortened for a message (the message puts its own quotation marks)."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def fold_chars(text: str) -> str:
    """:func:`fold` one character at a time, so that offsets in the result are the text's.

    ('ß' becomes 's', not 'ss': good enough for finding words, never shown to anyone.)
    """
    return "".join(fold(ch)[:1] or ch for ch in text)
