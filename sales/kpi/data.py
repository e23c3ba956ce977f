"""One period's figures as the database returned them, before sales/kpi/service.py shapes them.

The statements (sales/kpi/plan.py) fill two of these, the previous period's and the current
one's (``Halves``): the additive breakdowns as groups of counts and values per key, the
response times already summarised (median, p90), the chats, the handoffs' possible abandoned
RFQs and the knowledge gaps as shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sales.kpi import rollups
from sales.kpi.stats import summary


@dataclass
class Group:
    """One key's counts and values (per currency) in a breakdown."""

    n: int = 0
    quoted: int = 0
    won: int = 0
    after_approval: int = 0
    rejected: int = 0
    expired: int = 0
    value: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    won_value: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def _groups() -> defaultdict[str, defaultdict[str, Group]]:
    return defaultdict(lambda: defaultdict(Group))


@dataclass
class Data:
    """One period's figures as the database aggregated them."""

    groups: defaultdict[str, defaultdict[str, Group]] = field(default_factory=_groups)
    to_sent: dict[str, Any] = field(default_factory=lambda: summary([]))
    median_days_to_won: float | None = None
    approval_wait: dict[str, Any] = field(default_factory=lambda: summary([]))
    pipeline: dict[tuple[str, str], tuple[int, Decimal]] = field(default_factory=dict)
    handoff_times: dict[str, Any] | None = None
    chats: int | None = None
    abandoned: list[Any] = field(default_factory=list)  # handoff rows, as shown
    abandoned_known: int = 0  # chats with a possible abandoned RFQ
    gaps: list[dict[str, Any]] | None = None  # per language, as shown


Halves = tuple[Data, Data]  # (previous period, current period)


def add(data: Data, row: Any) -> None:
    """Fold one row of the additive breakdowns (sales/kpi/rollups.py's columns) into ``data``."""
    if row.kind == "pipeline":
        n, value = data.pipeline.get((row.key, row.currency), (0, Decimal(0)))
        data.pipeline[(row.key, row.currency)] = (n + int(row.n), value + (row.value or 0))
        return
    group = data.groups[row.kind][row.key]
    for name in rollups.INTS:
        setattr(group, name, getattr(group, name) + int(getattr(row, name) or 0))
    if row.currency is not None:
        if row.value is not None:
            group.value[row.currency] += row.value
        if row.won_value is not None:
            group.won_value[row.currency] += row.won_value


def times(n: Any, median: Any, p90: Any) -> dict[str, Any]:
    """``{"n", "median", "p90"}`` from a database's aggregates (None: no value)."""
    return {
        "n": int(n or 0),
        "median": None if median is None else float(median),
        "p90": None if p90 is None else float(p90),
    }


__all__ = ["Data", "Group", "Halves", "add", "times"]
