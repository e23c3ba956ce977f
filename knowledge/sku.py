"""Recognising model numbers (SKUs) in free text, exactly or in normalised spelling."""

from __future__ import annotations

import re
from collections.abc import Iterable

_ALNUM_RUN = re.compile(r"[0-9A-Za-z]+")
MAX_SKU_PARTS = 6


def normalise_sku(text: str) -> str:
    """Upper-case letters and digits only: "pnl 6060 40w" and "PNL-6060-40W" -> "PNL606040W"."""
    return "".join(_ALNUM_RUN.findall(text)).upper()


# A model number ending in a letter with a count (and unit) written right after it
# ("40W3000", "8W200pcs").
_COUNT_GLUED = re.compile(r"^(.*[A-Z])\d+[A-Z]*$")
# ... or with a count right before it ("12000PNL-6060-40W").
_COUNT_BEFORE = re.compile(r"^\d+([A-Z].*)$")
# A model number's first parts as a buyer names a series ("SL-M", "HB-UFO"): letters and digits
# joined by dashes, with a letter.
_DASHED = re.compile(r"(?<![\w-])(?=[\w-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+(?![\w-])")


class SkuMatcher:
    """Finds known SKUs in text, tolerating case, spaces, dashes, dots and slashes."""

    def __init__(self, skus: Iterable[str]) -> None:
        self._by_key: dict[str, str] = {}
        for sku in skus:
            key = normalise_sku(sku)
            if key:
                self._by_key[key] = sku
        self._max_parts = max(
            (len(_ALNUM_RUN.findall(sku)) for sku in self._by_key.values()), default=1
        )
        self._max_parts = min(max(self._max_parts, 1), MAX_SKU_PARTS)

    def __contains__(self, sku: str) -> bool:
        return normalise_sku(sku) in self._by_key

    def canonical(self, sku: str) -> str | None:
        """The catalogue spelling of ``sku`` or None if it is not a known model number."""
        return self._by_key.get(normalise_sku(sku))

    def find(self, text: str) -> list[str]:
        """Known SKUs mentioned in ``text``, in order of first mention, without repeats.

        Runs of letters/digits are joined in windows of up to the longest SKU's part count,
        and the longest window that is a known SKU wins ("PNL-6060-40W" beats a shorter
        "PNL-6060" if both exist).
        """
        parts = _ALNUM_RUN.findall(text)
        found: list[str] = []
        i = 0
        while i < len(parts):
            match_len = 0
            for n in range(min(self._max_parts, len(parts) - i), 0, -1):
                window = "".join(parts[i : i + n]).upper()
                sku = self._by_key.get(window)
                first, last = parts[i].upper(), parts[i + n - 1].upper()
                if (
                    sku is None
                    and _COUNT_GLUED.match(last)
                    and (glued := _COUNT_GLUED.match(window))
                ):
                    sku = self._by_key.get(glued.group(1))  # "PNL-6060-40W3000套": 3000 of it
                if (
                    sku is None
                    and _COUNT_BEFORE.match(first)
                    and (glued := _COUNT_BEFORE.match(window))
                ):
                    sku = self._by_key.get(glued.group(1))  # "12000PNL-6060-40W"
                if sku is not None:
                    if sku not in found:
                        found.append(sku)
                    match_len = n
                    break
            i += match_len or 1
        return found

    def series(self, text: str) -> list[str]:
        """The SKUs of each series ``text`` names by the first parts of their model numbers
        ("your SL-M range" -> SL-M-30W, SL-M-60W, ...), in catalogue order; a whole model
        number names no series.

        >>> SkuMatcher(["SL-M-30W", "SL-M-60W", "SL-EC-60W"]).series("your SL-M range")
        ['SL-M-30W', 'SL-M-60W']
        """
        found: list[str] = []
        for match in _DASHED.finditer(text):
            prefix = match.group(0).upper() + "-"
            if self.canonical(match.group(0)) is not None:
                continue
            found += [sku for sku in self._by_key.values() if sku.upper().startswith(prefix)]
        return list(dict.fromkeys(found))
