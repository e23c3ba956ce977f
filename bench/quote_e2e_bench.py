"""Quotes end to end on SQLite: an inquiry in the database -> the quote written (lines,
charges, audit events, outbox, inquiry status, one transaction) -> the buyer's chat text.

Prints quotes per second for ``sales.quotes.quote_inquiry`` (one at a time, and with a few
in flight at once as the app would see them), and the time from a confirmed RFQ (the
inquiry write) to the quote text, without the chat engine.

Run: .venv/bin/python bench/quote_e2e_bench.py [--count 300] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sales import inquiries, quotes  # noqa: E402
from sales.db import Database  # noqa: E402
from sales.inquiries import BuyerDraft, InquiryDraft, ItemDraft  # noqa: E402
from sales.migrate import upgrade  # noqa: E402
from sales.pricing import Incoterm, PriceBook, load_price_book  # noqa: E402

TODAY = date(2026, 11, 21)
DESTINATIONS = [
    ("DE", "Hamburg", "USD"),
    ("US", "Los Angeles", None),
    ("GB", "Felixstowe", "GBP"),
    ("AE", "Jebel Ali", "AED"),
    ("AU", "Sydney", "AUD"),
    ("BR", "Santos", None),
    ("ZA", "Durban", None),
    ("JP", "Tokyo", "JPY"),
]
PAYMENT = [None, "TT", "LC", "TT", "OA"]


def drafts(book: PriceBook, count: int) -> list[InquiryDraft]:
    """A mix like real RFQs: 1-6 lines, destinations, Incoterms, targets, dates, payment."""
    skus = [product.sku for product in book.products]
    incoterms = [None, *(term.value for term in Incoterm)]
    result = []
    for index in range(count):
        country, place, currency = DESTINATIONS[index % len(DESTINATIONS)]
        items = tuple(
            ItemDraft(
                description="as requested",
                quantity=Decimal((200, 1000, 3000, 12000)[(index + n) % 4]),
                sku=skus[(index * 7 + n * 5) % len(skus)],
                target_price_amount=Decimal("5.00") if currency and (index + n) % 5 == 0 else None,
                target_price_currency=currency if (index + n) % 5 == 0 else None,
            )
            for n in range(1 + index % 6)
        )
        result.append(
            InquiryDraft(
                items=items,
                buyer=BuyerDraft(company=f"Buyer {index}", email=f"b{index}@firm.example"),
                language=("en", "de", "es", "zh")[index % 4],
                destination_country=country,
                destination_place=place,
                incoterm=incoterms[index % len(incoterms)],
                required_by=TODAY + timedelta(days=45 + index % 60) if index % 3 == 0 else None,
                payment_terms=PAYMENT[index % len(PAYMENT)],
            )
        )
    return result


async def _create(db: Database, draft: InquiryDraft) -> str:
    async with db.session() as session:
        inquiry, _ = await inquiries.create(session, draft=draft)
        return inquiry.reference


async def _quote(db: Database, book: PriceBook, reference: str, language: str | None) -> str:
    async with db.session() as session:
        outcome = await quotes.quote_inquiry(session, reference=reference, book=book, today=TODAY)
    return quotes.describe_for_buyer(outcome.quote, language=language)


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms"
    )


async def run(args: argparse.Namespace) -> None:
    book = load_price_book(args.book)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        db = Database(url)
        try:
            warm = drafts(book, 20)
            for draft in warm:  # warm-up: imports, babel data, SQLAlchemy statement caches
                await _quote(db, book, await _create(db, draft), draft.language)

            batch = drafts(book, args.count)
            refs = [await _create(db, draft) for draft in batch]
            started, cpu = time.perf_counter(), time.process_time()
            for ref, draft in zip(refs, batch, strict=True):
                await _quote(db, book, ref, draft.language)
            one = time.perf_counter() - started
            cpu = time.process_time() - cpu
            lines = sum(len(d.items) for d in batch)
            print(
                f"quote_inquiry, one at a time: {args.count} quotes ({lines} lines) in {one:.2f} s"
            )
            print(
                f"  {args.count / one:,.0f} quotes/s, {one / args.count * 1000:.1f} ms per quote "
                f"({cpu / args.count * 1000:.1f} ms CPU in this process, all threads)"
            )

            refs = [await _create(db, draft) for draft in batch]
            gate = asyncio.Semaphore(args.concurrency)

            async def bounded(ref: str, language: str | None) -> None:
                async with gate:
                    await _quote(db, book, ref, language)

            started = time.perf_counter()
            await asyncio.gather(
                *(bounded(r, d.language) for r, d in zip(refs, batch, strict=True))
            )
            many = time.perf_counter() - started
            print(f"quote_inquiry, {args.concurrency} in flight: {args.count / many:,.0f} quotes/s")

            latencies: list[float] = []
            text = ""
            for draft in batch[: min(args.count, 200)]:
                started = time.perf_counter()
                ref = await _create(db, draft)
                text = await _quote(db, book, ref, draft.language)
                latencies.append(time.perf_counter() - started)
            print(
                f"confirmed RFQ -> quote text (inquiry write + pricing + quote write + text), "
                f"{len(latencies)} runs: {_ms(latencies)}"
            )
            print(f"  e.g. {text}")
        finally:
            await db.dispose()
    load = os.getloadavg()[0]
    print(f"SQLite (WAL) on a temporary file; {os.cpu_count()} CPU cores, load {load:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300, help="quotes per measurement")
    parser.add_argument("--concurrency", type=int, default=4, help="quotes in flight at once")
    parser.add_argument("--book", type=Path, default=ROOT / "sales" / "pricebook" / "demo.yaml")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
