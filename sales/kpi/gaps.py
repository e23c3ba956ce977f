"""The knowledge gaps' part (sales/kpi/plan.py): each half's most asked unanswered questions per
language, grouped by their kept ``question_key`` (trimmed, whitespace collapsed, case-folded:
sales.models.question_key), with the chat sessions that asked."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Integer, String, Text, and_, case, column, func, select, values
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from sales.kpi.data import Halves
from sales.kpi.plan import Look, Part
from sales.kpi.rollups import UNKNOWN
from sales.models import KnowledgeGap

SESSIONS_SHOWN = 10  # per question


def part(look: Look) -> Part:
    async def run(conn: AsyncConnection, halves: Halves) -> None:
        (halves[0].gaps, halves[1].gaps) = await _gaps(conn, look)

    return Part("knowledge gaps", run)


async def _gaps(
    db: AsyncConnection, look: Look
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each half's knowledge gaps per language, grouped by their kept ``question_key``, most
    asked first (the ``limit`` first per language), each with its first wording, the last time
    asked and the first ten chat sessions that asked. Grouped by the database: one row per
    question (counted by a hash, its first wording looked up by the time it was first asked),
    then the first ten sessions of the questions shown only."""
    periods, window, limit = look.periods, look.window, look.gaps_per_language
    g = KnowledgeGap
    half_of = case((g.created_at >= periods[1].start_at, 1), else_=0)
    language_of = func.coalesce(g.language, UNKNOWN)
    of_window = [g.created_at >= window.start_at, g.created_at < window.end_at]
    if look.filters.language:
        of_window.append(g.language == look.filters.language)
    asked = (
        select(
            half_of.label("half"),
            language_of.label("language"),
            g.question_key.label("key"),
            func.count().label("asked"),
            func.max(g.created_at).label("last_asked"),
            func.min(g.created_at).label("first_asked"),
        )
        .where(*of_window)
        .group_by(half_of, language_of, g.question_key)
        .subquery("asked")
    )
    a = asked.c
    first = aliased(KnowledgeGap, name="first")
    wording = (
        select(first.question)
        .where(
            first.created_at == a.first_asked,  # an index probe: the few gaps of that instant
            first.question_key == a.key,
            func.coalesce(first.language, UNKNOWN) == a.language,
        )
        .order_by(first.id)
        .limit(1)
        .scalar_subquery()
    )
    firsts = select(a.half, a.language, a.key, wording, a.asked, a.last_asked)
    grouped: tuple[dict[str, list[Any]], ...] = (defaultdict(list), defaultdict(list))
    for of_half, lang, key, question, count, last in await db.execute(firsts):
        text_ = " ".join(str(question).split())
        grouped[of_half][lang].append((key, {"question": text_, "asked": int(count),
                                             "sessions": [], "last_asked": last}))  # fmt: skip

    # the first ten sessions of each question shown, in the order they first asked
    shown: dict[tuple[int, str, str], dict[str, Any]] = {}
    for of_half, by_language in enumerate(grouped):
        for lang, entries in by_language.items():
            entries.sort(key=lambda e: (-e[1]["asked"], e[1]["question"]))
            for key, entry in entries[:limit]:
                shown[(of_half, lang, key)] = entry
    if shown:
        await _sessions(db, shown, half_of, language_of, of_window)

    out: list[list[dict[str, Any]]] = [[], []]
    for half, by_language in enumerate(grouped):
        totals = {lang: sum(e["asked"] for _, e in rows) for lang, rows in by_language.items()}
        for language in sorted(by_language, key=lambda lang: (-totals[lang], lang)):
            out[half].append(
                {
                    "language": language,
                    "asked": totals[language],
                    "questions": [
                        {
                            **e,
                            "sessions": e["sessions"][:SESSIONS_SHOWN],
                            "last_asked": e["last_asked"].isoformat(),
                        }
                        for _, e in by_language[language][:limit]
                    ],
                }
            )
    return out[0], out[1]


async def _sessions(
    db: AsyncConnection,
    shown: dict[tuple[int, str, str], dict[str, Any]],
    half_of: Any,
    language_of: Any,
    of_window: list[Any],
) -> None:
    """The first ten chat sessions that asked each question shown, in the order they first
    asked (the time, then the id of their first asking), into ``shown``. The questions shown
    are numbered and joined as a VALUES table: the windows partition by that number, not by
    the texts."""
    g = KnowledgeGap
    numbered = list(enumerate(sorted(shown)))
    table = (
        values(
            column("half", Integer), column("language", String), column("key", Text),
            column("shown", Integer), name="shown",
        )
        .data([(half, lang, key, n) for n, (half, lang, key) in numbered])
        .cte("shown")
    )  # fmt: skip
    t = table.c
    session: Any = g.session_id
    if db.dialect.name == "postgresql":  # compared bytewise (the database's collation is slower)
        session = session.collate("C")
    rows = (
        select(t.shown, session.label("session_id"), g.created_at, g.id)
        .join(table, and_(t.key == g.question_key, t.language == language_of, t.half == half_of))
        .where(*of_window, g.session_id.is_not(None), g.session_id != "")
        .subquery("asked_by")
        .c
    )
    order = (rows.created_at, rows.id)
    first_ask = (
        select(
            rows.shown,
            rows.session_id,
            *order,
            func.row_number()
            .over(partition_by=(rows.shown, rows.session_id), order_by=order)
            .label("nth"),
        )
        .subquery("first_ask")
        .c
    )
    ranked = (
        select(
            first_ask.shown,
            first_ask.session_id,
            first_ask.created_at,
            first_ask.id,
            func.row_number()
            .over(partition_by=first_ask.shown, order_by=(first_ask.created_at, first_ask.id))
            .label("rank"),
        )
        .where(first_ask.nth == 1)
        .subquery("ranked")
        .c
    )
    asked_by: dict[int, list[Any]] = defaultdict(list)
    query = select(ranked.shown, ranked.session_id, ranked.created_at, ranked.id).where(
        ranked.rank <= SESSIONS_SHOWN
    )
    for n, session_id, at, id_ in await db.execute(query):
        asked_by[n].append((at, id_, session_id))
    for n, where in numbered:
        shown[where]["sessions"] = [sid for _, _, sid in sorted(asked_by[n])]


__all__ = ["part"]
