"""The knowledge gaps' part (sales/kpi/plan.py): each half's most asked unanswered questions per
language, grouped by their kept ``question_key`` (trimmed, whitespace collapsed, case-folded:
sales.models.question_key), with the chat sessions that asked."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sales.kpi.data import Halves
from sales.kpi.plan import Look, Part
from sales.kpi.rollups import UNKNOWN
from sales.models import KnowledgeGap


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
    question, then the sessions of the questions shown only."""
    periods, window, limit = look.periods, look.window, look.gaps_per_language
    g = KnowledgeGap
    rows = select(
        case((g.created_at >= periods[1].start_at, 1), else_=0).label("half"),
        func.coalesce(g.language, UNKNOWN).label("language"),
        g.question_key.label("key"),
        g.question,
        g.session_id,
        g.created_at,
        g.id,
    ).where(g.created_at >= window.start_at, g.created_at < window.end_at)
    if look.filters.language:
        rows = rows.where(g.language == look.filters.language)
    r = rows.subquery("gaps").c
    group = (r.half, r.language, r.key)
    order = (r.created_at, r.id)
    ranked = select(
        *group,
        r.question,
        func.row_number().over(partition_by=group, order_by=order).label("nth"),
        func.count().over(partition_by=group).label("asked"),
        func.max(r.created_at).over(partition_by=group).label("last_asked"),
    ).subquery("ranked")
    k = ranked.c
    firsts = select(k.half, k.language, k.key, k.question, k.asked, k.last_asked).where(k.nth == 1)
    grouped: tuple[dict[str, list[Any]], ...] = (defaultdict(list), defaultdict(list))
    for half, language, key, question, asked, last in await db.execute(firsts):
        text_ = " ".join(str(question).split())
        grouped[half][language].append((key, {"question": text_, "asked": int(asked),
                                              "sessions": [], "last_asked": last}))  # fmt: skip

    # the first ten sessions of each question shown, in the order they first asked
    shown: dict[tuple[int, str, str], dict[str, Any]] = {}
    for half, by_language in enumerate(grouped):
        for language, entries in by_language.items():
            entries.sort(key=lambda e: (-e[1]["asked"], e[1]["question"]))
            for key, entry in entries[:limit]:
                shown[(half, language, key)] = entry
    if shown:
        by_session = (*group, r.session_id)
        first_ask = (
            select(
                *by_session,
                r.created_at,
                r.id,
                func.row_number().over(partition_by=by_session, order_by=order).label("nth"),
            )
            .where(
                r.session_id.is_not(None),
                r.session_id != "",
                r.key.in_(sorted({key for _, _, key in shown})),
            )
            .subquery("first_ask")
        )
        s = first_ask.c
        asked_by: dict[tuple[int, str, str], list[Any]] = defaultdict(list)
        for half, language, key, session_id, at, id_ in await db.execute(
            select(s.half, s.language, s.key, s.session_id, s.created_at, s.id).where(s.nth == 1)
        ):
            if (half, language, key) in shown:
                asked_by[(half, language, key)].append((at, id_, session_id))
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
                            "sessions": e["sessions"][:10],
                            "last_asked": e["last_asked"].isoformat(),
                        }
                        for _, e in by_language[language][:limit]
                    ],
                }
            )
    return out[0], out[1]


__all__ = ["part"]
