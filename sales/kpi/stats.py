"""Medians and nearest-rank percentiles of durations: computed here on SQLite (no percentile
functions there), by the database on PostgreSQL (:func:`quantiles`)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Float, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


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


class seconds(FunctionElement[float]):
    """The seconds between two timestamps (``later``, ``earlier``) as a double precision: on
    PostgreSQL by ``date_part`` (``extract`` gives a numeric, several times slower to compute
    and sort); on SQLite from Julian days (to about 0.1 ms: only the kept buckets use it there,
    sales/kpi/histograms.py; SQLite's figures are computed here from the timestamps)."""

    type = Float()
    inherit_cache = True


@compiles(seconds, "postgresql")
def _seconds_postgresql(element: seconds, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"date_part('epoch', {later} - {earlier})"


@compiles(seconds, "sqlite")
def _seconds_sqlite(element: seconds, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def fenced(query: Any, name: str) -> Any:
    """PostgreSQL: ``query`` as a subquery the planner keeps (``OFFSET 0``), so that a value it
    computes per row (seconds) is computed once, not again in every aggregate that reads it."""
    return query.offset(0).subquery(name)


def quantiles(value: Any, *where: Any) -> list[Any]:
    """PostgreSQL: the aggregates of :func:`summary` (n, median, nearest-rank p90) of ``value``
    over the rows that meet ``where``; aggregates with one ordering and filter share one
    sort."""
    return [
        func.count(value).filter(*where),
        func.percentile_cont(0.5).within_group(value).filter(*where),
        func.percentile_disc(0.9).within_group(value).filter(*where),
    ]


def ratio(part: int, whole: int | None) -> float | None:
    if not whole:
        return None
    return part / whole
