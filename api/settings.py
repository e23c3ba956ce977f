"""All configuration, from environment variables (and a `.env` file), per CONTRACTS.md."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.staff.identities import StaffIdentity, parse_staff_tokens

if TYPE_CHECKING:
    from sales.mail.imap_config import ImapConfig

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    # hide_input_in_errors: a malformed SMTP_URL or IMAP_URL must not print its password
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", hide_input_in_errors=True)

    app_host: str = "127.0.0.1"
    app_port: int = 8000
    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    # Engine workers (`rasa run` processes): the launcher starts them on RASA_PORT, RASA_PORT+1,
    # ...; the app sends each conversation to one of them (api/engine.py, worker_for).
    engine_workers: int = Field(default=1, ge=1, le=16)

    database_url: str = f"sqlite:///{ROOT / 'var' / 'exportdesk.db'}"
    tracker_store_url: str = f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
    redis_url: str | None = None

    # Staff identities: `name:scope1+scope2:token` entries (scopes read, approve, admin) or plain
    # tokens (read+approve), comma-separated (api/staff/identities.py).
    staff_api_tokens: SecretStr = SecretStr("")
    # The staff web pages (/staff/, api/staff_web): the first admin, created at start when no
    # staff user exists yet (ignored once one does); a signed-in session lasts this long.
    staff_admin_email: str | None = None
    staff_admin_password: SecretStr | None = None
    staff_session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    action_server_token: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_urlsafe(32))
    )
    rasa_auth_token: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_urlsafe(32)))
    # The engine's input channel (bot/channels/app.py) takes buyer turns only with this secret.
    engine_channel_token: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_urlsafe(32))
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_sales_channel: str | None = None
    # Who may approve or reject quotes in Slack: user ids (comma-separated) and/or a user group.
    slack_approvers: str = ""
    slack_approver_group: str | None = None
    # Handoff to a person: no rep within this time -> the bot offers a call back.
    handoff_timeout_s: float = 300.0
    # The exporter's name in the notes to the buyer ("Mei from Lumora sales has joined the chat").
    company_name: str = "Lumora"
    office_hours: str = "Mon-Fri 08:30-17:30"
    office_tz: str = "Asia/Shanghai"
    # Outbox delivery (Slack): attempts before a row is dead, exponential backoff, polling.
    outbox_max_attempts: int = 8
    outbox_backoff_base_s: float = 2.0
    outbox_backoff_max_s: float = 600.0
    outbox_poll_s: float = 1.0

    kb_index_dir: Path = ROOT / "var" / "kb"
    kb_source_dir: Path = ROOT / "knowledge" / "demo"
    kb_embedding_model: str | None = None

    # Quotes: the price book (loaded once at start-up) and buyers' signed PDF links.
    price_book_path: Path = ROOT / "sales" / "pricebook" / "demo.yaml"
    # Signs the links. The default is random per process: links then die with the process
    # and work on that instance only, so several instances must share a QUOTE_LINK_SECRET.
    quote_link_secret: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_urlsafe(32))
    )
    quote_link_ttl_days: int = Field(default=30, ge=1, le=365)
    # Where buyers reach this app (links in chat); unset: this app's own host and port.
    public_base_url: str | None = None

    chat_max_text: int = 2000
    chat_max_body_bytes: int = 64 * 1024
    chat_rate_per_minute: int = 60  # per chat session
    chat_rate_burst: int = 15
    # Per client address (api/chat/clients.py): sessions created and messages sent (HTTP and
    # WebSocket together), token buckets; past them 429 with Retry-After. Loopback is not exempt.
    chat_client_sessions_per_minute: int = Field(default=20, ge=1)
    chat_client_sessions_burst: int = Field(default=20, ge=1)
    chat_client_messages_per_minute: int = Field(default=120, ge=1)
    chat_client_messages_burst: int = Field(default=60, ge=1)
    # Behind a reverse proxy: the header naming the client (X-Forwarded-For), believed from
    # peers in TRUSTED_PROXIES (CIDRs, comma-separated) only; unset: the socket's peer.
    trusted_proxy_header: str | None = None
    trusted_proxies: str = "127.0.0.1/32,::1/128"
    # Turns in flight per app instance (each may wait for the engine); more: 503, Retry-After.
    chat_max_turns_in_flight: int = Field(default=100, ge=1)
    # WebSockets: open sockets per chat session (per app instance; more are closed with 4429)
    # and the largest frame read (a 2,000-character message with its JSON fits many times).
    chat_ws_per_session: int = Field(default=5, ge=1)
    chat_ws_max_frame_bytes: int = Field(default=16 * 1024, ge=1024)
    # Sites (origins) other than this app's own that may embed the widget: CORS for the chat
    # API and the Origin check of its WebSocket. Comma-separated; empty: same origin only.
    widget_origins: str = ""
    engine_timeout_s: float = 30.0
    # How often each instance answers buyer messages kept while the engine was down (once it is
    # back; api/chat/replay.py).
    chat_replay_interval_s: float = Field(default=5.0, gt=0)
    # A kept message whose turn the engine, up, fails every time is given up (the sales channel
    # told) after this many failed attempts, once it is this old (sales/replay.py).
    chat_replay_max_attempts: int = Field(default=5, ge=1)
    chat_replay_give_up_s: float = Field(default=600.0, ge=0)
    # Retention of buyers' personal data (sales/privacy.py): chat sessions, transcripts and
    # tracker events untouched for this many days are deleted, inquiries anonymised, knowledge
    # gaps deleted; unset (the default): kept until erased on request. Checked this often.
    retention_days: int | None = Field(default=None, ge=1)
    retention_interval_s: float = Field(default=3600.0, gt=0)
    log_level: str = "INFO"
    # Email to buyers (sales/mail): smtp://user:password@host:port (STARTTLS when offered) or
    # smtps://... (TLS from the start); unset: no mail, the email channel does not subscribe.
    smtp_url: SecretStr | None = None
    # The sender, "Name <address>" (required with SMTP_URL); replies go to MAIL_REPLY_TO when
    # set, else to MAIL_FROM. SMTP_CA_FILE: a CA bundle for a server with a private CA.
    mail_from: str | None = None
    mail_reply_to: str | None = None
    smtp_ca_file: Path | None = None
    smtp_timeout_s: float = Field(default=30.0, gt=0)
    # A reminder mail this many days before a sent quote expires (0: none).
    mail_quote_reminder_days: int = Field(default=3, ge=0, le=60)
    # A rep's chat replies the buyer has not answered for this long: one digest mail (0: none).
    mail_digest_after_s: float = Field(default=600.0, ge=0)
    # An RFQ left half-way with an address (the RFQ in progress, or a handoff's summary): one
    # mail this long after the form was last answered or the handoff, if no inquiry came of it
    # (0: none).
    mail_abandoned_after_s: float = Field(default=86400.0, ge=0)
    # DKIM: every mail signed for MAIL_FROM's domain with this selector and private key (PEM).
    mail_dkim_selector: str | None = None
    mail_dkim_key_file: Path | None = None
    # Buyers' replies: MAIL_REPLY_DOMAIN gives every mail a signed Reply-To
    # reply+<reference>.<sig>@<domain>; the mail server hands mail to it to the app's
    # POST /webhook/mail/inbound, signed with MAIL_INBOUND_SECRET (unset: the webhook is off).
    mail_reply_domain: str | None = None
    mail_inbound_secret: SecretStr | None = None
    # ... or the app reads them from a mailbox: imaps://user:password@host:port/INBOX (TLS) or
    # imap://... (STARTTLS); handled messages go to IMAP_DONE_FOLDER. With MAIL_IMAP_IDLE and a
    # server that offers IDLE, read as soon as the server reports new mail, and at least every
    # MAIL_IMAP_POLL_S; else every MAIL_IMAP_POLL_S.
    imap_url: SecretStr | None = None
    imap_ca_file: Path | None = None
    imap_done_folder: str = "Processed"
    mail_imap_poll_s: float = Field(default=60.0, gt=0)
    mail_imap_idle: bool = True

    @field_validator(
        "redis_url",
        "slack_sales_channel",
        "slack_approver_group",
        "public_base_url",
        "retention_days",
        "trusted_proxy_header",
        "staff_admin_email",
        "staff_admin_password",
        "smtp_url",
        "mail_from",
        "mail_reply_to",
        "smtp_ca_file",
        "mail_reply_domain",
        "mail_inbound_secret",
        "imap_url",
        "imap_ca_file",
        "mail_dkim_selector",
        "mail_dkim_key_file",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("staff_api_tokens")
    @classmethod
    def _staff_tokens_well_formed(cls, value: SecretStr) -> SecretStr:
        parse_staff_tokens(value.get_secret_value())  # ValueError names the entry, not its token
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_well_formed(cls, value: str) -> str:
        from api.chat.clients import parse_networks

        parse_networks(value)
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url_well_formed(cls, value: SecretStr | None) -> SecretStr | None:
        from sales.mail.config import SmtpConfig

        if value is not None:
            SmtpConfig.parse(value.get_secret_value())  # the error never names the password
        return value

    @model_validator(mode="after")
    def _imap_url_well_formed(self) -> Settings:
        if self.imap_url is not None:
            _ = self.imap_config  # a ValueError names what is wrong, never the password
        return self

    @property
    def imap_config(self) -> ImapConfig:
        from sales.mail.imap_config import ImapConfig

        assert self.imap_url is not None
        return ImapConfig.parse(
            self.imap_url.get_secret_value(),
            done_folder=self.imap_done_folder,
            ca_file=self.imap_ca_file,
            timeout_s=self.smtp_timeout_s,
        )

    @field_validator("mail_from", "mail_reply_to")
    @classmethod
    def _mail_address_well_formed(cls, value: str | None) -> str | None:
        from sales.mail.config import parse_sender

        if value is not None:
            parse_sender(value)
        return value

    @model_validator(mode="after")
    def _mail_needs_a_sender(self) -> Settings:
        if self.smtp_url is not None and self.mail_from is None:
            raise ValueError("MAIL_FROM ('Name <address>') is needed when SMTP_URL is set")
        return self

    @property
    def mail_enabled(self) -> bool:
        return self.smtp_url is not None

    @property
    def smtp_secrets(self) -> tuple[str, ...]:
        """The SMTP password, the URL holding it, the inbound webhook's secret and the IMAP
        password and URL (masked in logs and outbox errors)."""
        inbound = (self.mail_inbound_secret.get_secret_value(),) if self.mail_inbound_secret else ()
        if self.imap_url is not None:
            inbound = (*inbound, self.imap_url.get_secret_value(), *self.imap_config.secrets)
        if self.smtp_url is None:
            return inbound
        from sales.mail.config import SmtpConfig

        url = self.smtp_url.get_secret_value()
        return (url, *SmtpConfig.parse(url).secrets, *inbound)

    @property
    def engine_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def engine_urls(self) -> list[str]:
        """Every engine worker, in order (the first is `engine_url`)."""
        return [f"http://{self.rasa_host}:{self.rasa_port + i}" for i in range(self.engine_workers)]

    @property
    def buyer_base_url(self) -> str:
        return self.public_base_url or f"http://{self.app_host_for_engine}:{self.app_port}"

    @property
    def app_host_for_engine(self) -> str:
        """Where the engine reaches the action webhook (loopback when the app binds all)."""
        return "127.0.0.1" if self.app_host in ("0.0.0.0", "::", "") else self.app_host

    @property
    def staff_identities(self) -> tuple[StaffIdentity, ...]:
        return parse_staff_tokens(self.staff_api_tokens.get_secret_value())

    @property
    def staff_tokens(self) -> frozenset[str]:
        """The staff API's bearer tokens alone (what the log masking hides)."""
        return frozenset(identity.token for identity in self.staff_identities)

    @property
    def widget_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.widget_origins.split(",") if o.strip()]

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def slack_approver_ids(self) -> frozenset[str]:
        return frozenset(u.strip() for u in self.slack_approvers.split(",") if u.strip())


@lru_cache
def get_settings() -> Settings:
    return Settings()
