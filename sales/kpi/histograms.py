"""Exact medians and nearest-rank p90s of a long period from kept histograms (PostgreSQL).

Every duration an order figure summarises (inquiry -> first quote sent, inquiry -> won, an
approval wait) is kept with its *bucket*: the index of the range of :data:`BOUNDS` (seconds,
twenty a decade, each about 12% wider than the one before) that holds it, written with the
kept facts (sales/kpi/facts.py). The kept days and months (sales/kpi/rollups.py) count them
per bucket, as the additive figures are counted. A period's median or p90 is a value at a rank
of its sorted durations; the buckets are ordered ranges of the value, so the sums of the
period's histogram rows tell which bucket holds that rank and at which place, and that place
is read from the kept rows of that bucket alone (an index range, a few thousand values of a
year's sixty thousand): the same value the percentile over every duration gives.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import SmallInteger, case, literal_column, null, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection

from sales.kpi import rollups
from sales.kpi.data import Halves, times
from sales.kpi.plan import Look, Part
from sales.kpi.stats import seconds
from sales.models import KpiApprovalWait, KpiInquiryFact

# 1 s to about 28 years, twenty a decade, three significant digits
_MANTISSAS = [Decimal(10 ** (k / 20)).quantize(Decimal("0.01")) for k in range(20)]
BOUNDS: tuple[Decimal, ...] = tuple(m.scaleb(d) for d in range(9) for m in _MANTISSAS)


def bucket_of(value: Any) -> Any:
    """The bucket of a duration in seconds (SQL): 0 below ``BOUNDS[0]``, ``i`` for
    ``BOUNDS[i - 1] <= value < BOUNDS[i]``, ``len(BOUNDS)`` above; NULL for none."""
    whens: list[tuple[Any, Any]] = [(value.is_(None), null())]
    whens += [
        (value < literal_column(f"{bound:f}"), literal_column(str(i)))
        for i, bound in enumerate(BOUNDS)
    ]  # written out: the same statement text (and plan) every time
    return type_coerce(case(*whens, else_=literal_column(str(len(BOUNDS)))), SmallInteger)


@dataclass(frozen=True)
class Place:
    """A rank of a period's sorted durations: in which bucket, and its offset there (0-based)."""

    bucket: int
    offset: int


def median_ranks(n: int) -> tuple[int, int]:
    """The 1-based ranks ``percentile_cont(0.5)`` interpolates between (equal for odd n)."""
    position = 0.5 * (n - 1)
    return math.floor(position) + 1, math.ceil(position) + 1


def p90_rank(n: int) -> int:
    """The 1-based rank ``percentile_disc(0.9)`` returns (nearest rank, as PostgreSQL counts)."""
    return max(1, math.ceil(0.9 * n))


def place(histogram: Mapping[int, int], rank: int) -> Place:
    """Where the ``rank``-th smallest duration (1-based) of a histogram is."""
    before = 0
    for bucket in sorted(histogram):
        if before + histogram[bucket] >= rank:
            return Place(bucket, rank - before - 1)
        before += histogram[bucket]
    raise ValueError(f"rank {rank} of {before} durations")


def median(low: float, high: float) -> float:
    """``percentile_cont(0.5)`` from the values at its two ranks, as PostgreSQL computes it."""
    return low + (high - low) * 0.5


# -- the response times of a long unfiltered period -------------------------------------------

HISTOGRAM_DAYS = 90  # a shorter period's durations are few: the percentiles over all of them


@dataclass(frozen=True)
class _Series:
    kind: str  # the kept histogram's kind (sales/kpi/rollups.py)
    bucket: Any  # the kept rows' bucket column
    created_at: Any  # their inquiry's creation (the cohort's time)
    value: Any  # the duration in seconds, as its bucket was computed
    p90: bool  # wanted beside the median


def _series() -> tuple[_Series, ...]:
    f, w = KpiInquiryFact, KpiApprovalWait
    return (
        _Series("h_to_sent", f.sent_bucket, f.created_at, seconds(f.first_sent_at, f.created_at),
                True),
        _Series("h_to_won", f.won_bucket, f.created_at, seconds(f.won_at, f.created_at), False),
        _Series("h_approval", w.bucket, w.created_at, seconds(w.decided_at, w.submitted_at),
                True),
    )  # fmt: skip


def part(look: Look) -> Part:
    """RFQ -> quote sent, days to won and the approval waits of both periods from the kept
    histograms (one statement), then the values at the ranks wanted, each read from its bucket's
    kept rows within its period (one statement)."""
    periods = look.periods
    histograms = rollups.read(periods, rollups.HISTOGRAMS)

    async def run(conn: AsyncConnection, halves: Halves) -> None:
        counts: dict[tuple[str, int], dict[int, int]] = defaultdict(dict)
        for row in await conn.execute(histograms):
            counts[(row.kind, row.half)][int(row.key)] = int(row.n)
        wanted: dict[tuple[str, int, Place], Any] = {}
        ranks: dict[tuple[str, int], tuple[int, list[Place]]] = {}
        for series in _series():
            for half, period in enumerate(periods):
                histogram = counts.get((series.kind, half), {})
                n = sum(histogram.values())
                if not n:
                    continue
                at = [*median_ranks(n), *([p90_rank(n)] if series.p90 else [])]
                places = [place(histogram, rank) for rank in at]
                ranks[(series.kind, half)] = (n, places)
                for where in places:
                    wanted[(series.kind, half, where)] = (
                        select(series.value)
                        .where(
                            series.bucket == where.bucket,
                            series.created_at >= period.start_at,
                            series.created_at < period.end_at,
                        )
                        .order_by(series.value)
                        .offset(where.offset)
                        .limit(1)
                        .scalar_subquery()
                    )
        found: dict[tuple[str, int, Place], float] = {}
        if wanted:
            keys = list(wanted)
            row = (await conn.execute(select(*(wanted[k] for k in keys)))).one()
            found = dict(zip(keys, (float(v) for v in row), strict=True))
        for half in (0, 1):
            data = halves[half]
            for kind in ("h_to_sent", "h_to_won", "h_approval"):
                n, places = ranks.get((kind, half), (0, []))
                values = [found[(kind, half, where)] for where in places]
                mid = median(values[0], values[1]) if values else None
                p90 = values[2] if len(values) > 2 else None
                if kind == "h_to_sent":
                    data.to_sent = times(n, mid, p90)
                elif kind == "h_to_won":
                    data.median_days_to_won = None if mid is None else mid / 86400
                else:
                    data.approval_wait = times(n, mid, p90)

    return Part("response times (kept histograms)", run)


__all__ = [
    "BOUNDS",
    "HISTOGRAM_DAYS",
    "Place",
    "bucket_of",
    "median",
    "median_ranks",
    "p90_rank",
    "part",
    "place",
]
