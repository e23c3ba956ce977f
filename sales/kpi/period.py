"""A period ``[start, end)`` of whole UTC days, the one before it, and the filters."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

MAX_DAYS = 3660  # ten years: a longer window is a typing mistake
BANDS = ("hot", "warm", "cold", "unscored")  # sales.lead_score.BANDS, plus no score at all
# lead score band -> [low, high] (inclusive); "unscored": no score stored
BAND_RANGES: dict[str, tuple[int, int]] = {"hot": (70, 100), "warm": (40, 69), "cold": (0, 39)}
_CODE = re.compile(r"[A-Za-z]{2}")
_WORD = re.compile(r"[a-z_]{1,24}")


class PeriodError(ValueError):
    """A period or filter that cannot be used; the message says why, for the user."""


@dataclass(frozen=True)
class Period:
    start: date  # included
    end: date  # excluded

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise PeriodError(
                f"'to' ({self.end.isoformat()}) must be after 'from' ({self.start.isoformat()}):"
                " the period is [from, to), 'to' not included"
            )
        if (self.end - self.start).days > MAX_DAYS:
            raise PeriodError(f"the period is longer than {MAX_DAYS} days")

    @classmethod
    def parse(cls, start: str, end: str) -> Period:
        """From the ``YYYY-MM-DD`` texts of a form or query; PeriodError says which is bad."""
        return cls(_day("from", start), _day("to", end))

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def previous(self) -> Period:
        """The period of equal length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start)

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, UTC)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time.min, UTC)

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _day(name: str, text: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"'{name}' must be a date written YYYY-MM-DD, got {text!r}") from None


@dataclass(frozen=True)
class Filters:
    """What the figures are narrowed to; None: any. ``market`` is the destination country
    (ISO 3166 alpha-2), ``category`` a price-book category, ``band`` a lead-score band."""

    market: str | None = None
    language: str | None = None
    category: str | None = None
    business_type: str | None = None
    band: str | None = None

    @classmethod
    def parse(
        cls,
        *,
        market: str | None = None,
        language: str | None = None,
        category: str | None = None,
        business_type: str | None = None,
        band: str | None = None,
    ) -> Filters:
        """Empty texts are "any"; PeriodError for a malformed value."""
        market = (market or "").strip() or None
        language = (language or "").strip() or None
        category = (category or "").strip() or None
        business_type = (business_type or "").strip() or None
        band = (band or "").strip() or None
        if market is not None and not _CODE.fullmatch(market):
            raise PeriodError(f"'market' must be a two-letter country code, got {market!r}")
        if language is not None and not _CODE.fullmatch(language):
            raise PeriodError(f"'language' must be a two-letter language code, got {language!r}")
        if category is not None and not _WORD.fullmatch(category):
            raise PeriodError(f"'category' is not a category name: {category!r}")
        if business_type is not None and not _WORD.fullmatch(business_type):
            raise PeriodError(f"'business_type' is not a business type: {business_type!r}")
        if band is not None and band not in BANDS:
            raise PeriodError(f"'band' must be one of {', '.join(BANDS)}, got {band!r}")
        return cls(
            market=market.upper() if market else None,
            language=language.lower() if language else None,
            category=category,
            business_type=business_type,
            band=band,
        )

    def as_dict(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def beyond_language(self) -> list[str]:
        """The filters set that a chat session (with no inquiry) knows nothing of."""
        return [
            name
            for name in ("market", "category", "business_type", "band")
            if getattr(self, name) is not None
        ]
