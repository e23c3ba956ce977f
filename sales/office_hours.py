"""Office hours of the sales team, e.g. ``"Mon-Fri 08:30-17:30"`` in ``Asia/Shanghai``.

Several spans are separated by commas or semicolons: ``"Mon-Fri 08:30-17:30; Sat 09:00-12:00"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(
    r"^\s*(?P<days>[A-Za-z]{3}(?:\s*-\s*[A-Za-z]{3})?(?:\s*/\s*[A-Za-z]{3})*)\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)


def _day(name: str) -> int:
    try:
        return DAYS.index(name.strip().lower()[:3])
    except ValueError:
        raise ValueError(f"unknown day {name!r} (use Mon..Sun)") from None


def _time(text: str) -> time:
    hours, minutes = (int(p) for p in text.split(":"))
    return time(23, 59, 59) if (hours, minutes) == (24, 0) else time(hours, minutes)


@dataclass(frozen=True)
class Span:
    days: frozenset[int]
    start: time
    end: time


@dataclass(frozen=True)
class OfficeHours:
    spans: tuple[Span, ...]
    tz: ZoneInfo
    spec: str = ""

    @classmethod
    def parse(cls, spec: str, tz: str = "UTC") -> OfficeHours:
        spans = []
        for part in re.split(r"[;,]", spec):
            if not part.strip():
                continue
            match = _SPAN.match(part)
            if not match:
                raise ValueError(
                    f"office hours {part.strip()!r}: expected e.g. 'Mon-Fri 08:30-17:30'"
                )
            days: set[int] = set()
            for chunk in match["days"].split("/"):
                first, _, last = chunk.partition("-")
                a, b = _day(first), _day(last or first)
                days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
            start, end = _time(match["start"]), _time(match["end"])
            if end <= start:
                raise ValueError(f"office hours {part.strip()!r}: the end is before the start")
            spans.append(Span(frozenset(days), start, end))
        if not spans:
            raise ValueError("office hours are empty")
        return cls(tuple(spans), ZoneInfo(tz), spec.strip())

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        return any(
            local.weekday() in s.days and s.start <= local.time() < s.end for s in self.spans
        )

    def next_opening(self, moment: datetime) -> datetime:
        """The next moment the office opens (``moment`` itself when it is open)."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(self.tz)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            starts = sorted(
                datetime.combine(day, s.start, self.tz)
                for s in self.spans
                if day.weekday() in s.days
            )
            for start in starts:
                if start > local:
                    return start
        raise ValueError("office hours never open")

    def describe_next_opening(self, moment: datetime) -> str:
        """E.g. "Monday 08:30 (Asia/Shanghai time, 00:30 UTC)"."""
        opening = self.next_opening(moment).astimezone(self.tz)
        utc = opening.astimezone(ZoneInfo("UTC"))
        local_now = moment.astimezone(self.tz)
        if opening.date() == local_now.date():
            day = "today"
        elif opening.date() == (local_now + timedelta(days=1)).date():
            day = "tomorrow"
        else:
            day = opening.strftime("%A")
        return f"{day} at {opening:%H:%M} ({self.tz.key} time; {utc:%H:%M} UTC)"
