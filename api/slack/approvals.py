"""Approve or reject a quote from Slack: the decision goes through ``sales.quotes`` (whose
conditional updates let exactly one of two racing reps win), the buyer hears of it in the
widget, and the Slack message is redrawn with who decided and when."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from api.chat.gateway import ChatGateway
from api.slack import blocks
from api.slack import threads as slack_threads
from api.slack.approvers import Approvers
from api.slack.delivery import load_quote, quote_summary
from api.slack.records import QuoteSummary
from i18n import t
from sales import conversations, inquiries
from sales.db import Database
from sales.models import ChatSession, Inquiry, Role, utcnow
from sales.quotes.records import describe_for_buyer

log = logging.getLogger(__name__)


async def buyer_language(db: AsyncSession, inquiry: Inquiry) -> str | None:
    """The language of the buyer's chat (it may have changed since the inquiry was sent)."""
    session = await db.get(ChatSession, inquiry.session_id) if inquiry.session_id else None
    return (session.language if session else None) or inquiry.language


class NotAllowed(PermissionError):
    pass


class AlreadyDecided(RuntimeError):
    pass


class UnknownQuote(LookupError):
    pass


@dataclass(frozen=True)
class Decision:
    quote: QuoteSummary
    decision: str  # "approved" | "rejected"
    by: str  # Slack user id
    note: str


class QuoteApprovals:
    def __init__(
        self,
        *,
        db: Database,
        client: AsyncWebClient,
        gateway: ChatGateway,
        approvers: Approvers,
        pdf_link: Callable[[str], str] | None = None,
    ) -> None:
        self.db = db
        self.client = client
        self.gateway = gateway
        self.approvers = approvers
        self.pdf_link = pdf_link  # a signed link to a quote's PDF for the buyer

    async def check(self, user_id: str) -> None:
        if not await self.approvers.allowed(user_id):
            raise NotAllowed(user_id)

    async def decide(
        self, *, reference: str, decision: str, user_id: str, user_name: str, note: str = ""
    ) -> Decision:
        """Raises NotAllowed, UnknownQuote or AlreadyDecided (with the reason readable)."""
        from sales import quotes  # written by the quotes work; imported when used

        await self.check(user_id)
        decide = quotes.approve if decision == "approved" else quotes.reject
        now = utcnow()
        async with self.db.session() as db:
            try:
                await decide(
                    db, reference=reference, by=f"{user_name} ({user_id})", note=note, now=now
                )
            except quotes.QuoteNotFound as exc:
                raise UnknownQuote(str(exc)) from exc
            except quotes.QuoteConflict as exc:
                raise AlreadyDecided(str(exc)) from exc
            summary = await quote_summary(db, reference)
        assert summary is not None
        result = Decision(summary, decision, user_id, note)
        await self._tell_buyer(result)
        return result

    async def _tell_buyer(self, decision: Decision) -> None:
        """The buyer hears of the decision in the chat, in the chat session's language."""
        async with self.db.session() as db:
            inquiry = await inquiries.get(db, decision.quote.inquiry)
            if inquiry is None or inquiry.session_id is None:
                return
            language = await buyer_language(db, inquiry)
            if decision.decision == "approved":
                text = await self._approved_text(db, decision, inquiry, language)
                role = Role.BOT
            else:
                text = t("quotes.rejected_by_rep", language, inquiry=inquiry.reference)
                role = Role.SYSTEM
            messages = await conversations.append(
                db, session_id=inquiry.session_id, role=role, texts=[(text, [])]
            )
        await self.gateway.publish(inquiry.session_id, messages)

    async def _approved_text(
        self, db: AsyncSession, decision: Decision, inquiry: Inquiry, language: str | None
    ) -> str:
        """The approved quote as the buyer's offer (total, terms, validity) and its PDF link."""
        reference = decision.quote.reference
        short = t("quotes.approved_short", language, quote=reference, inquiry=inquiry.reference)
        loaded = await load_quote(db, reference)
        if loaded is None:
            return short
        try:
            offer = describe_for_buyer(loaded[0], language=language)
            link = self.pdf_link(reference) if self.pdf_link is not None else None
        except Exception:
            log.exception("quote description for the buyer failed; a short note instead")
            return short
        text = f"{t('quotes.approved', language)}\n{offer}"
        if link:
            text += "\n" + t("quotes.pdf_line", language, link=link)
        return text

    async def redraw(self, decision: Decision, *, channel: str, ts: str) -> None:
        """chat.update the message the decision was made on (and the quote's own message)."""
        note = (
            f"{':white_check_mark:' if decision.decision == 'approved' else ':x:'} quote "
            f"{decision.quote.reference} *{decision.decision}* by <@{decision.by}> on "
            f"{blocks.stamp(utcnow())}"
            + (f": {blocks.escape(decision.note)}" if decision.note else "")
        )
        targets = {(channel, ts)}
        async with self.db.session() as db:
            post = await slack_threads.latest_post(db, kind="quote", ref=decision.quote.reference)
            inquiry_post = await slack_threads.latest_post(
                db, kind="inquiry", ref=decision.quote.inquiry
            )
            inquiry = await inquiries.get(db, decision.quote.inquiry)
            record = inquiries.to_record(inquiry) if inquiry else None
        if post is not None:
            targets.add((post.channel, post.ts))
        if inquiry_post is not None:
            targets.add((inquiry_post.channel, inquiry_post.ts))
        for target_channel, target_ts in targets:
            if (
                record is not None
                and inquiry_post is not None
                and ((target_channel, target_ts) == (inquiry_post.channel, inquiry_post.ts))
            ):
                message = blocks.inquiry_message(record, decision.quote)
                new_blocks = [*message.blocks, blocks.context(note)]
            else:
                message = blocks.quote_decided_message(
                    decision.quote,
                    decision=decision.decision,
                    by=decision.by,
                    at=utcnow(),
                    note=decision.note,
                )
                new_blocks = message.blocks
            async with self.db.session() as db:
                await slack_threads.queue_message_update(
                    db, channel=target_channel, ts=target_ts, text=message.text, blocks=new_blocks
                )
