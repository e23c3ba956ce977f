"""The weekly digest's Slack message (``kpi.weekly_digest``, sales/kpi/digest.py): the week's
figures, each with the week before, and its most asked unanswered questions. A pure function of
the event's payload; buyers' questions are escaped like any buyer text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from api.slack.blocks import Block, Message, context, escape, language_label

NONE = "–"


def duration(seconds: float | None) -> str:
    """``45 min``, ``3 h 20 min``, ``2.5 days``; a dash for none."""
    if seconds is None:
        return NONE
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{seconds / 86400:.1f} days"


def percent(rate: float | None) -> str:
    return NONE if rate is None else f"{rate * 100:.0f}%"


def values(sums: Sequence[Mapping[str, str]]) -> str:
    """Sums per currency (never converted): ``USD 1,000.00 + EUR 20.00``."""
    if not sums:
        return "0"
    return " + ".join(f"{s['currency']} {Decimal(s['value']):,.2f}" for s in sums)


def count(value: int | None) -> str:
    return NONE if value is None else f"{value:,}"


# (label, the figure's key, how it is written)
FIGURES: tuple[tuple[str, str, Any], ...] = (
    ("Chats", "chats", count),
    ("RFQs submitted", "rfqs_submitted", count),
    ("Quoted", "quoted", count),
    ("Won", "won", count),
    ("Quote hit rate", "quote_hit_rate", percent),
    ("Won value", "won_value", values),
    ("RFQ to quote sent (median)", "rfq_to_quote_sent_median_s", duration),
    ("First rep reply (median)", "handoff_reply_median_s", duration),
)


def _period_text(period: Mapping[str, str]) -> str:
    start = date.fromisoformat(period["from"])
    last = date.fromordinal(date.fromisoformat(period["to"]).toordinal() - 1)
    return f"{start:%a %d %b} – {last:%a %d %b %Y}"


def digest_message(payload: Mapping[str, Any]) -> Message:
    week = escape(str(payload["week"]))
    now, before = payload["figures"], payload["previous"]
    title = f"Weekly sales digest {week} ({_period_text(payload['period'])}, UTC)"
    fields = [
        {
            "type": "mrkdwn",
            "text": f"*{label}*\n{show(now[key])}  _(week before: {show(before[key])})_",
        }
        for label, key, show in FIGURES
    ]
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "fields": fields[:10]},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": (
                    f"Rejected at approval: {count(now['rejected'])} · expired: "
                    f"{count(now['expired'])} · waiting for approval now: "
                    f"{count(now['waiting_approval'])} · first replies within the office-hours "
                    f"SLA: {percent(now['handoff_within_sla_rate'])}"
                ),
            },
        },
    ]
    gaps = payload.get("top_gaps") or []
    if gaps:
        lines = [
            f"{n}. {escape(g['question'])} ({language_label(g['language'])}): asked "
            f"{g['asked']}× in {g['chats']} chat{'s' if g['chats'] != 1 else ''}"
            for n, g in enumerate(gaps, 1)
        ]
        text = (
            f"*Questions we could not answer* ({payload.get('gaps_asked', 0)} asked this week; "
            "the most asked):\n" + "\n".join(lines)
        )
    else:
        text = "*Questions we could not answer*: none this week."
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}})
    blocks.append(
        context(
            "A week's RFQs are the inquiries created in it, with what became of them when "
            "this digest was written; the dashboard (/staff/) has every figure."
        )
    )
    fallback = (
        f"Weekly sales digest {week}: {count(now['rfqs_submitted'])} RFQs, "
        f"{count(now['quoted'])} quoted, {count(now['won'])} won "
        f"(hit rate {percent(now['quote_hit_rate'])})"
    )
    return Message(text=fallback, blocks=blocks)
