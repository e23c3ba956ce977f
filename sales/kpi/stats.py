"""Medians and percentiles of durations computed in Python: on SQLite (no percentile
functions there) and for handoffs; PostgreSQL computes the others (sales/kpi/service.py)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[float], pct: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least ``pct``% of the values at
    or below it (so always one of the values; p90 of ten values is the ninth smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return float(ordered[rank - 1])


def summary(values: Sequence[float]) -> dict[str, float | int | None]:
    """``{"n", "median", "p90"}`` of durations in seconds."""
    return {"n": len(values), "median": median(values), "p90": percentile(values, 90)}


def ratio(part: int, whole: int | None) -> float | None:
    if not whole:
        return None
    return part / whole
