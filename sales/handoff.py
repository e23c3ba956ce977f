"""Handoff of a chat to a person and back: the session's mode, the handoff record, the notes
to the buyer and the events for the sales staff's channels (``handoff.*`` in the outbox).

Modes: ``bot`` -> ``waiting_for_agent`` (:func:`request_handoff`) -> ``agent``
(:func:`take_over`) -> ``bot`` (:func:`hand_back`). Every change is a conditional UPDATE of
the session's mode, so two reps clicking "Take over" at once cannot both win, and a handoff
requested twice is requested once. Each change and its transcript note and outbox row commit
together; WebSocket pushes (mode and messages) follow the commit, through the publisher given
to :func:`configure` (the app's broker).
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from i18n import DEFAULT_LANGUAGE, language_of, t
from i18n.formatting import babel
from sales import conversations, events, outbox
from sales.models import (
    ChatMessage,
    ChatMode,
    ChatSession,
    Handoff,
    HandoffStatus,
    Inquiry,
    Role,
    utcnow,
)
from sales.office_hours import OfficeHours

log = logging.getLogger(__name__)

LAST_TURNS = 8

# (session_id, new mode or None, messages): pushes to the buyer's WebSockets; the app gives one
# built on its broker and api.chat.gateway.message_event.
Publisher = Callable[[str, str | None, Sequence[ChatMessage]], Awaitable[None]]


class HandoffReason(enum.StrEnum):
    BUYER_ASKED = "buyer_asked"
    VALIDATION_FAILED = "validation_failed"
    PRICE_BELOW_FLOOR = "price_below_floor"
    OUT_OF_POLICY = "out_of_policy"
    LOW_CONFIDENCE = "low_confidence"
    NEGOTIATION = "negotiation"
    REP_INITIATED = "rep_initiated"


REASON_TEXT = {
    HandoffReason.NEGOTIATION: "the buyer wants to negotiate the price or terms",
    HandoffReason.BUYER_ASKED: "the buyer asked for a person",
    HandoffReason.VALIDATION_FAILED: "the buyer's answers failed validation three times",
    HandoffReason.PRICE_BELOW_FLOOR: "target price below our floor",
    HandoffReason.OUT_OF_POLICY: "the quote is out of policy",
    HandoffReason.LOW_CONFIDENCE: "the assistant could not answer with confidence",
    HandoffReason.REP_INITIATED: "a rep joined on their own",
}


_PERSON = re.compile(
    r"person|human|agent|someone|somebody|sales ?(?:rep|team|person|manager)|representative|"
    r"colleague|manager|operator|speak|talk|call me|phone me|contact me|real people|"
    r"人工|客服|真人|销售|persona|humano|agente|asesor|hablar|llamar|mensch|mitarbeiter|"
    r"sprechen|berater|anrufen|pessoa|atendente|falar|humain|conseiller|parler|appeler",
    re.I,
)


def wants_a_person(text: str) -> bool:
    """Whether a typed message really asks for a person (the classifier can take a long RFQ
    answer for one); a clicked "Talk to a person" button always does."""
    return text.startswith("/") or bool(_PERSON.search(text))


def reason_text(reason: str) -> str:
    try:
        return REASON_TEXT[HandoffReason(reason)]
    except ValueError:
        return reason.replace("_", " ")


@dataclass(frozen=True)
class HandoffConfig:
    hours: OfficeHours = field(
        default_factory=lambda: OfficeHours.parse("Mon-Fri 08:30-17:30", "Asia/Shanghai")
    )
    timeout_s: float = 300.0
    publisher: Publisher | None = None
    # a staff channel (Slack's sales channel) where a rep can take the chat; without one the
    # bot keeps answering and the buyer is told that sales will write
    staffed: bool = True
    # the exporter's name in the notes to the buyer ("Mei from Lumora sales has joined")
    company: str = "Lumora"


_config = HandoffConfig()


def configure(config: HandoffConfig) -> None:
    global _config
    _config = config


def reset() -> None:
    configure(HandoffConfig())


def current_config() -> HandoffConfig:
    return _config


class AlreadyTaken(RuntimeError):
    """Another rep has the conversation."""

    def __init__(self, rep_id: str | None, rep_name: str | None) -> None:
        super().__init__(f"{rep_name or 'another rep'} already has this conversation")
        self.rep_id = rep_id
        self.rep_name = rep_name


class NotHandedOff(RuntimeError):
    """There is nothing to hand back (the bot has the conversation)."""


class SessionGone(LookupError):
    pass


@dataclass
class Outcome:
    session_id: str
    mode: str
    changed: bool
    messages: list[ChatMessage] = field(default_factory=list)
    handoff: Handoff | None = None


# -- texts ---------------------------------------------------------------------------------
# The notes to the buyer are written into the transcript in the chat session's language
# (messages in the catalog's ``handoff`` area; weekday names from babel).

# A person negotiates: the note says so before asking for a colleague.
NEGOTIATING = frozenset({HandoffReason.NEGOTIATION, HandoffReason.PRICE_BELOW_FLOOR})


def _days(language: str, width: str) -> Mapping[int, str]:
    return babel(language).days["format"][width]


def _day_runs(days: frozenset[int], language: str) -> str:
    names = _days(language, "abbreviated")
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return "/".join(
        names[run[0]]
        if len(run) == 1
        else t("handoff.day_range", language, first=names[run[0]], last=names[run[-1]])
        for run in runs
    )


def describe_hours(hours: OfficeHours, language: str | None) -> str:
    """The office hours in the buyer's language: "Mon-Fri 08:30-17:30" (en),
    "Mo.–Fr. 08:30–17:30 Uhr" (de)."""
    lang = language_of(language)
    return ", ".join(
        t(
            "handoff.hours_span",
            lang,
            days=_day_runs(span.days, lang),
            start=f"{span.start:%H:%M}",
            end=f"{span.end:%H:%M}",
        )
        for span in hours.spans
    )


def describe_opening(hours: OfficeHours, now: datetime, language: str | None) -> str:
    """When sales opens next, in the buyer's language: "tomorrow at 08:30 (Asia/Shanghai time;
    00:30 UTC)", "morgen um 08:30 Uhr (Ortszeit Asia/Shanghai; 00:30 Uhr UTC)"."""
    lang = language_of(language)
    opening = hours.next_opening(now).astimezone(hours.tz)
    local_now = now.astimezone(hours.tz)
    time = f"{opening:%H:%M}"
    if opening.date() == local_now.date():
        when = t("handoff.today_at", lang, time=time)
    elif opening.date() == (local_now + timedelta(days=1)).date():
        when = t("handoff.tomorrow_at", lang, time=time)
    else:
        day = _days(lang, "wide")[opening.weekday()]
        when = t("handoff.weekday_at", lang, day=day, time=time)
    utc = opening.astimezone(UTC)
    return t("handoff.opening", lang, when=when, zone=hours.tz.key, utc=f"{utc:%H:%M}")


def asked_text(
    hours: OfficeHours,
    now: datetime,
    language: str | None = DEFAULT_LANGUAGE,
    reason: str | None = None,
    *,
    company: str | None = None,
) -> str:
    """The note that a colleague is asked to join (and, outside office hours, when sales
    answers); a buyer who wants to negotiate hears first that a person agrees prices.
    ``company``: the configured one (:class:`HandoffConfig`) unless given."""
    company = company or _config.company
    if hours.is_open(now):
        text = t("handoff.asked", language, company=company)
    else:
        text = t(
            "handoff.asked_outside_hours",
            language,
            company=company,
            hours=describe_hours(hours, language),
            zone=hours.tz.key,
            opening=describe_opening(hours, now, language),
        )
    if reason in NEGOTIATING:
        text = t("handoff.negotiation", language, asked=text)
    return text


def joined_text(
    rep_name: str | None, language: str | None = DEFAULT_LANGUAGE, *, company: str | None = None
) -> str:
    company = company or _config.company
    if rep_name and rep_name.strip():
        return t("handoff.joined", language, rep=rep_name.strip(), company=company)
    return t("handoff.joined_unnamed", language, company=company)


# -- helpers -------------------------------------------------------------------------------


async def publish(outcome: Outcome) -> None:
    """Push the outcome to the buyer's WebSockets (mode first, then the notes)."""
    if outcome.changed:
        await _push(outcome.session_id, outcome.mode, outcome.messages)


async def _push(session_id: str, mode: str | None, messages: Sequence[ChatMessage]) -> None:
    publisher = _config.publisher
    if publisher is None:
        return
    try:
        await publisher(session_id, mode, messages)
    except Exception:
        log.exception("push to the buyer failed")


async def _switch_mode(
    db: AsyncSession, session_id: str, *, from_modes: Sequence[ChatMode], to: ChatMode
) -> bool:
    result = await db.execute(
        update(ChatSession)
        .where(ChatSession.id == session_id, ChatSession.mode.in_([m.value for m in from_modes]))
        .values(mode=to.value, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def _session(db: AsyncSession, session_id: str) -> ChatSession:
    session = await db.get(ChatSession, session_id, populate_existing=True)
    if session is None:
        raise SessionGone(session_id)
    return session


async def open_handoff(db: AsyncSession, session_id: str) -> Handoff | None:
    """The session's latest handoff that is not closed."""
    result = await db.execute(
        select(Handoff)
        .where(Handoff.session_id == session_id, Handoff.status != HandoffStatus.CLOSED.value)
        .order_by(Handoff.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def _latest_inquiry(db: AsyncSession, session_id: str) -> Inquiry | None:
    from sqlalchemy.orm import selectinload

    result = await db.execute(
        select(Inquiry)
        .options(selectinload(Inquiry.items))
        .where(Inquiry.session_id == session_id)
        .order_by(Inquiry.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def build_summary(
    db: AsyncSession, session_id: str, given: str | Mapping[str, Any] | None
) -> dict[str, Any]:
    """Who, what they want, what is known of the RFQ, and the last turns."""
    summary: dict[str, Any] = {}
    if isinstance(given, Mapping):
        summary.update({k: v for k, v in given.items() if v not in (None, "", [], {})})
    elif given:
        summary["wants"] = str(given)
    inquiry = await _latest_inquiry(db, session_id)
    if inquiry is not None:
        who = " · ".join(p for p in (inquiry.company, inquiry.contact_name, inquiry.email) if p)
        summary.setdefault("who", who or None)
        rfq = dict(summary.get("rfq") or {})
        rfq.setdefault("inquiry", inquiry.reference)
        if inquiry.items:
            item = inquiry.items[0]
            rfq.setdefault("product", item.sku or item.description)
            rfq.setdefault(
                "quantity",
                f"{item.quantity.normalize():f} {item.unit}"
                if item.quantity is not None
                else "to be confirmed",
            )
        rfq.setdefault("email", inquiry.email)
        rfq.setdefault("country", inquiry.buyer_country)
        summary["rfq"] = rfq
    rows = await db.execute(
        select(ChatMessage)
        .where(ChatMessage.session_id == session_id)
        .order_by(ChatMessage.seq.desc())
        .limit(LAST_TURNS)
    )
    summary["last_turns"] = [
        {"role": m.role, "text": m.text[:500], "author": m.author}
        for m in reversed(list(rows.scalars()))
    ]
    summary.setdefault("who", None)
    return summary


# -- the service ---------------------------------------------------------------------------


async def request_handoff(
    db: AsyncSession,
    *,
    session_id: str,
    reason: str,
    summary: str | Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Ask for a person: mode ``waiting_for_agent``, a note to the buyer, a
    ``handoff.requested`` event for the staff's channels.

    A no-op (``changed=False``) when a person is already asked for or has the conversation.
    """
    now = now or utcnow()
    session = await _session(db, session_id)
    if session.mode != ChatMode.BOT.value:
        return Outcome(session_id, session.mode, changed=False)
    if not _config.staffed:
        messages = await conversations.append(
            db,
            session_id=session_id,
            role=Role.SYSTEM,
            texts=[(t("handoff.unstaffed", session.language), [])],
        )
        outcome = Outcome(session_id, session.mode, True, messages)
        log.info("handoff asked, no staff channel", extra={"reason": str(reason)})
        await publish(outcome)
        return outcome
    snapshot = await build_summary(db, session_id, summary)
    if not await _switch_mode(
        db, session_id, from_modes=[ChatMode.BOT], to=ChatMode.WAITING_FOR_AGENT
    ):
        await db.rollback()
        session = await _session(db, session_id)
        return Outcome(session_id, session.mode, changed=False)
    hours = _config.hours
    inside = hours.is_open(now)
    handoff = Handoff(
        session_id=session_id,
        reason=str(reason),
        summary={**snapshot, "inside_hours": inside},
        status=HandoffStatus.REQUESTED.value,
        requested_at=now,
    )
    db.add(handoff)
    await db.flush()
    outbox.enqueue(
        db,
        topic=events.HANDOFF_REQUESTED,
        payload={"handoff_id": handoff.id, "session_id": session_id},
        ordering_key=f"chat:{session_id}",
        dedupe_key=f"{events.HANDOFF_REQUESTED}:{handoff.id}",
    )
    text = asked_text(hours, now, session.language, str(reason))
    if not inside:
        handoff.summary = {**handoff.summary, "told_buyer": hours.describe_next_opening(now)}
    messages = await conversations.append(
        db, session_id=session_id, role=Role.SYSTEM, texts=[(text, [])]
    )
    outcome = Outcome(session_id, ChatMode.WAITING_FOR_AGENT.value, True, messages, handoff)
    log.info("handoff requested", extra={"reason": str(reason), "inside_hours": inside})
    await publish(outcome)
    return outcome


async def take_over(
    db: AsyncSession,
    *,
    session_id: str,
    rep_id: str,
    rep_name: str,
    now: datetime | None = None,
) -> Outcome:
    """A rep takes the conversation: mode ``agent``. Raises :class:`AlreadyTaken` when another
    rep has it; the same rep clicking again changes nothing."""
    now = now or utcnow()
    session = await _session(db, session_id)
    if session.mode == ChatMode.AGENT.value:
        current = await open_handoff(db, session_id)
        if current is not None and current.rep_id == rep_id:
            return Outcome(session_id, session.mode, changed=False, handoff=current)
        raise AlreadyTaken(
            current.rep_id if current else None, current.rep_name if current else None
        )
    if not await _switch_mode(
        db, session_id, from_modes=[ChatMode.BOT, ChatMode.WAITING_FOR_AGENT], to=ChatMode.AGENT
    ):
        await db.rollback()
        current = await open_handoff(db, session_id)
        if current is not None and current.rep_id == rep_id:
            return Outcome(session_id, ChatMode.AGENT.value, changed=False, handoff=current)
        raise AlreadyTaken(
            current.rep_id if current else None, current.rep_name if current else None
        )
    handoff = await open_handoff(db, session_id)
    if handoff is None:
        handoff = Handoff(
            session_id=session_id,
            reason=HandoffReason.REP_INITIATED.value,
            summary={},
            requested_at=now,
        )
        db.add(handoff)
    handoff.status = HandoffStatus.TAKEN.value
    handoff.rep_id = rep_id
    handoff.rep_name = rep_name
    handoff.taken_at = now
    messages = await conversations.append(
        db,
        session_id=session_id,
        role=Role.SYSTEM,
        texts=[(joined_text(rep_name, session.language), [])],
    )
    outcome = Outcome(session_id, ChatMode.AGENT.value, True, messages, handoff)
    log.info("handoff taken over")
    await publish(outcome)
    return outcome


async def hand_back(
    db: AsyncSession, *, session_id: str, rep_id: str | None = None, now: datetime | None = None
) -> Outcome:
    """Back to the bot: mode ``bot`` and a note to the buyer. The caller then lets the engine
    resume (it re-asks the open form question)."""
    now = now or utcnow()
    session = await _session(db, session_id)
    if not await _switch_mode(
        db, session_id, from_modes=[ChatMode.AGENT, ChatMode.WAITING_FOR_AGENT], to=ChatMode.BOT
    ):
        await db.rollback()
        raise NotHandedOff(session_id)
    handoff = await open_handoff(db, session_id)
    if handoff is not None:
        handoff.status = HandoffStatus.CLOSED.value
        handoff.closed_at = now
    messages = await conversations.append(
        db,
        session_id=session_id,
        role=Role.SYSTEM,
        texts=[(t("handoff.back", session.language), [])],
    )
    outcome = Outcome(session_id, ChatMode.BOT.value, True, messages, handoff)
    log.info("handoff handed back")
    await publish(outcome)
    return outcome


async def agent_reply(
    db: AsyncSession, *, session_id: str, rep_id: str, text: str
) -> ChatMessage | None:
    """A rep's thread reply into the buyer's transcript (only from the rep who has it)."""
    session = await _session(db, session_id)
    if session.mode != ChatMode.AGENT.value:
        return None
    handoff = await open_handoff(db, session_id)
    if handoff is None or handoff.rep_id != rep_id:
        return None
    (message,) = await conversations.append(
        db, session_id=session_id, role=Role.AGENT, texts=[(text, [])], author=handoff.rep_name
    )
    await _push(session_id, None, [message])
    return message


def forward_buyer_message(
    db: AsyncSession, *, session_id: str, text: str, note: str | None = None
) -> None:
    """Queue a buyer's message for the staff's channels (Slack: the conversation's thread), in
    the caller's transaction: the gateway commits it with the message itself."""
    payload: dict[str, Any] = {"session_id": session_id, "text": text}
    if note:
        payload["note"] = note
    outbox.enqueue(
        db, topic=events.BUYER_MESSAGE, payload=payload, ordering_key=f"chat:{session_id}"
    )


async def buyer_wrote(db: AsyncSession, *, session_id: str, text: str) -> Outcome:
    """A buyer's message while a person is asked for or has the chat: on its way to the staff;
    after a timeout it is the buyer's answer to "when and how may we call you back?"."""
    session = await _session(db, session_id)
    handoff = await open_handoff(db, session_id)
    if (
        session.mode == ChatMode.WAITING_FOR_AGENT.value
        and handoff is not None
        and handoff.status == HandoffStatus.TIMED_OUT.value
        and handoff.callback_request is None
    ):
        handoff.callback_request = text[:2000]
        handoff.status = HandoffStatus.CLOSED.value
        handoff.closed_at = utcnow()
        outbox.enqueue(
            db,
            topic=events.HANDOFF_UPDATED,
            payload={"handoff_id": handoff.id, "session_id": session_id, "event": "callback"},
            ordering_key=f"chat:{session_id}",
            dedupe_key=f"{events.HANDOFF_UPDATED}:{handoff.id}:callback",
        )
        await _switch_mode(db, session_id, from_modes=[ChatMode.WAITING_FOR_AGENT], to=ChatMode.BOT)
        messages = await conversations.append(
            db,
            session_id=session_id,
            role=Role.BOT,
            texts=[(t("handoff.callback", session.language), [])],
        )
        outcome = Outcome(session_id, ChatMode.BOT.value, True, messages, handoff)
        await publish(outcome)
        return outcome
    return Outcome(session_id, session.mode, changed=False, handoff=handoff)


async def expire_waiting(
    db: AsyncSession, *, now: datetime | None = None, timeout_s: float | None = None
) -> list[Outcome]:
    """Handoffs nobody took within the timeout: the bot apologises and asks when and how to
    call back; the staff's channels are told. Safe on several instances (conditional updates)."""
    now = now or utcnow()
    timeout = _config.timeout_s if timeout_s is None else timeout_s
    cutoff = now - timedelta(seconds=timeout)
    due = await db.execute(
        select(Handoff.id, Handoff.session_id).where(
            Handoff.status == HandoffStatus.REQUESTED.value, Handoff.requested_at <= cutoff
        )
    )
    outcomes = []
    for handoff_id, session_id in list(due.all()):
        won = await db.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.status == HandoffStatus.REQUESTED.value)
            .values(status=HandoffStatus.TIMED_OUT.value, timed_out_at=now)
            .execution_options(synchronize_session=False)
        )
        if won.rowcount != 1:  # type: ignore[attr-defined]
            await db.rollback()
            continue
        outbox.enqueue(
            db,
            topic=events.HANDOFF_UPDATED,
            payload={"handoff_id": handoff_id, "session_id": session_id, "event": "timed_out"},
            ordering_key=f"chat:{session_id}",
            dedupe_key=f"{events.HANDOFF_UPDATED}:{handoff_id}:timed_out",
        )
        session = await _session(db, session_id)
        messages = await conversations.append(
            db,
            session_id=session_id,
            role=Role.BOT,
            texts=[(t("handoff.timeout", session.language), [])],
        )
        outcome = Outcome(session_id, session.mode, True, messages)
        outcomes.append(outcome)
        await publish(outcome)
        log.info("handoff timed out")
    return outcomes
