"""Quotes per second of the pricing engine on the demo price book.

Run: .venv/bin/python bench/pricing_bench.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sales.pricing import (  # noqa: E402
    Incoterm,
    PriceBook,
    PricingRequest,
    RequestLine,
    load_price_book,
    price,
)

TODAY = date(2026, 11, 21)


def sample_requests(book: PriceBook) -> list[PricingRequest]:
    """A mix like real RFQs: 1-6 lines, different destinations, Incoterms and currencies."""
    skus = [product.sku for product in book.products]
    destinations = [
        ("DE", "Hamburg", "EUR"),
        ("US", "Los Angeles", None),
        ("GB", "Felixstowe", "GBP"),
        ("AE", "Jebel Ali", "AED"),
        ("AU", "Sydney", "AUD"),
        ("BR", "Santos", "BRL"),
        ("ZA", "Durban", None),
        ("JP", "Tokyo", "JPY"),
    ]
    incoterms = [None, *Incoterm]
    requests = []
    for index in range(96):
        count = 1 + index % 6
        lines = tuple(
            RequestLine(
                skus[(index * 7 + n * 5) % len(skus)],
                "as requested",
                Decimal((200, 1000, 3000, 12000)[(index + n) % 4]),
                target_price=Decimal("5.00") if (index + n) % 5 == 0 else None,
            )
            for n in range(count)
        )
        country, place, currency = destinations[index % len(destinations)]
        requests.append(
            PricingRequest(
                lines=lines,
                destination_country=country,
                destination_place=place,
                incoterm=incoterms[index % len(incoterms)],
                required_by=TODAY + timedelta(days=30 + index % 60) if index % 3 == 0 else None,
                currency=currency,
            )
        )
    return requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to run")
    parser.add_argument("--book", type=Path, default=ROOT / "sales" / "pricebook" / "demo.yaml")
    args = parser.parse_args()
    book = load_price_book(args.book)
    requests = sample_requests(book)
    for request in requests:  # warm-up (babel lookups, caches)
        price(request, book, today=TODAY)
    done = lines = 0
    started = time.perf_counter()
    deadline = started + args.seconds
    while time.perf_counter() < deadline:
        for request in requests:
            price(request, book, today=TODAY)
            lines += len(request.lines)
        done += len(requests)
    elapsed = time.perf_counter() - started
    print(f"{done} quotes ({lines} lines) in {elapsed:.2f} s on one core")
    print(f"{done / elapsed:,.0f} quotes/s, {elapsed / done * 1e6:,.0f} us per quote")


if __name__ == "__main__":
    main()
