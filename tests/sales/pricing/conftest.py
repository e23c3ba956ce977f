from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from sales.pricing import PriceBook, PricingRequest, RequestLine, load_price_book
from sales.pricing.pricebook import parse_price_book

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_BOOK = FIXTURES / "pricebook.yaml"
TODAY = date(2026, 11, 21)


@pytest.fixture(scope="session")
def book() -> PriceBook:
    return load_price_book(FIXTURE_BOOK)


def request_for(
    *lines: tuple[str | None, int | str],
    country: str = "DE",
    **kwargs: object,
) -> PricingRequest:
    """A request with one line per (sku, quantity) pair, in pieces."""
    return PricingRequest(
        lines=tuple(
            RequestLine(sku=sku, description=sku or "unlisted item", quantity=Decimal(str(qty)))
            for sku, qty in lines
        ),
        destination_country=country,
        **kwargs,  # type: ignore[arg-type]
    )


def book_with(edit: Callable[[dict[str, Any]], None]) -> PriceBook:
    """The fixture book with ``edit`` applied to its raw YAML mapping."""
    raw = yaml.safe_load(FIXTURE_BOOK.read_text(encoding="utf-8"))
    edit(raw)
    return parse_price_book(raw)
