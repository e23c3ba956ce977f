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


def quote(text: str, limit: int = 40) -> str:
    """The buyer's words, shortened for an error message."""
    return f"“{text}”" if len(text) <= limit else f"“{text[: limit - 1]}…”"
