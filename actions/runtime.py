"""What actions need at run time (database, knowledge base, broker), set by the app at start-up.

Actions are executed in the app's process by rasa-sdk's executor; they reach the app's
services through here instead of creating engines at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sales.db import Database


@dataclass(frozen=True)
class Runtime:
    db: Database
    kb: Any | None = None  # knowledge.index.KnowledgeBase
    broker: Any | None = None  # api.broker.Broker
    price_book: Any | None = None  # sales.pricing.PriceBook
    pdf_link: Callable[[str], str] | None = None  # quote reference -> signed PDF link
    today: Callable[[], date] = field(default=lambda: datetime.now(UTC).date())


_current: Runtime | None = None


def configure(runtime: Runtime) -> None:
    global _current
    _current = runtime


def reset() -> None:
    global _current
    _current = None


def get() -> Runtime:
    if _current is None:
        raise RuntimeError("actions runtime not configured: the app has not started")
    return _current
