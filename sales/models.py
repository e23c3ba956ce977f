"""The order database: chat sessions and their transcript, inquiries, quotes, the outbox."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# BIGINT primary keys on PostgreSQL, INTEGER (the rowid alias) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")
Money = Numeric(18, 4)
Quantity = Numeric(18, 3)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ChatMode(enum.StrEnum):
    BOT = "bot"
    WAITING_FOR_AGENT = "waiting_for_agent"
    AGENT = "agent"


class Role(enum.StrEnum):
    BUYER = "buyer"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


class InquiryStatus(enum.StrEnum):
    NEW = "new"
    QUOTED = "quoted"
    PENDING_APPROVAL = "pending_approval"
    HANDED_OFF = "handed_off"
    WON = "won"
    LOST = "lost"
    SPAM = "spam"


class QuoteStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # an event not fanned out yet; a delivery not made yet
    PUBLISHED = "published"  # an event: fanned out to its channels
    SENT = "sent"  # a delivery
    DEAD = "dead"  # a delivery that will not be retried


class ChatSession(Base):
    __tablename__ = "chat_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))
    # locale | detected | requested (i18n/session_language.py)
    language_source: Mapped[str | None] = mapped_column(String(16))
    page_url: Mapped[str | None] = mapped_column(String(2048))
    mode: Mapped[str] = mapped_column(String(24), default=ChatMode.BOT.value)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    messages: Mapped[list[ChatMessage]] = relationship(
        back_populates="session", order_by="ChatMessage.seq", cascade="all, delete-orphan"
    )


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        UniqueConstraint("session_id", "client_message_id", name="uq_chat_messages_client_id"),
        # the replay job's query (sales/conversations.py, sessions_with_unhandled), every few
        # seconds on every instance: only the few messages the engine has not answered
        Index(
            "ix_chat_messages_unhandled",
            "created_at",
            postgresql_where=text("handled IS false"),
            sqlite_where=text("handled IS 0"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    buttons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    payload: Mapped[str | None] = mapped_column(String(512))
    author: Mapped[str | None] = mapped_column(String(128))
    # Buyer messages only: whether the engine has processed it (False while the engine is down).
    handled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Buyer messages: the id the client gave it (a repeat returns the first answer).
    client_message_id: Mapped[str | None] = mapped_column(String(64))
    # Buyer messages: engine attempts that failed while the engine was up (sales/replay.py), and
    # why the last one failed once it was given up (handled then, no longer kept).
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failure: Mapped[str | None] = mapped_column(String(200))
    # Bot messages: the seq of the buyer message they answer.
    reply_to: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    session: Mapped[ChatSession] = relationship(back_populates="messages")


class ReferenceCounter(Base):
    """Gapless per-year counters for RFQ-/Q- references (the row lock serialises writers)."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Inquiry(Base):
    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    status: Mapped[str] = mapped_column(String(24), default=InquiryStatus.NEW.value, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("chat_sessions.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str | None] = mapped_column(String(8))
    company: Mapped[str | None] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    buyer_country: Mapped[str | None] = mapped_column(String(2))
    business_type: Mapped[str | None] = mapped_column(String(24))
    destination_country: Mapped[str | None] = mapped_column(String(2))
    destination_place: Mapped[str | None] = mapped_column(String(120))
    # the named place of an Incoterm at origin (EXW, FCA, FAS, FOB): "FOB Shenzhen"
    incoterm_place: Mapped[str | None] = mapped_column(String(120))
    incoterm: Mapped[str | None] = mapped_column(String(3))
    required_by: Mapped[date | None] = mapped_column(Date)
    payment_terms: Mapped[str | None] = mapped_column(String(8))
    sample_requested: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text, default="")
    lead_score: Mapped[int | None] = mapped_column(Integer)

    items: Mapped[list[InquiryItem]] = relationship(
        back_populates="inquiry", order_by="InquiryItem.position", cascade="all, delete-orphan"
    )
    quotes: Mapped[list[Quote]] = relationship(back_populates="inquiry", order_by="Quote.id")


class InquiryItem(Base):
    __tablename__ = "inquiry_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    # None: the buyer could not say yet; a person quotes it once it is known
    quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(16), default="pcs")
    target_price_amount: Mapped[Decimal | None] = mapped_column(Money)
    target_price_currency: Mapped[str | None] = mapped_column(String(3))
    certifications: Mapped[list[str]] = mapped_column(JSON, default=list)

    inquiry: Mapped[Inquiry] = relationship(back_populates="items")


class Quote(Base):
    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(24), default=QuoteStatus.DRAFT.value, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    incoterm: Mapped[str | None] = mapped_column(String(3))
    place: Mapped[str | None] = mapped_column(String(120))
    payment_terms: Mapped[str | None] = mapped_column(String(8))
    valid_until: Mapped[date] = mapped_column(Date)
    margin_pct: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    total: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Why the quote is out of policy: [{"code", "message", "line_no"}]; empty when in policy.
    policy_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # A buyer's target price is below our floor: a person negotiates (see sales.quotes).
    needs_negotiation: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the pricing engine said beyond lines/charges/total (breakdown, dates, shipment,
    # line descriptions, charge labels), so the PDF is rebuilt exactly as priced.
    pricing: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    inquiry: Mapped[Inquiry] = relationship(back_populates="quotes")
    lines: Mapped[list[QuoteLine]] = relationship(
        back_populates="quote", order_by="QuoteLine.position", cascade="all, delete-orphan"
    )
    charges: Mapped[list[QuoteCharge]] = relationship(
        back_populates="quote", order_by="QuoteCharge.id", cascade="all, delete-orphan"
    )
    approvals: Mapped[list[QuoteApproval]] = relationship(
        back_populates="quote", order_by="QuoteApproval.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[QuoteEvent]] = relationship(
        back_populates="quote", order_by="QuoteEvent.id", cascade="all, delete-orphan"
    )


class QuoteLine(Base):
    __tablename__ = "quote_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(16))
    unit_price: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)

    quote: Mapped[Quote] = relationship(back_populates="lines")


class QuoteCharge(Base):
    __tablename__ = "quote_charges"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(Money)
    estimate: Mapped[bool] = mapped_column(Boolean, default=False)

    quote: Mapped[Quote] = relationship(back_populates="charges")


class QuoteApproval(Base):
    __tablename__ = "quote_approvals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"))
    by: Mapped[str] = mapped_column(String(128))
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    quote: Mapped[Quote] = relationship(back_populates="approvals")


class OutboxMessage(Base):
    """A domain event (``inquiry.created``, ``quote.sent``...), written in the same transaction
    as the business change. The outbox worker fans it out to every channel subscribed to its
    topic (one :class:`OutboxDelivery` each); ``status`` is ``pending`` until then, then
    ``published``."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(64))
    # Messages with the same ordering key are delivered in id order (one Slack thread, say).
    ordering_key: Mapped[str | None] = mapped_column(String(128), index=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OutboxSubscription(Base):
    """A channel (``slack``; email or a dashboard later) that receives the events of a topic."""

    __tablename__ = "outbox_subscriptions"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutboxDelivery(Base):
    """One event on its way to one channel: retried, dead or sent independently of the
    event's other channels."""

    __tablename__ = "outbox_deliveries"
    __table_args__ = (
        UniqueConstraint("message_id", "channel"),
        Index("ix_outbox_deliveries_due", "channel", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(32))
    # the event's ordering key, copied: a channel's deliveries of one key go out in order
    ordering_key: Mapped[str | None] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the in-flight marker: the attempt delivering the row now (None between attempts), and
    # when the last attempt started (kept after one that did not succeed: it may have posted)
    sending_id: Mapped[str | None] = mapped_column(String(32))
    sending_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def question_key(question: str) -> str:
    """A knowledge gap's question as the dashboard groups it: trimmed, its inner whitespace one
    space, case-folded (rewordings are not merged)."""
    return " ".join(question.split()).casefold()


def _question_key_default(context: DefaultExecutionContext) -> str:
    return question_key(context.get_current_parameters()["question"])


class KnowledgeGap(Base):
    """A buyer question the knowledge base could not answer with confidence."""

    __tablename__ = "knowledge_gaps"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    question: Mapped[str] = mapped_column(Text)
    # question_key(question): set with the question (an insert without it: the default)
    question_key: Mapped[str] = mapped_column(Text, default=_question_key_default)
    language: Mapped[str | None] = mapped_column(String(8))
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("chat_sessions.id", ondelete="SET NULL"), index=True
    )
    best_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    best_source: Mapped[str | None] = mapped_column(String(300))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    @validates("question")
    def _keyed(self, _name: str, question: str) -> str:
        self.question_key = question_key(question)
        return question


class HandoffStatus(enum.StrEnum):
    REQUESTED = "requested"  # waiting for a rep
    TAKEN = "taken"  # a rep has the conversation
    TIMED_OUT = "timed_out"  # nobody came in time; the buyer was asked for a callback
    CLOSED = "closed"  # handed back to the bot (or the callback captured)


class Handoff(Base):
    """One request for a person in a chat session, and what became of it."""

    __tablename__ = "handoffs"
    __table_args__ = (
        # the dashboard's possible abandoned RFQs of a period (sales/kpi/sessions.py)
        Index(
            "ix_handoffs_abandoned",
            "requested_at",
            postgresql_where=text("rfq_contact AND NOT has_inquiry"),
            sqlite_where=text("rfq_contact = 1 AND has_inquiry = 0"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("chat_sessions.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(32))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(
        String(16), default=HandoffStatus.REQUESTED.value, index=True
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rep_id: Mapped[str | None] = mapped_column(String(32))
    rep_name: Mapped[str | None] = mapped_column(String(128))
    timed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    callback_request: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # kept by sales/kpi/replies.py: the first rep message in the chat at or after requested_at;
    # the summary's inside_hours is true; its RFQ gives an e-mail or phone; the chat led to an
    # inquiry
    first_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    inside_hours: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    rfq_contact: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    has_inquiry: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SlackThread(Base):
    """The Slack thread of a chat session: buyer messages go there, rep replies come back."""

    __tablename__ = "slack_threads"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("chat_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SlackPost(Base):
    """A message we posted to Slack for an outbox row (so a retried row never posts twice)
    and where it is (so buttons can update it later)."""

    __tablename__ = "slack_posts"
    __table_args__ = (Index("ix_slack_posts_kind_ref", "kind", "ref"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SlackEvent(Base):
    """Slack event ids already acted on: Slack's retries (X-Slack-Retry-Num) never act twice."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class QuoteEvent(Base):
    """The audit trail of a quote: every status change, who made it, when and why."""

    __tablename__ = "quote_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")

    quote: Mapped[Quote] = relationship(back_populates="events")


class StaffRole(enum.StrEnum):
    """A staff user's role on the web (the sales manager's dashboard); see sales/staff/roles.py
    for what each may do and how the staff API's token identities map onto them."""

    VIEWER = "viewer"
    REP = "rep"
    APPROVER = "approver"
    ADMIN = "admin"


class StaffUser(Base):
    """A person who signs in to the staff web pages (/staff/): an argon2 password hash, a role,
    and the failed sign-ins that lock the account for a while."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # stored lower-case: one account per address whatever the case typed
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(16), default=StaffRole.VIEWER.value)
    password_hash: Mapped[str] = mapped_column(String(256))
    # failed sign-ins since window_started_at; at the limit, locked until locked_until
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    failed_window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StaffSession(Base):
    """A signed-in browser: the cookie carries a random token, only its SHA-256 is stored, so
    signing out (deleting the row) ends it everywhere at once. ``csrf_token`` is the session's
    synchronizer token, sent back in every form."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class MailSuppression(Base):
    """An address that gets no more mail from us (sales/mail): the buyer unsubscribed, or a
    mail to it bounced for good. Keyed by the SHA-256 of the address in lower case, so the list
    keeps working after the buyer's data is erased and names nobody by itself."""

    __tablename__ = "mail_suppressions"

    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(16))  # unsubscribed | bounced
    # the server's answer to a bounce (code and text), or how the buyer unsubscribed
    detail: Mapped[str] = mapped_column(Text, default="")
    # the inquiry whose mail bounced or carried the unsubscribe link, if known
    reference: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MailSend(Base):
    """A mail the email channel handed to the SMTP server for an outbox event, or decided not
    to send (``status`` skipped: no address, unsubscribed, bounced): a retried event finds it
    here and never sends again. ``message_id`` is derived from the event's key."""

    __tablename__ = "mail_sends"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    message_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(32), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))  # sent | skipped
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MailInboundSeen(Base):
    """A message the replies mailbox poller (IMAP) handled: the folder, its UIDVALIDITY and the
    message's UID, and its Message-ID, with what became of it (``status`` as the inbound
    webhook's answer, or ``too_large``). A message found here is only moved away, never handled
    again. No address or text of the buyer is kept."""

    __tablename__ = "mail_inbound_seen"
    __table_args__ = (UniqueConstraint("mailbox", "uid_validity", "uid"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    mailbox: Mapped[str] = mapped_column(String(255))
    uid_validity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    status: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RfqDraft(Base):
    """A request for quotation in progress whose buyer gave an email address in the form: enough
    to follow it up by mail if it is left half-way (``sales/rfq_drafts.py``): the address, the
    language and what was asked for (products and quantities, no other personal data). Deleted
    when the inquiry is written, and by an erasure with its chat session."""

    __tablename__ = "rfq_drafts"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("chat_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(320))
    language: Mapped[str | None] = mapped_column(String(8))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, index=True
    )


# What the sales manager's figures (sales/kpi) read by: an inquiry's items and quotes, a quote's
# lines (migration 0b6d2f4e8a17).
Index("ix_inquiry_items_inquiry_id", InquiryItem.inquiry_id)
Index("ix_quotes_inquiry_id", Quote.inquiry_id)
Index("ix_quote_lines_quote_id", QuoteLine.quote_id)
# ... a handoff's first rep reply, the period's chat sessions (migration 4c8e2a6f1d93)
Index(
    "ix_chat_messages_agent_replies",
    ChatMessage.session_id,
    ChatMessage.created_at,
    postgresql_where=text("role = 'agent'"),
    sqlite_where=text("role = 'agent'"),
)
Index("ix_chat_sessions_created_at", ChatSession.created_at)


# -- the sales manager's figures, kept (sales/kpi/facts.py) -------------------------------------
# Rows derived from inquiries, items, quotes, their lines and events, rewritten for an inquiry in
# the transaction that changes any of them (an ORM flush hook) and backfilled by migration
# e4b7d2a9c631, so the dashboard reads a few narrow indexed rows per inquiry instead of
# recomputing every inquiry's history. Every column is defined where it is written.


class KpiInquiryFact(Base):
    """One row per inquiry: its filter dimensions and what became of its quotes; the buckets
    of its durations to the first quote sent and to won (sales/kpi/histograms.py)."""

    __tablename__ = "kpi_inquiry_facts"
    __table_args__ = (
        # a long period's percentiles read the durations of one bucket (sales/kpi/histograms.py)
        Index("ix_kpi_inquiry_facts_sent_bucket", "sent_bucket", "created_at",
              postgresql_include=["first_sent_at"],
              postgresql_where=text("sent_bucket IS NOT NULL")),
        Index("ix_kpi_inquiry_facts_won_bucket", "won_bucket", "created_at",
              postgresql_include=["won_at"], postgresql_where=text("won_bucket IS NOT NULL")),
    )  # fmt: skip

    inquiry_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("inquiries.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    market: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str | None] = mapped_column(String(8))
    business_type: Mapped[str | None] = mapped_column(String(24))
    lead_score: Mapped[int | None] = mapped_column(Integer)
    first_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    won_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quoted: Mapped[int] = mapped_column(Integer)
    won: Mapped[int] = mapped_column(Integer)
    after_approval: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    expired: Mapped[int] = mapped_column(Integer)
    latest_sent: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    total: Mapped[Decimal | None] = mapped_column(Money)
    sent_bucket: Mapped[int | None] = mapped_column(SmallInteger)
    won_bucket: Mapped[int | None] = mapped_column(SmallInteger)


class KpiInquirySku(Base):
    """An inquiry's distinct item SKUs ('' for an item without one)."""

    __tablename__ = "kpi_inquiry_skus"

    inquiry_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("inquiries.id", ondelete="CASCADE"), primary_key=True
    )
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class KpiLineValue(Base):
    """The inquiry's latest sent quote's line amounts summed per SKU ('' for none)."""

    __tablename__ = "kpi_line_values"

    inquiry_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("inquiries.id", ondelete="CASCADE"), primary_key=True
    )
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)


class KpiQuoteFact(Base):
    """A quote's status, currency and total, beside its inquiry's creation time."""

    __tablename__ = "kpi_quote_facts"

    quote_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("quotes.id", ondelete="CASCADE"), primary_key=True
    )
    inquiry_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[str] = mapped_column(String(24))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Money)


class KpiApprovalWait(Base):
    """An approver's decision (approved or rejected) on a pending quote: when the quote was
    (last) submitted for approval and when it was decided, beside the inquiry's creation."""

    __tablename__ = "kpi_approval_waits"
    __table_args__ = (
        Index("ix_kpi_approval_waits_bucket", "bucket", "created_at",
              postgresql_include=["submitted_at", "decided_at"]),
    )  # fmt: skip

    event_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("quote_events.id", ondelete="CASCADE"), primary_key=True
    )
    inquiry_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    bucket: Mapped[int] = mapped_column(SmallInteger)  # of the wait (sales/kpi/histograms.py)


class KpiSkuCategory(Base):
    """The price book's SKU -> category mapping the kept category figures were written with
    (sales/kpi/rollups.py: a changed book rewrites them)."""

    __tablename__ = "kpi_sku_categories"

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    category: Mapped[str] = mapped_column(String(64))


class KpiDaily(Base):
    """The additive figures of one UTC day's inquiries (by their creation day), per breakdown
    (``kind``: market, language, bucket, category, category_value, sku, pipeline), key and
    currency ('' for none): sums of the kept facts (sales/kpi/rollups.py), so a period's
    figures are a sum over its days. ``value`` / ``won_value`` are NULL where no row had one."""

    __tablename__ = "kpi_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    quoted: Mapped[int] = mapped_column(Integer)
    won: Mapped[int] = mapped_column(Integer)
    after_approval: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    expired: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal | None] = mapped_column(Money)
    won_value: Mapped[Decimal | None] = mapped_column(Money)


class KpiMonthly(Base):
    """``kpi_daily``'s rows summed per calendar month (``month``: its first day), rewritten
    with its days (sales/kpi/rollups.py): a period reads its whole months here and its other
    days there."""

    __tablename__ = "kpi_monthly"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    quoted: Mapped[int] = mapped_column(Integer)
    won: Mapped[int] = mapped_column(Integer)
    after_approval: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    expired: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal | None] = mapped_column(Money)
    won_value: Mapped[Decimal | None] = mapped_column(Money)
