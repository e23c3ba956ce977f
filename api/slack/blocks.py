"""Block Kit builders: pure functions from plain data to ``(text, blocks)``.

``text`` is the notification fallback; ``blocks`` is what Slack shows. Buyer-provided text is
escaped (``&``, ``<``, ``>``) in both, so it can never ping a channel or forge a link: Slack
reads ``text`` as mrkdwn too (and shows it in notifications).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from babel import Locale

from api.slack.ids import (
    REJECT_NOTE_ACTION,
    ActionId,
    BlockId,
    QuoteRef,
    SessionRef,
    ViewId,
)
from api.slack.records import QuoteSummary

Block = dict[str, Any]
MAX_SECTION = 2900  # Slack allows 3000 characters in a section's text


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[Block]


def escape(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int = MAX_SECTION) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text)}}


def _fields(pairs: Iterable[tuple[str, str]]) -> Block:
    return {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": _clip(f"*{k}*\n{v}", 1900)} for k, v in pairs][:10],
    }


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _clip(text)}]}


def _button(
    text: str, action: ActionId, value: str, style: str | None = None, confirm: Block | None = None
) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action.value,
        "value": value,
    }
    if style:
        button["style"] = style
    if confirm:
        button["confirm"] = confirm
    return button


def _actions(buttons: Sequence[Block], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(buttons)}
    if block_id:
        block["block_id"] = block_id
    return block


def stamp(moment: datetime) -> str:
    """A Slack date token: every reader sees it in their own time zone."""
    epoch = int(moment.timestamp())
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{epoch}^{{date_short_pretty}} {{time}}|{fallback}>"


def money(amount: Decimal | None, currency: str | None) -> str:
    if amount is None or not currency:
        return "–"
    return f"{currency} {amount:,.2f}"


def language_label(code: str | None) -> str:
    """The buyer's language for the rep: "Spanish (es)", "Chinese (zh)"; "–" when unknown."""
    if not code:
        return "–"
    primary = code.replace("_", "-").split("-")[0].lower()
    name = Locale.parse("en").languages.get(primary)
    return f"{name} ({escape(primary)})" if name else escape(code)


def _qty(value: Any) -> str:
    if value is None:
        return "? (to be confirmed)"
    number = Decimal(str(value))
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,}"


# -- inquiries -----------------------------------------------------------------------------


def inquiry_value(record: dict[str, Any]) -> tuple[Decimal, str] | None:
    """The order value at the buyer's target prices (when every item has one, same currency)."""
    total = Decimal(0)
    currency: str | None = None
    for item in record.get("items") or []:
        target = item.get("target_price")
        if not target or item.get("quantity") is None:
            return None
        if currency and target["currency"] != currency:
            return None
        currency = target["currency"]
        total += Decimal(target["amount"]) * Decimal(str(item["quantity"]))
    return (total, currency) if currency else None


def inquiry_flags(record: dict[str, Any], quote: QuoteSummary | None) -> list[str]:
    flags = []
    buyer = record.get("buyer") or {}
    if quote and quote.status == "pending_approval":
        flags.append(":warning: quote waits for approval")
    if quote and quote.needs_negotiation:
        flags.append(":handshake: target price below our floor")
    if quote:
        flags.extend(f":no_entry: {escape(reason)}" for reason in quote.policy_reasons)
    if record.get("sample_requested"):
        flags.append(":package: sample requested")
    if not buyer.get("company"):
        flags.append("no company name")
    if not buyer.get("phone"):
        flags.append("no phone")
    if record.get("required_by"):
        flags.append(f"needed by {record['required_by']}")
    return flags


def _items_text(record: dict[str, Any]) -> str:
    lines = []
    for item in (record.get("items") or [])[:10]:
        what = escape(item.get("sku") or item.get("description"))
        line = f"• {_qty(item['quantity'])} {escape(item.get('unit') or 'pcs')} {what}"
        target = item.get("target_price")
        if target:
            line += f" @ target {target['currency']} {target['amount']}"
        if item.get("certifications"):
            line += f" ({', '.join(escape(c) for c in item['certifications'])})"
        lines.append(line)
    return "\n".join(lines) or "–"


def _buyer_text(buyer: dict[str, Any]) -> str:
    parts = [buyer.get("company"), buyer.get("contact_name"), buyer.get("email")]
    return escape(" · ".join(p for p in parts if p)) or "unknown"


def quote_buttons(
    quote: QuoteSummary, *, channel: str | None = None, ts: str | None = None
) -> list[Block]:
    ref = QuoteRef(quote=quote.reference, channel=channel, ts=ts).encode()
    buttons = [_button("View quote", ActionId.VIEW_QUOTE, ref)]
    if quote.status == "pending_approval":
        buttons.append(_button("Approve", ActionId.APPROVE_QUOTE, ref, style="primary"))
        buttons.append(_button("Reject", ActionId.REJECT_QUOTE, ref, style="danger"))
    return buttons


def inquiry_message(record: dict[str, Any], quote: QuoteSummary | None = None) -> Message:
    reference = record["reference"]
    buyer = record.get("buyer") or {}
    value = inquiry_value(record)
    value_text = money(*value) if value else "–"
    if quote:
        value_text = f"{money(quote.total, quote.currency)} (quote {quote.reference})"
    score = record.get("lead_score")
    flags = inquiry_flags(record, quote)
    blocks: list[Block] = [
        _section(f":incoming_envelope: *New inquiry {reference}*"),
        _fields(
            [
                ("Buyer", _buyer_text(buyer)),
                ("Country", escape(buyer.get("country")) or "–"),
                ("Value", value_text),
                ("Lead score", f"{score}/100" if score is not None else "–"),
                ("Language", language_label(record.get("language"))),
                (
                    "Destination",
                    escape(
                        " ".join(
                            filter(
                                None,
                                [
                                    (record.get("destination") or {}).get("place"),
                                    (record.get("destination") or {}).get("country"),
                                ],
                            )
                        )
                    )
                    or "–",
                ),
                (
                    "Terms",
                    escape(
                        " · ".join(
                            filter(None, [record.get("incoterm"), record.get("payment_terms")])
                        )
                    )
                    or "–",
                ),
            ]
        ),
        _section(f"*Items*\n{_items_text(record)}"),
    ]
    if flags:
        blocks.append(context(" · ".join(flags)))
    buttons: list[Block] = []
    if record.get("session_id"):
        buttons.append(
            _button(
                "Take over",
                ActionId.TAKE_OVER,
                SessionRef(session_id=record["session_id"]).encode(),
            )
        )
    if quote:
        buttons.extend(quote_buttons(quote))
    if buttons:
        blocks.append(_actions(buttons, block_id=f"inquiry:{reference}"))
    who = escape(buyer.get("company") or buyer.get("email")) or "a buyer"
    return Message(text=f"New inquiry {reference} from {who}", blocks=blocks)


def inquiry_detail(record: dict[str, Any]) -> Message:
    """`/rfq <reference>`: the inquiry, without buttons (an ephemeral answer)."""
    message = inquiry_message(record)
    blocks = [b for b in message.blocks if b["type"] != "actions"]
    blocks[0] = _section(f":mag: *Inquiry {record['reference']}* · {escape(record.get('status'))}")
    if record.get("quotes"):
        blocks.append(context("Quotes: " + ", ".join(record["quotes"])))
    return Message(text=f"Inquiry {record['reference']}", blocks=blocks)


def inquiry_list(records: Sequence[dict[str, Any]]) -> Message:
    if not records:
        return Message(text="No inquiries yet.", blocks=[_section("No inquiries yet.")])
    lines = []
    for record in records:
        buyer = record.get("buyer") or {}
        items = record.get("items") or []
        first = items[0] if items else {}
        what = escape(first.get("sku") or first.get("description") or "")
        lines.append(
            f"• *{record['reference']}* · {escape(record.get('status'))} · {_buyer_text(buyer)} · "
            f"{_qty(first.get('quantity', 0))} {what}"
            + (f" · score {record['lead_score']}" if record.get("lead_score") is not None else "")
        )
    return Message(
        text=f"Latest {len(records)} inquiries",
        blocks=[
            _section("*Latest inquiries*"),
            _section("\n".join(lines)),
            context("`/rfq RFQ-YYYY-NNNNNN` shows one inquiry"),
        ],
    )


# -- quotes --------------------------------------------------------------------------------


def quote_fields(quote: QuoteSummary) -> list[tuple[str, str]]:
    return [
        ("Total", money(quote.total, quote.currency)),
        ("Terms", escape(" ".join(filter(None, [quote.incoterm, quote.place]))) or "–"),
        ("Valid until", quote.valid_until.isoformat() if quote.valid_until else "–"),
        ("Margin", f"{quote.margin_pct} %" if quote.margin_pct is not None else "–"),
    ]


def quote_approval_message(
    quote: QuoteSummary, *, channel: str | None = None, ts: str | None = None
) -> Message:
    reasons = [f"• {escape(r)}" for r in quote.policy_reasons]
    if quote.needs_negotiation:
        reasons.append("• the buyer's target price is below our floor")
    blocks: list[Block] = [
        _section(
            f":memo: *Quote {quote.reference}* for inquiry {quote.inquiry} "
            "needs approval before it goes to the buyer"
        ),
        _fields(quote_fields(quote)),
    ]
    if reasons:
        blocks.append(_section("*Why*\n" + "\n".join(reasons)))
    blocks.append(
        _actions(quote_buttons(quote, channel=channel, ts=ts), block_id=f"quote:{quote.reference}")
    )
    return Message(text=f"Quote {quote.reference} needs approval", blocks=blocks)


def quote_decided_message(
    quote: QuoteSummary, *, decision: str, by: str, at: datetime, note: str = ""
) -> Message:
    """The approval message after the decision: who decided and when, no more buttons."""
    icon = ":white_check_mark:" if decision == "approved" else ":x:"
    blocks: list[Block] = [
        _section(f":memo: *Quote {quote.reference}* for inquiry {quote.inquiry}"),
        _fields(quote_fields(quote)),
        _section(
            f"{icon} *{decision.capitalize()}* by <@{by}> on {stamp(at)}"
            + (f"\n>{escape(note)}" if note else "")
        ),
    ]
    return Message(text=f"Quote {quote.reference} {decision} by <@{by}>", blocks=blocks)


def quote_status_message(quote: QuoteSummary, event: str) -> Message:
    """A quote went out or was accepted."""
    icon = ":tada:" if event == "accepted" else ":outbox_tray:"
    total = money(quote.total, quote.currency)
    text = f"{icon} Quote *{quote.reference}* ({total}) for inquiry {quote.inquiry} was {event}"
    return Message(text=f"Quote {quote.reference} {event}", blocks=[_section(text)])


def quote_modal(quote: QuoteSummary) -> Block:
    lines = (
        "\n".join(
            f"• {_qty(line.quantity)} {escape(line.unit)} {escape(line.sku or '')} @ "
            f"{money(line.unit_price, quote.currency)} = {money(line.amount, quote.currency)}"
            for line in quote.lines
        )
        or "–"
    )
    blocks: list[Block] = [
        _section(f"*Quote {quote.reference}* · {quote.status} · inquiry {quote.inquiry}"),
        _fields(quote_fields(quote)),
        _section(f"*Lines*\n{lines}"),
    ]
    for approval in quote.approvals:
        blocks.append(
            context(
                f"{approval['decision']} by {escape(approval['by'])} {escape(approval['note'])}"
            )
        )
    return {
        "type": "modal",
        "callback_id": ViewId.QUOTE.value,
        "title": {"type": "plain_text", "text": "Quote"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": blocks,
    }


def reject_modal(ref: QuoteRef) -> Block:
    return {
        "type": "modal",
        "callback_id": ViewId.REJECT_QUOTE.value,
        "private_metadata": ref.encode(),
        "title": {"type": "plain_text", "text": "Reject quote"},
        "submit": {"type": "plain_text", "text": "Reject"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _section(
                f"Reject quote *{ref.quote}*? The buyer is told a colleague will be in touch."
            ),
            {
                "type": "input",
                "block_id": BlockId.REJECT_NOTE.value,
                "label": {"type": "plain_text", "text": "Why (kept with the quote)"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": REJECT_NOTE_ACTION,
                    "multiline": True,
                    "max_length": 1000,
                },
            },
        ],
    }


# -- handoff -------------------------------------------------------------------------------


def handoff_message(
    *,
    session_id: str,
    reason: str,
    summary: dict[str, Any],
    outside_hours: str | None = None,
    language: str | None = None,
) -> Message:
    who = escape(summary.get("who")) or "A buyer"
    wants = escape(summary.get("wants")) or "–"
    rfq = summary.get("rfq") or {}
    known = "\n".join(f"• {escape(str(k))}: {escape(str(v))}" for k, v in rfq.items() if v) or "–"
    turns = (
        "\n".join(
            f"> *{escape(t.get('role'))}*: {escape(t.get('text'))[:300]}"
            for t in summary.get("last_turns") or []
        )
        or "–"
    )
    blocks: list[Block] = [
        _section(f":raising_hand: *{who} would like to talk to a person*"),
        _fields(
            [("Why", escape(reason)), ("Wants", wants), ("Language", language_label(language))]
        ),
        _section(f"*Known so far*\n{known}"),
        _section(f"*Last turns*\n{turns}"),
    ]
    if outside_hours:
        blocks.append(
            context(f":zzz: outside office hours; the buyer was told {escape(outside_hours)}")
        )
    blocks.append(context("Reply in this thread to talk to the buyer once you have taken over."))
    blocks.append(
        _actions(
            [
                _button(
                    "Take over",
                    ActionId.TAKE_OVER,
                    SessionRef(session_id=session_id).encode(),
                    style="primary",
                )
            ],
            block_id=f"handoff:{session_id}",
        )
    )
    return Message(text=f"{who} would like to talk to a person ({escape(reason)})", blocks=blocks)


def after_action(message_blocks: Sequence[Block], *, drop: set[str], note: str) -> list[Block]:
    """A posted message's blocks without the buttons in ``drop``, with a note (who, when)."""
    kept: list[Block] = []
    for block in message_blocks:
        if block.get("type") == "actions":
            elements = [e for e in block.get("elements", []) if e.get("action_id") not in drop]
            if not elements:
                continue
            block = {**block, "elements": elements}
        kept.append(block)
    return [*kept, context(note)]


_LINK = re.compile(r"<(?P<url>[^|>]+)(?:\|(?P<label>[^>]+))?>")


def from_mrkdwn(text: str) -> str:
    """A Slack message as plain text for the buyer (links spelled out, entities decoded)."""

    def link(match: re.Match[str]) -> str:
        url, label = match["url"], match["label"]
        if url.startswith(("@", "#", "!")):
            return label or ""
        return f"{label} ({url})" if label and label != url else url

    plain = _LINK.sub(link, text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def taken_over_notice(*, rep_id: str, session_id: str) -> Message:
    return Message(
        text=f"<@{rep_id}> has taken over this conversation",
        blocks=[
            _section(
                f":wave: <@{rep_id}> has taken over. Replies from <@{rep_id}> in this thread go to "
                "the buyer; the buyer's messages appear here."
            ),
            _actions(
                [
                    _button(
                        "Hand back to the assistant",
                        ActionId.HAND_BACK,
                        SessionRef(session_id=session_id).encode(),
                    )
                ],
                block_id=f"agent:{session_id}",
            ),
        ],
    )


def handed_back_notice(*, rep_id: str, at: datetime) -> Message:
    return Message(
        text="Handed back to the assistant",
        blocks=[
            _section(
                f":robot_face: <@{rep_id}> handed the conversation back to the assistant "
                f"on {stamp(at)}"
            )
        ],
    )


def buyer_message(text: str, *, name: str | None = None, note: str | None = None) -> Message:
    who = escape(name) or "Buyer"
    body = f"*{who}:* {escape(text)}"
    blocks = [_section(body)]
    if note:
        blocks.append(context(escape(note)))
    return Message(text=_clip(f"{who}: {escape(text)}", 3000), blocks=blocks)


def timeout_notice(*, minutes: int) -> Message:
    return Message(
        text="Nobody took over in time",
        blocks=[
            _section(
                f":hourglass: Nobody took over within {minutes} min; the buyer was asked "
                "when and how to call back."
            )
        ],
    )


# -- knowledge base ------------------------------------------------------------------------


def kb_answer(question: str, hits: Sequence[Any]) -> Message:
    if not hits:
        return Message(
            text="Nothing found",
            blocks=[_section(f"Nothing in the knowledge base for _{escape(question)}_.")],
        )
    blocks: list[Block] = [_section(f":books: *{escape(question)}*")]
    for hit in hits:
        blocks.append(_section(escape(hit.text)[:900]))
        blocks.append(context(f"{escape(hit.source)} · score {hit.score:.2f}"))
    return Message(text=f"{len(hits)} knowledge base results", blocks=blocks[:50])
