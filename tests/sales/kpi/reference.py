"""The KPI service's order figures computed the straightforward way: every inquiry with its
items, quotes, events and lines loaded through the ORM and counted in Python, following the
definitions in sales/kpi/service.py's docstring, with nothing kept or aggregated by the
database. The property tests compare the service (which reads the kept facts) with this."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from sales.kpi import Filters, Period
from sales.kpi.period import BAND_RANGES
from sales.models import ChatSession, Inquiry, Quote

CENTS = Decimal("0.01")
DECIDED = ("approved", "rejected")


def _money(value: Decimal) -> str:
    return str(value.quantize(CENTS))


def _values(sums: Mapping[str, Decimal]) -> list[dict[str, str]]:
    return [{"currency": c, "value": _money(v)} for c, v in sorted(sums.items())]


def _summary(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0, "median": None, "p90": None}
    ordered = sorted(values)
    rank = max(1, math.ceil(0.9 * len(ordered)))
    return {"n": len(values), "median": statistics.median(values), "p90": ordered[rank - 1]}


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


async def load(session: AsyncSession) -> list[Inquiry]:
    query = select(Inquiry).options(
        selectinload(Inquiry.items),
        selectinload(Inquiry.quotes).selectinload(Quote.events),
        selectinload(Inquiry.quotes).selectinload(Quote.lines),
    )
    return list((await session.execute(query)).scalars())


def _band(score: int | None) -> str:
    if score is None:
        return "unscored"
    return next(n for n, (low, high) in BAND_RANGES.items() if low <= score <= high)


def _in_cohort(inquiry: Inquiry, period: Period, f: Filters, cats: Mapping[str, str]) -> bool:
    if not period.start_at <= inquiry.created_at < period.end_at:
        return False
    if f.market and inquiry.destination_country != f.market:
        return False
    if f.language and inquiry.language != f.language:
        return False
    if f.business_type and inquiry.business_type != f.business_type:
        return False
    if f.band and _band(inquiry.lead_score) != f.band:
        return False
    if f.category:
        return any(i.sku and cats.get(i.sku) == f.category for i in inquiry.items)
    return True


def _fate(inquiry: Inquiry) -> dict[str, Any]:
    """What became of an inquiry's quotes, from their events."""
    events = [(q, e) for q in inquiry.quotes for e in q.events if e.to_status != "draft"]
    sent = [(q, e) for q, e in events if e.to_status == "sent"]
    first_sent = min((e.at for _, e in sent), default=None)
    approved = min((e.at for _, e in sent if e.from_status == "approved"), default=None)
    direct = min((e.at for _, e in sent if e.from_status != "approved"), default=None)
    latest = max(sent, key=lambda qe: qe[0].id)[0] if sent else None
    won_at = min((e.at for _, e in events if e.to_status == "accepted"), default=None)
    quoted, won = first_sent is not None, won_at is not None
    return {
        "first_sent": first_sent,
        "won_at": won_at,
        "quoted": quoted,
        "won": won,
        "after_approval": approved is not None and (direct is None or approved < direct),
        "rejected": any(e.to_status == "rejected" for _, e in events),
        "expired": quoted and not won and latest is not None and latest.status == "expired",
        "latest": latest,
    }


def _waits(inquiry: Inquiry) -> list[float]:
    out = []
    for quote in inquiry.quotes:
        submitted = None
        steps = sorted(
            (
                e
                for e in quote.events
                if e.to_status in ("pending_approval", "approved", "rejected")
            ),
            key=lambda e: (e.at, e.id),
        )
        for e in steps:
            decided = e.from_status == "pending_approval" and e.to_status != "pending_approval"
            if decided and submitted is not None:
                out.append((e.at - submitted).total_seconds())
            if e.to_status == "pending_approval":
                submitted = e.at if submitted is None else max(submitted, e.at)
    return out


class _Row:
    def __init__(self) -> None:
        self.n = self.quoted = self.won = 0
        self.value: dict[str, Decimal] = defaultdict(Decimal)
        self.won_value: dict[str, Decimal] = defaultdict(Decimal)

    def count(self, fate: dict[str, Any]) -> None:
        self.n += 1
        self.quoted += fate["quoted"]
        self.won += fate["won"]

    def out(self, name: str, key: str) -> dict[str, Any]:
        return {
            name: key,
            "inquiries": self.n,
            "quoted": self.quoted,
            "won": self.won,
            "quoted_value": _values(self.value),
            "won_value": _values(self.won_value),
        }


def _rows(groups: dict[str, _Row], name: str) -> list[dict[str, Any]]:
    return [g.out(name, k) for k, g in sorted(groups.items(), key=lambda kv: (-kv[1].n, kv[0]))]


def figures(
    inquiries: list[Inquiry],
    chats: list[ChatSession],
    period: Period,
    filters: Filters,
    cats: Mapping[str, str],
) -> dict[str, Any]:
    """The order figures of one period, in the service's shape."""
    cohort = [i for i in inquiries if _in_cohort(i, period, filters, cats)]
    fates = {i.id: _fate(i) for i in cohort}
    quoted = sum(f["quoted"] for f in fates.values())
    won = sum(f["won"] for f in fates.values())
    expired = sum(f["expired"] for f in fates.values())
    after = sum(f["after_approval"] for f in fates.values())
    pipeline: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for inquiry in cohort:
        for q in inquiry.quotes:
            pipeline[(q.status, q.currency)][0] += 1
            pipeline[(q.status, q.currency)][1] += q.total
    markets: dict[str, _Row] = defaultdict(_Row)
    languages: dict[str, _Row] = defaultdict(_Row)
    categories: dict[str, _Row] = defaultdict(_Row)
    skus: dict[str, _Row] = defaultdict(_Row)
    buckets: dict[str, int] = defaultdict(int)
    bands: dict[str, _Row] = defaultdict(_Row)
    for inquiry in cohort:
        fate = fates[inquiry.id]
        latest = fate["latest"]
        for groups, key in ((markets, inquiry.destination_country or "unknown"),
                            (languages, inquiry.language or "unknown")):  # fmt: skip
            groups[key].count(fate)
            if latest is not None:
                groups[key].value[latest.currency] += latest.total
                if fate["won"]:
                    groups[key].won_value[latest.currency] += latest.total
        own = {cats.get(i.sku or "", "unknown") for i in inquiry.items}
        for category in own:
            categories[category].count(fate)
        for sku in {i.sku for i in inquiry.items if i.sku}:
            skus[sku].count(fate)
        if latest is not None:
            for line in latest.lines:
                category = cats.get(line.sku or "", "unknown")
                if category in own:
                    categories[category].value[latest.currency] += line.amount
                    if fate["won"]:
                        categories[category].won_value[latest.currency] += line.amount
        score = inquiry.lead_score
        if score is None:
            buckets["unscored"] += 1
        else:
            low = min(score // 10, 9) * 10
            buckets["90-100" if low == 90 else f"{low}-{low + 9}"] += 1
        bands[_band(score)].count(fate)

    funnel = {
        "chats": None,
        "rfqs_started": None,
        "rfqs_submitted": len(cohort),
        "quoted": quoted,
        "quoted_at_once": quoted - after,
        "quoted_after_approval": after,
        "won": won,
        "rejected": sum(f["rejected"] for f in fates.values()),
        "expired": expired,
        "open": quoted - won - expired,
    }
    if not filters.beyond_language:
        funnel["chats"] = sum(
            1
            for c in chats
            if period.start_at <= c.created_at < period.end_at
            and (filters.language is None or c.language == filters.language)
        )
    to_won = [
        (f["won_at"] - i.created_at).total_seconds() / 86400
        for i in cohort
        if (f := fates[i.id])["won_at"] is not None
    ]
    names = [f"{b}-{b + 9}" for b in range(0, 90, 10)] + ["90-100", "unscored"]
    return {
        "funnel": funnel,
        "quote_hit_rate": _ratio(won, quoted),
        "pipeline": [
            {"status": s, "currency": c, "quotes": n, "value": _money(v)}
            for (s, c), (n, v) in sorted(pipeline.items())
        ],
        "won_value": _values({c: v for (s, c), (_, v) in pipeline.items() if s == "accepted"}),
        "median_days_to_won": statistics.median(to_won) if to_won else None,
        "rfq_to_quote_sent": _summary(
            [
                (f["first_sent"] - i.created_at).total_seconds()
                for i in cohort
                if (f := fates[i.id])["first_sent"] is not None
            ]
        ),
        "approval_wait": {
            **_summary([w for i in cohort for w in _waits(i)]),
            "waiting_now": sum(n for (s, _), (n, _) in pipeline.items() if s == "pending_approval"),
        },
        "lead_score": {
            "distribution": [{"range": b, "inquiries": buckets.get(b, 0)} for b in names],
            "bands": [
                {
                    "band": name,
                    "inquiries": bands[name].n,
                    "quoted": bands[name].quoted,
                    "won": bands[name].won,
                    "win_rate": _ratio(bands[name].won, bands[name].n),
                    "hit_rate": _ratio(bands[name].won, bands[name].quoted),
                }
                for name in ("hot", "warm", "cold", "unscored")
            ],
        },
        "markets": _rows(markets, "market"),
        "languages": _rows(languages, "language"),
        "categories": _rows(categories, "category"),
        "products": [
            {
                "sku": r["sku"],
                "inquiries": r["inquiries"],
                "quoted": r["quoted"],
                "won": r["won"],
                "category": cats.get(r["sku"], "unknown"),
            }
            for r in _rows(skus, "sku")[:20]
        ],
    }


def of_service(figures_: dict[str, Any]) -> dict[str, Any]:
    """The same keys picked from the service's figures of one period."""
    times = figures_["response_times"]
    keys = ("funnel", "quote_hit_rate", "pipeline", "won_value", "median_days_to_won",
            "lead_score", "markets", "languages", "categories", "products")  # fmt: skip
    return {
        **{k: figures_[k] for k in keys},
        "rfq_to_quote_sent": times["rfq_to_quote_sent"],
        "approval_wait": times["approval_wait"],
    }


def top_gaps(
    gaps: list[Any], period: Period, language: str | None, limit: int
) -> list[dict[str, Any]]:
    """The period's knowledge gaps per language the straightforward way: every gap read in
    (created_at, id) order and grouped by its trimmed, case-folded text here."""
    rows = sorted(
        (g for g in gaps if period.start_at <= g.created_at < period.end_at
         and (language is None or g.language == language)),
        key=lambda g: (g.created_at, g.id),
    )  # fmt: skip
    grouped: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for g in rows:
        text = " ".join(str(g.question).split())
        first = {"question": text, "asked": 0, "sessions": [], "last_asked": g.created_at}
        entry = grouped[g.language or "unknown"].setdefault(text.casefold(), first)
        entry["asked"] += 1
        entry["last_asked"] = max(entry["last_asked"], g.created_at)
        if g.session_id and g.session_id not in entry["sessions"]:
            entry["sessions"].append(g.session_id)
    totals = {lang: sum(e["asked"] for e in entries.values()) for lang, entries in grouped.items()}
    out = []
    for lang in sorted(grouped, key=lambda lang: (-totals[lang], lang)):
        entries = sorted(grouped[lang].values(), key=lambda e: (-e["asked"], e["question"]))
        out.append(
            {
                "language": lang,
                "asked": totals[lang],
                "questions": [
                    {**e, "sessions": e["sessions"][:10], "last_asked": e["last_asked"].isoformat()}
                    for e in entries[:limit]
                ],
            }
        )
    return out


def _first_reply(handoff: Any, messages: list[Any]) -> Any:
    after = [
        m.created_at
        for m in messages
        if m.session_id == handoff.session_id
        and m.role == "agent"
        and m.created_at >= handoff.requested_at
    ]
    return min(after, default=None)


def _of_period(handoffs: list[Any], sessions: list[Any], period: Period, language: str | None):
    """The period's handoffs (with the chat language filter), in the order asked, with their
    chat's language."""
    languages = {s.id: s.language for s in sessions}
    return sorted(
        (
            (h, languages.get(h.session_id))
            for h in handoffs
            if period.start_at <= h.requested_at < period.end_at
            and (language is None or languages.get(h.session_id) == language)
        ),
        key=lambda hl: (hl[0].requested_at, hl[0].id),
    )


def handoff_figures(
    handoffs: list[Any],
    messages: list[Any],
    sessions: list[Any],
    period: Period,
    language: str | None,
    sla_s: float,
) -> dict[str, Any]:
    """``response_times.handoff_to_first_rep_reply`` the straightforward way: every handoff of
    the period, its first rep reply looked up in the messages, inside office hours read from
    its JSON summary."""
    rows = []
    for h, _ in _of_period(handoffs, sessions, period, language):
        reply = _first_reply(h, messages)
        took = None if reply is None else (reply - h.requested_at).total_seconds()
        rows.append(((h.summary or {}).get("inside_hours") is True, took))
    inside = [t for i, t in rows if i]
    answered = [t for _, t in rows if t is not None]
    within = sum(1 for t in inside if t is not None and t <= sla_s)
    inside_requested = sum(1 for i, _ in rows if i)

    def group(values: list[Any], requested: int) -> dict[str, Any]:
        return {**_summary([t for t in values if t is not None]), "requested": requested}

    return {
        **group(answered, len(rows)),
        "unanswered": len(rows) - len(answered),
        "inside_hours": group(inside, inside_requested),
        "outside_hours": group([t for i, t in rows if not i], len(rows) - inside_requested),
        "sla_s": sla_s,
        "within_sla": within,
        "within_sla_rate": _ratio(within, inside_requested),
    }


def abandoned_rfqs(
    handoffs: list[Any],
    sessions: list[Any],
    inquiries: list[Any],
    period: Period,
    language: str | None,
    limit: int,
) -> dict[str, Any]:
    """``abandoned_rfqs`` the straightforward way: the period's handoffs in chats no inquiry
    came from whose JSON summary's RFQ gives an e-mail or a phone, one per chat (in the order
    first asked, as its last such handoff gives them)."""
    with_inquiry = {i.session_id for i in inquiries if i.session_id}
    out: dict[str, dict[str, Any]] = {}
    for h, chat_language in _of_period(handoffs, sessions, period, language):
        rfq = (h.summary or {}).get("rfq")
        if h.session_id in with_inquiry or not isinstance(rfq, dict):
            continue
        given = {k: str(rfq[k]) for k in ("email", "phone") if rfq.get(k)}
        if not given:
            continue

        text = {k: None if rfq.get(k) in (None, "") else str(rfq[k]) for k in
                ("contact_name", "company", "product", "quantity")}  # fmt: skip
        out[h.session_id] = {
            "session_id": h.session_id,
            "asked_at": h.requested_at.isoformat(),
            "language": chat_language,
            "contact_name": text["contact_name"],
            "company": text["company"],
            "email": given.get("email"),
            "phone": given.get("phone"),
            "product": text["product"],
            "quantity": text["quantity"],
        }
    items = list(out.values())
    return {"count": None, "known": len(items), "items": items[:limit]}
