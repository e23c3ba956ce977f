"""The sales manager's figures (sales/kpi) at a real exporter's volume, on PostgreSQL.

Creates a database of its own on the PostgreSQL server (dropped afterwards), builds the schema
with the app's migrations, fills it with a generated year (fixed seed): 100k inquiries with
their items, quotes with their whole event histories and lines, chat sessions with about ten
messages per inquiry (1M), handoffs with rep replies, knowledge gaps; fills the dashboard's
kept facts as the migration's backfill does (COPY bypasses the ORM hook that writes them in
every change's transaction); then times
``sales.kpi.compute`` for the 7, 28 (the dashboard's default) and 365 days up to the data's
last day, unfiltered and with a market + band filter, and prints p50/p95 per case; then where
the time goes: each part of a look (sales/kpi/plan.py: the figures' statements) timed alone on
one connection, with the database server's CPU time for it (from /proc, when the server runs
on this machine) and this process's.

Run: .venv/bin/python bench/kpi_bench.py [--inquiries 100000] [--runs 20]
     [--profile-runs 10] [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]
     [--keep | --url URL]
(``--keep`` leaves the database for later runs; ``--url`` of such a database migrates it to
head, refreshes the kept facts and measures, without filling it again.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Table, create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sales import kpi  # noqa: E402
from sales.db import Database, sync_url  # noqa: E402
from sales.kpi import Filters, Period, facts, plan, replies, rollups, service  # noqa: E402
from sales.kpi.data import Data  # noqa: E402
from sales.migrate import upgrade  # noqa: E402
from sales.models import (  # noqa: E402
    ChatMessage,
    ChatSession,
    Handoff,
    Inquiry,
    InquiryItem,
    KnowledgeGap,
    Quote,
    QuoteEvent,
    QuoteLine,
    question_key,
)
from sales.pricing import load_price_book  # noqa: E402

SEED = 17
END = date(2026, 12, 1)  # the data's year is [END - 365 days, END)
START = END - timedelta(days=365)
DEFAULT_ADMIN = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
MARKETS = [("US", 18), ("DE", 12), ("GB", 8), ("FR", 6), ("AE", 6), ("AU", 5), ("BR", 5),
           ("MX", 4), ("ZA", 4), ("IN", 4), ("NL", 4), ("ES", 4), ("IT", 4), ("PL", 3),
           ("SA", 3), ("NG", 3), ("CL", 2), ("CA", 2), ("JP", 2), ("KR", 1), (None, 4)]  # fmt: skip
LANGUAGES = [("en", 55), ("de", 12), ("es", 12), ("fr", 9), ("pt", 6), ("zh", 6)]
BUSINESS = [("importer", 30), ("distributor", 20), ("contractor", 18), ("retailer", 12),
            ("wholesaler", 10), ("end_user", 6), (None, 4)]  # fmt: skip
CURRENCIES = [("USD", 70), ("EUR", 22), ("GBP", 8)]
# a quote's history: (status, hours after the previous step), as tests/sales/kpi builds them
PATHS: list[tuple[list[tuple[str, float]], int]] = [
    ([("sent", 2)], 22),  # still with the buyer
    ([("sent", 3), ("accepted", 96)], 14),
    ([("sent", 2), ("expired", 720)], 24),
    ([("pending_approval", 1), ("approved", 5), ("sent", 0.1)], 8),
    ([("pending_approval", 1), ("approved", 8), ("sent", 0.1), ("accepted", 120)], 7),
    ([("pending_approval", 1), ("approved", 4), ("sent", 0.1), ("expired", 720)], 9),
    ([("pending_approval", 2), ("rejected", 6)], 6),
    ([("pending_approval", 1)], 3),  # waiting now
    ([], 7),  # a draft nobody sent
]
QUESTIONS = {
    "en": ["What is the MTBF of the driver?", "Do you ship to {c}?", "Is there a warehouse in "
           "{c}?", "Can you print our logo on the box?", "What is the warranty on the {p}?",
           "Do you have a DALI version of the {p}?", "What is the lead time for 5000 pcs?",
           "Can I get a sample of the {p} for free?"],
    "de": ["Gibt es ein Lager in {c}?", "Wie lange ist die Garantie auf {p}?",
           "Liefern Sie nach {c}?"],
    "es": ["¿Envían a {c}?", "¿Cuál es la garantía del {p}?"],
    "fr": ["Livrez-vous en {c} ?", "Quelle est la garantie du {p} ?"],
    "pt": ["Vocês enviam para {c}?", "Qual é a garantia do {p}?"],
    "zh": ["可以发货到{c}吗？", "{p}的保修期是多久？"],
}  # fmt: skip


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _copy(conn: psycopg.Connection[Any], table: Table, rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows (tuples in the order of ``table``'s columns) into the app's table."""
    columns = [c.name for c in table.columns]
    count = 0
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with conn.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _cols(table: Table, **values: Any) -> tuple[Any, ...]:
    """A row in the table's column order; a column not given takes the model's constant
    default, as an insert through the ORM would (e.g. a counter's 0), else NULL."""
    unknown = set(values) - set(table.columns.keys())
    if unknown:
        raise KeyError(f"{table.name}: no column {sorted(unknown)}")
    return tuple(
        values[c.name] if c.name in values else _constant_default(c) for c in table.columns
    )


def _constant_default(column: Any) -> Any:
    default = column.default
    return default.arg if default is not None and default.is_scalar else None


def fill(url: str, inquiries: int, skus: list[str]) -> dict[str, int]:
    """A generated year of order data (fixed seed), by COPY into the migrated tables."""
    rng = random.Random(SEED)
    span_s = (END - START).days * 86400
    start_at = datetime(START.year, START.month, START.day, tzinfo=UTC)
    t_sessions: Table = ChatSession.__table__  # type: ignore[assignment]
    t_messages: Table = ChatMessage.__table__  # type: ignore[assignment]
    t_inquiries: Table = Inquiry.__table__  # type: ignore[assignment]
    t_items: Table = InquiryItem.__table__  # type: ignore[assignment]
    t_quotes: Table = Quote.__table__  # type: ignore[assignment]
    t_events: Table = QuoteEvent.__table__  # type: ignore[assignment]
    t_lines: Table = QuoteLine.__table__  # type: ignore[assignment]
    t_handoffs: Table = Handoff.__table__  # type: ignore[assignment]
    t_gaps: Table = KnowledgeGap.__table__  # type: ignore[assignment]

    sessions: list[tuple[Any, ...]] = []
    chat_of: list[tuple[str, str, datetime]] = []  # (id, language, created) per session
    messages: list[tuple[Any, ...]] = []
    inquiry_rows: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    quotes: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    handoffs: list[tuple[Any, ...]] = []
    gaps: list[tuple[Any, ...]] = []
    ids = {"message": 0, "item": 0, "quote": 0, "event": 0, "line": 0, "handoff": 0, "gap": 0}

    def next_id(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    # chat sessions: one per inquiry (the chat it came from) and a fifth more that never
    # submitted; business grows through the year (0.8 times the year's average a day at its
    # start, 1.2 times at its end: the inverse of that linear distribution)
    chats = inquiries + inquiries // 5
    for n in range(chats):
        share = (math.sqrt(0.64 + 0.8 * rng.random()) - 0.8) / 0.4
        created = start_at + timedelta(seconds=span_s * share - 1)
        sid = uuid.UUID(int=rng.getrandbits(128)).hex
        language = _pick(rng, LANGUAGES)
        count = max(2, round(rng.gauss(8.3, 3)))  # about ten per inquiry with the handoffs'
        at = created
        for seq in range(1, count + 1):
            at += timedelta(seconds=rng.uniform(5, 90))
            role = "buyer" if seq % 2 else "bot"
            messages.append(
                _cols(t_messages, id=next_id("message"), session_id=sid, seq=seq, role=role,
                      text="a message of the conversation", buttons="[]", handled=True,
                      created_at=at, reply_to=seq - 1 if role == "bot" else None)
            )  # fmt: skip
        seq = count
        if rng.random() < 0.2:  # asked for a person
            asked = at + timedelta(seconds=rng.uniform(10, 60))
            inside = rng.random() < 0.6
            rfq: dict[str, Any] = {}
            if rng.random() < 0.5:
                rfq = {
                    "email": f"buyer{n}@example.com",
                    "product": rng.choice(skus),
                    "quantity": str(rng.choice([100, 500, 2000])),
                    "company": f"Buyer {n}",
                }
            handoffs.append(
                _cols(t_handoffs, id=next_id("handoff"), session_id=sid, reason="asked",
                      summary=json.dumps({"inside_hours": inside, "rfq": rfq}),
                      status="closed", requested_at=asked)
            )  # fmt: skip
            if rng.random() < 0.85:  # a rep answered: minutes inside office hours, hours not
                reply = asked + timedelta(
                    seconds=rng.expovariate(1 / (240 if inside else 5400)) + 20
                )
                for _ in range(rng.randint(1, 3)):
                    seq += 1
                    messages.append(
                        _cols(t_messages, id=next_id("message"), session_id=sid, seq=seq,
                              role="agent", author="Mei", text="a rep's answer", buttons="[]",
                              handled=True, created_at=reply)
                    )  # fmt: skip
                    reply += timedelta(seconds=rng.uniform(30, 300))
                    at = reply
        if rng.random() < 0.17:  # a question the knowledge base could not answer
            template = rng.choice(QUESTIONS[language])
            question = template.format(c=_pick(rng, MARKETS) or "Chile", p=rng.choice(skus))
            if rng.random() < 0.3:
                question = "  " + question.lower()
            gaps.append(
                _cols(t_gaps, id=next_id("gap"), question=question,
                      question_key=question_key(question), language=language,
                      session_id=sid, resolved=False,
                      created_at=created + timedelta(seconds=rng.uniform(20, 300)))
            )  # fmt: skip
        chat_of.append((sid, language, created))
        sessions.append(
            _cols(t_sessions, id=sid, token_hash="0" * 64, language=language,
                  language_source="locale", mode="bot", last_seq=seq, created_at=created,
                  updated_at=at)
        )  # fmt: skip

    # inquiries from the first ``inquiries`` sessions, submitted a few minutes into the chat
    for n in range(inquiries):
        sid, language, created = chat_of[n]
        created = min(created + timedelta(seconds=rng.uniform(60, 900)), start_at + timedelta(
            seconds=span_s - 1))  # fmt: skip
        score = None if rng.random() < 0.08 else min(100, max(0, round(rng.gauss(52, 22))))
        inquiry_id = n + 1
        inquiry_rows.append(
            _cols(t_inquiries, id=inquiry_id, reference=f"RFQ-B-{inquiry_id:07d}", status="new",
                  created_at=created, updated_at=created, session_id=sid, language=language,
                  company=f"Buyer {n}", email=f"buyer{n}@example.com",
                  business_type=_pick(rng, BUSINESS), destination_country=_pick(rng, MARKETS),
                  notes="", lead_score=score)
        )  # fmt: skip
        chosen = [rng.choice(skus) if rng.random() > 0.04 else None
                  for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))]  # fmt: skip
        for position, sku in enumerate(chosen, start=1):
            items.append(
                _cols(t_items, id=next_id("item"), inquiry_id=inquiry_id, position=position,
                      sku=sku, description=sku or "something else", unit="pcs",
                      quantity=Decimal(rng.choice((100, 500, 1000, 5000))), certifications="[]")
            )  # fmt: skip
        for _ in range(rng.choices((0, 1, 2), (40, 55, 5))[0]):  # 60k quotes per 100k
            path = _pick(rng, PATHS)
            quote_id = next_id("quote")
            at = created + timedelta(hours=rng.uniform(0.2, 30))
            first = at
            events.append(
                _cols(t_events, id=next_id("event"), quote_id=quote_id, at=at,
                      actor="assistant", action="created", to_status="draft", note="")
            )  # fmt: skip
            status = "draft"
            for target, hours in path:
                at += timedelta(hours=hours * rng.uniform(0.5, 2))
                events.append(
                    _cols(t_events, id=next_id("event"), quote_id=quote_id, at=at,
                          actor="rep", action=target, from_status=status, to_status=target,
                          note="")
                )  # fmt: skip
                status = target
            currency = _pick(rng, CURRENCIES)
            total = Decimal(0)
            for position, sku in enumerate(chosen, start=1):
                unit_price = Decimal(rng.randint(150, 9000)) / 100
                quantity = Decimal(rng.choice((100, 500, 1000, 5000)))
                amount = unit_price * quantity
                total += amount
                lines.append(
                    _cols(t_lines, id=next_id("line"), quote_id=quote_id, position=position,
                          sku=sku, quantity=quantity, unit="pcs", unit_price=unit_price,
                          amount=amount)
                )  # fmt: skip
            quotes.append(
                _cols(t_quotes, id=quote_id, reference=f"Q-B-{quote_id:07d}",
                      inquiry_id=inquiry_id, status=status, currency=currency,
                      valid_until=(first + timedelta(days=30)).date(), margin_pct=Decimal(20),
                      total=total, created_at=first, updated_at=at, policy_reasons="[]",
                      needs_negotiation=False, pricing="{}")
            )  # fmt: skip

    counts: dict[str, int] = {}
    with psycopg.connect(url) as conn:
        for name, table, rows in (
            ("chat sessions", t_sessions, sessions),
            ("chat messages", t_messages, messages),
            ("inquiries", t_inquiries, inquiry_rows),
            ("inquiry items", t_items, items),
            ("quotes", t_quotes, quotes),
            ("quote events", t_events, events),
            ("quote lines", t_lines, lines),
            ("handoffs", t_handoffs, handoffs),
            ("knowledge gaps", t_gaps, gaps),
        ):
            counts[name] = _copy(conn, table, rows)
            if any(c.name == "id" and c.autoincrement is True for c in table.columns):
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT max(id) FROM {table.name}))"
                )
        conn.commit()
    return counts


def backfill(url: str, categories: dict[str, str]) -> float:
    """The dashboard's kept facts, days and handoffs' first replies for the rows COPY wrote
    behind the ORM's back, by the statements of the migrations' backfills (sales/kpi/facts.py,
    rollups.py, replies.py), and the price book stored as the app does at start; seconds
    taken. Then VACUUM ANALYZE, as autovacuum would have by the time anyone looks."""
    engine = create_engine(sync_url(url))
    try:
        started = time.perf_counter()
        with engine.begin() as conn:
            facts.refresh(conn, None)
            rollups.sync_categories(conn, categories)
            replies.refresh(conn, None)
        took = time.perf_counter() - started
    finally:
        engine.dispose()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return took


def _pct(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


FILTERS = (("unfiltered", Filters()), ("market US + band hot", Filters(market="US", band="hot")))


async def measure(
    url: str, categories: dict[str, str], runs: int
) -> list[tuple[str, str, int, float, float]]:
    cases = [(days, label, filters) for days in (7, 28, 365) for label, filters in FILTERS]
    out = []
    db = Database(url)
    try:
        for days, label, filters in cases:
            period = Period(END - timedelta(days=days), END)
            times: list[float] = []
            cohort = 0
            for run in range(runs + 1):
                async with db.session() as session:
                    started = time.perf_counter()
                    figures = await kpi.compute(session, period, filters, categories=categories)
                    elapsed = (time.perf_counter() - started) * 1000
                cohort = figures["funnel"]["rfqs_submitted"]
                if run:  # the first is a warm-up
                    times.append(elapsed)
            p50, p95 = statistics.median(times), _pct(times, 95)
            out.append((f"{days} days, {label}", f"{cohort:,}", runs, p50, p95))
            print(
                f"{days:>3} days  {label:<22} {cohort:>7,} RFQs  p50 {p50:7.0f} ms  "
                f"p95 {p95:7.0f} ms  ({runs} runs)",
                flush=True,
            )
    finally:
        await db.dispose()
    return out


def _server_cpu_ms(pid: int) -> float | None:
    """A PostgreSQL backend's CPU time so far (user + system), when its /proc is readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


async def profile(url: str, categories: dict[str, str], runs: int) -> None:
    """Each part of a look alone, in turn on one connection (its transaction tuned as a look's
    is): p50 wall time, and the server's and this process's CPU time per run (means)."""
    db = Database(url)
    try:
        for days in (28, 365):
            period = Period(END - timedelta(days=days), END)
            for label, filters in FILTERS:
                look = plan.Look((period.previous, period), filters, categories, 300.0, 10, 50)
                print(f"where the time goes: {days} days, {label} ({runs} runs per part)")
                print(f"  {'part':<34} {'p50 ms':>8} {'server CPU ms':>14} {'client CPU ms':>14}")
                async with db.engine.connect() as conn:
                    await plan.tune(conn)
                    pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
                    total = [0.0, 0.0, 0.0]
                    for part in await service.parts(conn, look):
                        await part.run(conn, (Data(), Data()))  # warm-up
                        walls = []
                        server, client = _server_cpu_ms(pid), time.process_time()
                        for _ in range(runs):
                            started = time.perf_counter()
                            await part.run(conn, (Data(), Data()))
                            walls.append((time.perf_counter() - started) * 1000)
                        after = _server_cpu_ms(pid)
                        cpu = None if server is None or after is None else (after - server) / runs
                        mine = (time.process_time() - client) * 1000 / runs
                        p50 = statistics.median(walls)
                        total = [total[0] + p50, total[1] + (cpu or 0), total[2] + mine]
                        shown = "-" if cpu is None else f"{cpu:.1f}"
                        print(f"  {part.name:<34} {p50:8.1f} {shown:>14} {mine:14.1f}")
                    print(f"  {'sum':<34} {total[0]:8.1f} {total[1]:14.1f} {total[2]:14.1f}")
    finally:
        await db.dispose()


def machine() -> str:
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return f"{platform.machine()}, {os.cpu_count()} cores, load average {load}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inquiries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per case")
    parser.add_argument(
        "--profile-runs", type=int, default=10, help="timed runs per part (0: no profile)"
    )
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--url", help="measure a database kept by an earlier --keep run")
    args = parser.parse_args()

    book = load_price_book(ROOT / "sales" / "pricebook" / "demo.yaml")
    categories = {p.sku: p.category for p in book.products}
    if args.url:
        upgrade(args.url)
        took = backfill(args.url, categories)
        print(f"{args.url}: kept facts and days refreshed in {took:.1f} s")
        print(f"machine: {machine()}", flush=True)
        asyncio.run(measure(args.url, categories, args.runs))
        print(f"machine after: {machine()}", flush=True)
        if args.profile_runs:
            asyncio.run(profile(args.url, categories, args.profile_runs))
            print(f"machine after the profile: {machine()}")
        return
    name = f"exportdesk_kpi_bench_{os.getpid()}"
    admin = args.admin_url
    base = admin.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        upgrade(url)
        started = time.perf_counter()
        counts = fill(url, args.inquiries, sorted(categories))
        print(
            f"database {name}: "
            + ", ".join(f"{n:,} {what}" for what, n in counts.items())
            + f" (filled in {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        took = backfill(url, categories)
        print(f"kept facts and days backfilled in {took:.1f} s (the migrations' statements)")
        print(f"machine: {machine()}", flush=True)
        asyncio.run(measure(url, categories, args.runs))
        print(f"machine after: {machine()}", flush=True)
        if args.profile_runs:
            asyncio.run(profile(url, categories, args.profile_runs))
            print(f"machine after the profile: {machine()}")
    finally:
        if not args.keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print(f"kept: {url}")


if __name__ == "__main__":
    main()
