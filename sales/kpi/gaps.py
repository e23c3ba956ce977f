"""The knowledge gaps' part (sales/kpi/plan.py): each half's most asked unanswered questions per
language, grouped by their kept ``question_key`` (trimmed, whitespace collapsed, case-folded:
sales.models.question_key), with the chat sessions that asked."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select
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
        r = (
            select(
                half_of.label("half"),
                language_of.label("language"),
                g.question_key.label("key"),
                g.session_id,
                g.created_at,
                g.id,
            )
            .where(
                *of_window,
                g.session_id.is_not(None),
                g.session_id != "",
                g.question_key.in_(sorted({key for _, _, key in shown})),
            )
            .subquery("asked_by")
            .c
        )
        group, order = (r.half, r.language, r.key), (r.created_at, r.id)
        by_session = (*group, r.session_id)
        first_ask = (
            select(
                *by_session,
                *order,
                func.row_number().over(partition_by=by_session, order_by=order).label("nth"),
            )
            .subquery("first_ask")
            .c
        )
        ranked = (
            select(
                first_ask.half,
                first_ask.language,
                first_ask.key,
                first_ask.session_id,
                first_ask.created_at,
                first_ask.id,
                func.row_number()
                .over(
                    partition_by=(first_ask.half, first_ask.language, first_ask.key),
                    order_by=(first_ask.created_at, first_ask.id),
                )
                .label("rank"),
            )
            .where(first_ask.nth == 1)
            .subquery("ranked")
            .c
        )
        asked_by: dict[tuple[int, str, str], list[Any]] = defaultdict(list)
        for of_half, lang, key, session_id, at, id_ in await db.execute(
            select(
                ranked.half, ranked.language, ranked.key, ranked.session_id, ranked.created_at,
                ranked.id,
            ).where(ranked.rank <= SESSIONS_SHOWN)
        ):  # fmt: skip
            if (of_half, lang, key) in shown:
                asked_by[(of_half, lang, key)].append((at, id_, session_id))
        for where, sessions in asked_by.items():
            shown[where]["sessions"] = [sid for _, _, sid in sorted(sessions)]

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


__all__ = ["part"]
