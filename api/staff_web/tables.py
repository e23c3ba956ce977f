"""The dashboard's tables (each chart's data, with the previous period beside it) and their
CSV. A CSV cell that a spreadsheet would run as a formula (starting with = + - @, or a tab or
carriage return) is made inert with a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

NA = "n/a"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar" (vertical) or "hbar"
    labels: list[str]
    series: list[dict[str, Any]]  # {"label": str, "data": [number | None]}


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    chart: Chart | None = None
    note: str | None = None
    # columns whose cells are chat session ids (space-separated): linked to their transcript
    chat_columns: frozenset[int] = field(default_factory=frozenset)


def inert(cell: str) -> str:
    """A cell no spreadsheet runs: one starting with = + - @ (or tab, CR) gets a leading '."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_text(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([inert(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([inert(c) for c in row])
    return out.getvalue()


def count(value: int | None) -> str:
    return NA if value is None else str(value)


def rate(value: float | None) -> str:
    return NA if value is None else f"{value * 100:.1f}%"


def days(value: float | None) -> str:
    return NA if value is None else f"{value:.1f} d"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return NA
    whole = round(seconds)
    d, rest = divmod(whole, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    if d:
        return f"{d} d {h} h"
    if h:
        return f"{h} h {m:02d} min"
    if m:
        return f"{m} min {s:02d} s"
    return f"{s} s"


def change(now: int | None, before: int | None) -> str:
    if now is None or before is None:
        return NA
    diff = now - before
    return f"{diff:+d}" if diff else "0"


def values(items: Iterable[Mapping[str, str]]) -> str:
    return "; ".join(f"{v['currency']} {v['value']}" for v in items) or "-"


def _by(rows: Iterable[Mapping[str, Any]], key: str) -> dict[Any, Mapping[str, Any]]:
    return {row[key]: row for row in rows}


FUNNEL_LABELS = {
    "chats": "Chats",
    "rfqs_started": "RFQs started",
    "rfqs_submitted": "RFQs submitted",
    "quoted": "Quoted",
    "quoted_at_once": "  quoted at once",
    "quoted_after_approval": "  quoted after approval",
    "won": "Won (accepted)",
    "open": "Open (with the buyer)",
    "expired": "Expired",
    "rejected": "Rejected at approval",
}


def _funnel(now: Mapping[str, Any], before: Mapping[str, Any]) -> Table:
    rows = [
        [label, count(now["funnel"][key]), count(before["funnel"][key]),
         change(now["funnel"][key], before["funnel"][key])]
        for key, label in FUNNEL_LABELS.items()
    ]  # fmt: skip
    main = ("chats", "rfqs_submitted", "quoted", "won")
    return Table(
        "funnel",
        "Funnel",
        ["Step", "This period", "Previous period", "Change"],
        rows,
        Chart(
            "bar",
            [FUNNEL_LABELS[k] for k in main],
            [
                {"label": "This period", "data": [now["funnel"][k] for k in main]},
                {"label": "Previous period", "data": [before["funnel"][k] for k in main]},
            ],
        ),
        note=now["unavailable"].get("funnel.rfqs_started"),
    )


def _steps(now: Mapping[str, Any], before: Mapping[str, Any]) -> Table:
    previous = {(s["from"], s["to"]): s for s in before["funnel_steps"]}
    rows = []
    for step in now["funnel_steps"]:
        old = previous[(step["from"], step["to"])]
        rows.append(
            [
                f"{FUNNEL_LABELS[step['from']]} → {FUNNEL_LABELS[step['to']]}",
                count(step["drop"]),
                rate(step["rate"]),
                rate(old["rate"]),
            ]
        )
    return Table("steps", "Drop at each step", ["Step", "Lost", "Rate", "Previous rate"], rows)


def _headline(now: Mapping[str, Any], before: Mapping[str, Any]) -> Table:
    rows = [
        ["Quote hit rate (won / quoted)", rate(now["quote_hit_rate"]),
         rate(before["quote_hit_rate"])],
        ["Median days, inquiry to won", days(now["median_days_to_won"]),
         days(before["median_days_to_won"])],
        ["Won value", values(now["won_value"]), values(before["won_value"])],
    ]  # fmt: skip
    return Table("headline", "Hit rate and value", ["Figure", "This period", "Previous"], rows)


def _pipeline(now: Mapping[str, Any], before: Mapping[str, Any]) -> Table:
    old = {(p["status"], p["currency"]): p for p in before["pipeline"]}
    rows = []
    for p in now["pipeline"]:
        prev = old.get((p["status"], p["currency"]))
        rows.append(
            [p["status"], p["currency"], str(p["quotes"]), p["value"],
             prev["value"] if prev else "0.00"]
        )  # fmt: skip
    return Table(
        "pipeline",
        "Pipeline value by quote status",
        ["Status", "Currency", "Quotes", "Value", "Previous value"],
        rows,
        Chart(
            "bar",
            [f"{p['status']} ({p['currency']})" for p in now["pipeline"]],
            [{"label": "Value", "data": [float(p["value"]) for p in now["pipeline"]]}],
        ),
    )


def _response_times(now: Mapping[str, Any], before: Mapping[str, Any]) -> Table:
    labels = {
        "rfq_to_quote_sent": "RFQ → quote sent",
        "approval_wait": "Waiting for approval",
        "handoff_to_first_rep_reply": "Handoff → first rep reply",
    }
    rows = []
    for key, label in labels.items():
        cur, old = now["response_times"][key], before["response_times"][key]
        if cur is None:
            rows.append([label, NA, NA, NA, NA])
            continue
        rows.append(
            [label, str(cur["n"]), duration(cur["median"]), duration(cur["p90"]),
             duration(old["median"]) if old else NA]
        )  # fmt: skip
    handoffs = now["response_times"]["handoff_to_first_rep_reply"]
    note = None
    if handoffs is not None:
        note = (
            f"Within office hours, {handoffs['within_sla']} of "
            f"{handoffs['inside_hours']['requested']} handoffs had a rep's reply within the "
            f"SLA of {duration(handoffs['sla_s'])} ({rate(handoffs['within_sla_rate'])}); "
            f"{handoffs['unanswered']} of {handoffs['requested']} got no rep reply. "
            f"{now['response_times']['approval_wait']['waiting_now']} quotes wait for approval now."
        )
    return Table(
        "response_times",
        "Response times",
        ["Measure", "Count", "Median", "p90", "Previous median"],
        rows,
        note=note,
    )


def _bands(now: Mapping[str, Any], before: Mapping[str, Any]) -> Table:
    old = _by(before["lead_score"]["bands"], "band")
    rows = [
        [b["band"], str(b["inquiries"]), str(b["quoted"]), str(b["won"]), rate(b["win_rate"]),
         rate(b["hit_rate"]), rate(old[b["band"]]["win_rate"])]
        for b in now["lead_score"]["bands"]
    ]  # fmt: skip
    bands = now["lead_score"]["bands"]
    return Table(
        "lead_score_bands",
        "Conversion by lead-score band",
        ["Band", "Inquiries", "Quoted", "Won", "Win rate", "Hit rate", "Previous win rate"],
        rows,
        Chart(
            "bar",
            [b["band"] for b in bands],
            [
                {"label": "Inquiries", "data": [b["inquiries"] for b in bands]},
                {"label": "Won", "data": [b["won"] for b in bands]},
            ],
        ),
    )


def _distribution(now: Mapping[str, Any], before: Mapping[str, Any]) -> Table:
    old = _by(before["lead_score"]["distribution"], "range")
    dist = now["lead_score"]["distribution"]
    return Table(
        "lead_score",
        "Lead score distribution",
        ["Score", "Inquiries", "Previous"],
        [[d["range"], str(d["inquiries"]), str(old[d["range"]]["inquiries"])] for d in dist],
        Chart(
            "bar",
            [d["range"] for d in dist],
            [{"label": "Inquiries", "data": [d["inquiries"] for d in dist]}],
        ),
    )


def _grouped(name: str, title: str, key: str, heading: str) -> Callable[..., Table]:
    def build(now: Mapping[str, Any], before: Mapping[str, Any]) -> Table:
        old = _by(before[name], key)
        groups = now[name]
        rows = [
            [g[key], str(g["inquiries"]), str(g["quoted"]), str(g["won"]),
             values(g["quoted_value"]), values(g["won_value"]),
             str(old[g[key]]["inquiries"]) if g[key] in old else "0"]
            for g in groups
        ]  # fmt: skip
        return Table(
            name,
            title,
            [heading, "Inquiries", "Quoted", "Won", "Quoted value", "Won value", "Previous"],
            rows,
            Chart(
                "hbar",
                [g[key] for g in groups],
                [
                    {"label": "Inquiries", "data": [g["inquiries"] for g in groups]},
                    {"label": "Won", "data": [g["won"] for g in groups]},
                ],
            ),
        )

    return build


def _products(now: Mapping[str, Any], before: Mapping[str, Any]) -> Table:
    old = _by(before["products"], "sku")
    rows = [
        [p["sku"], p["category"], str(p["inquiries"]), str(p["quoted"]), str(p["won"]),
         str(old[p["sku"]]["inquiries"]) if p["sku"] in old else "0"]
        for p in now["products"]
    ]  # fmt: skip
    return Table(
        "products",
        "Products (top 20 SKUs)",
        ["SKU", "Category", "Inquiries", "Quoted", "Won", "Previous"],
        rows,
    )


def _gaps(now: Mapping[str, Any], _before: Mapping[str, Any]) -> Table:
    gaps = now["knowledge_gaps"]
    rows = []
    for language in gaps or []:
        for q in language["questions"]:
            rows.append(
                [language["language"], q["question"], str(q["asked"]), " ".join(q["sessions"]),
                 q["last_asked"][:16].replace("T", " ")]
            )  # fmt: skip
    return Table(
        "knowledge_gaps",
        "Knowledge gaps: most asked, per language",
        ["Language", "Question", "Asked", "Chat sessions", "Last asked (UTC)"],
        rows,
        note=now["unavailable"].get("knowledge_gaps"),
        chat_columns=frozenset({3}),
    )


def _abandoned(now: Mapping[str, Any], _before: Mapping[str, Any]) -> Table:
    found = now["abandoned_rfqs"]
    rows = [
        [a["asked_at"][:16].replace("T", " "), a["contact_name"] or "", a["company"] or "",
         a["email"] or "", a["phone"] or "", a["product"] or "", a["quantity"] or "",
         a["session_id"]]
        for a in (found or {}).get("items", [])
    ]  # fmt: skip
    return Table(
        "abandoned_rfqs",
        "Abandoned RFQs (contact given, not submitted)",
        ["Asked for a person (UTC)", "Name", "Company", "Email", "Phone", "Product", "Quantity",
         "Chat session"],
        rows,
        note=now["unavailable"].get("abandoned_rfqs.count"),
        chat_columns=frozenset({7}),
    )  # fmt: skip


BUILDERS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], Table]] = {
    "funnel": _funnel,
    "steps": _steps,
    "headline": _headline,
    "pipeline": _pipeline,
    "response_times": _response_times,
    "lead_score": _distribution,
    "lead_score_bands": _bands,
    "markets": _grouped("markets", "Markets (destination country)", "market", "Market"),
    "languages": _grouped("languages", "Languages", "language", "Language"),
    "categories": _grouped("categories", "Product categories", "category", "Category"),
    "products": _products,
    "knowledge_gaps": _gaps,
    "abandoned_rfqs": _abandoned,
}
TABLES = frozenset(BUILDERS)


def dashboard_tables(figures: Mapping[str, Any]) -> list[Table]:
    return [build(figures, figures["previous"]) for build in BUILDERS.values()]
