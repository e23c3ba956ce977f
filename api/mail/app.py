"""The email channel assembled at start-up when ``SMTP_URL`` is set: the SMTP sender, the
sender identity, the unsubscribe links, the outbox worker of the ``email`` channel (which
subscribes to its events only then: without SMTP_URL no mail is queued for anyone), the hourly
pass that writes the reminders of quotes about to expire, the pass every minute that writes
the digests of a rep's replies a buyer has not answered, and the pass that writes the follow-ups
of requests for quotation left half-way. Apart from it, when ``IMAP_URL`` is set, the watcher of
the replies mailbox (``build_reply_watcher``: IDLE where the server offers it, else polling)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from api.housekeeping import Periodic
from api.mail.inbound import reply_addresses
from api.settings import Settings
from sales.db import Database
from sales.mail.abandoned import enqueue_abandoned_rfqs
from sales.mail.channel import CHANNEL, Backoff, MailChannel, MailIdentity
from sales.mail.config import SmtpConfig, parse_sender
from sales.mail.digests import enqueue_agent_digests
from sales.mail.dkim_signing import DkimSigner
from sales.mail.mailbox import ImapMailbox
from sales.mail.reminders import enqueue_expiry_reminders
from sales.mail.sender import SmtpSender
from sales.mail.suppressions import UnsubscribeSigner
from sales.mail.watching import ReplyWatcher
from sales.models import utcnow
from sales.outbox_worker import OutboxWorker, RetryPolicy
from sales.pricing import PriceBook

log = logging.getLogger("api.mail")


def unsubscribe_signer(settings: Settings) -> UnsubscribeSigner:
    """The one maker and checker of unsubscribe links (the mails, the page)."""
    return UnsubscribeSigner(settings.buyer_base_url, settings.quote_link_secret.get_secret_value())


def dkim_signer(settings: Settings) -> DkimSigner | None:
    """DKIM for MAIL_FROM's domain, when MAIL_DKIM_SELECTOR and MAIL_DKIM_KEY_FILE are set."""
    if not (settings.mail_dkim_selector and settings.mail_dkim_key_file and settings.mail_from):
        return None
    domain = parse_sender(settings.mail_from).domain
    return DkimSigner.from_file(domain, settings.mail_dkim_selector, settings.mail_dkim_key_file)


def smtp_config(settings: Settings) -> SmtpConfig:
    assert settings.smtp_url is not None
    return SmtpConfig.parse(
        settings.smtp_url.get_secret_value(),
        ca_file=settings.smtp_ca_file,
        timeout_s=settings.smtp_timeout_s,
    )


REMINDER_INTERVAL_S = 3600.0
DIGEST_INTERVAL_S = 60.0
ABANDONED_INTERVAL_S = 600.0


@dataclass
class MailIntegration:
    channel: MailChannel
    worker: OutboxWorker
    db: Database
    reminder_days: int = 0
    digest_after_s: float = 0.0
    abandoned_after_s: float = 0.0
    jobs: list[Periodic] = field(default_factory=list)

    async def remind(self) -> list[str]:
        """One pass of the expiry reminders (the quotes reminded of)."""
        async with self.db.session() as session:
            written = await enqueue_expiry_reminders(
                session, today=utcnow().date(), days_before=self.reminder_days
            )
        if written:
            log.info("quote expiry reminders queued", extra={"count": len(written)})
            self.worker.wake()
        return written

    async def digest(self) -> list[str]:
        """One pass of the rep-reply digests (their events' keys)."""
        async with self.db.session() as session:
            written = await enqueue_agent_digests(
                session, now=utcnow(), after_s=self.digest_after_s
            )
        if written:
            log.info("rep reply digests queued", extra={"count": len(written)})
            self.worker.wake()
        return written

    async def follow_up(self) -> list[str]:
        """One pass of the abandoned-RFQ follow-ups (their sessions)."""
        async with self.db.session() as session:
            written = await enqueue_abandoned_rfqs(
                session, now=utcnow(), after_s=self.abandoned_after_s
            )
        if written:
            log.info("abandoned RFQ follow-ups queued", extra={"count": len(written)})
            self.worker.wake()
        return written

    def start(self) -> None:
        self.worker.start()
        if self.reminder_days > 0:
            self.jobs.append(Periodic("mail-quote-reminders", REMINDER_INTERVAL_S, self.remind))
        if self.digest_after_s > 0:
            interval = min(DIGEST_INTERVAL_S, self.digest_after_s)
            self.jobs.append(Periodic("mail-agent-digests", interval, self.digest))
        if self.abandoned_after_s > 0:
            interval = min(ABANDONED_INTERVAL_S, self.abandoned_after_s)
            self.jobs.append(Periodic("mail-abandoned-rfqs", interval, self.follow_up))
        for job in self.jobs:
            job.start()

    async def stop(self) -> None:
        for job in self.jobs:
            await job.stop()
        self.jobs.clear()
        await self.worker.stop()


def build_mail(
    settings: Settings, *, db: Database, price_book: PriceBook | None
) -> MailIntegration | None:
    if not settings.mail_enabled:
        log.info("email disabled (SMTP_URL unset)")
        return None
    assert settings.mail_from is not None  # the settings refuse SMTP_URL without it
    if "quote_link_secret" not in settings.model_fields_set:
        log.warning("QUOTE_LINK_SECRET unset: unsubscribe links in mails stop working at restart")
    config = smtp_config(settings)
    identity = MailIdentity(
        sender=parse_sender(settings.mail_from),
        reply_to=parse_sender(settings.mail_reply_to) if settings.mail_reply_to else None,
        company=settings.company_name,
        unsubscribe=unsubscribe_signer(settings),
        replies=reply_addresses(settings),
        dkim=dkim_signer(settings),
    )
    channel = MailChannel(
        db,
        SmtpSender(config),
        identity,
        price_book=price_book,
        backoff=Backoff(base_s=settings.outbox_backoff_base_s, max_s=settings.outbox_backoff_max_s),
    )
    worker = OutboxWorker(
        db,
        channel.handlers(),
        channel=CHANNEL,
        policy=RetryPolicy(
            max_attempts=settings.outbox_max_attempts,
            base_s=settings.outbox_backoff_base_s,
            max_s=settings.outbox_backoff_max_s,
        ),
        poll_s=settings.outbox_poll_s,
        # longer than one mail can take: connect, TLS, login and send, each with its timeout
        in_flight_s=max(120.0, settings.smtp_timeout_s * 5),
        secrets=settings.smtp_secrets,
    )
    log.info("email enabled", extra={"smtp_host": config.host, "smtp_port": config.port})
    return MailIntegration(
        channel=channel,
        worker=worker,
        db=db,
        reminder_days=settings.mail_quote_reminder_days,
        digest_after_s=settings.mail_digest_after_s,
        abandoned_after_s=settings.mail_abandoned_after_s,
    )


def build_reply_watcher(settings: Settings, *, db: Database) -> ReplyWatcher | None:
    """The replies mailbox's watcher, when ``IMAP_URL`` is set (independent of ``SMTP_URL``):
    IDLE where the server offers it and ``MAIL_IMAP_IDLE`` is on, a pass at least every
    ``MAIL_IMAP_POLL_S``; reconnects with a backoff up to ``MAIL_IMAP_POLL_S``."""
    if settings.imap_url is None:
        return None
    config = settings.imap_config
    log.info(
        "replies mailbox configured",
        extra={
            "imap_host": config.host,
            "imap_port": config.port,
            "idle": settings.mail_imap_idle,
            "every_s": settings.mail_imap_poll_s,
        },
    )
    return ReplyWatcher(
        db,
        lambda: ImapMailbox(config),
        reply_addresses(settings),
        poll_s=settings.mail_imap_poll_s,
        idle=settings.mail_imap_idle,
    )
