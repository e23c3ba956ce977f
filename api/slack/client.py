"""The Slack Web API client, and what its errors mean for the outbox."""

from __future__ import annotations

import contextlib

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from api.settings import Settings
from sales.outbox_worker import Permanent, RetryLater

# Errors a retry cannot fix (a wrong channel, a revoked token, a malformed message).
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "missing_scope",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "message_not_found",
        "cant_update_message",
    }
)
DEFAULT_RETRY_AFTER_S = 5.0
# Slack answering 5xx (an outage on its side): the delivery waits this long (or Slack's
# Retry-After) without spending one of its attempts, which are kept for errors of the message
# itself; an outage of any length then ends with every message posted (issue 14).
UNAVAILABLE_RETRY_S = 2.0


def build_client(settings: Settings) -> AsyncWebClient:
    """Every call goes to ``SLACK_API_URL`` (the fake in tests)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    base_url = settings.slack_api_url
    if not base_url.endswith("/"):
        base_url += "/"
    return AsyncWebClient(token=token, base_url=base_url, timeout=10)


def slack_error(exc: SlackApiError) -> str:
    """The error code Slack gave (no token, no request body)."""
    response = exc.response
    code = ""
    with contextlib.suppress(Exception):
        code = str(response.get("error") or "")
    return code or f"http_{getattr(response, 'status_code', '?')}"


def classify(exc: Exception) -> Exception:
    """The outbox exception for a failed Slack call."""
    if isinstance(exc, SlackApiError):
        response = exc.response
        status = getattr(response, "status_code", 200)
        code = slack_error(exc)
        if status == 429 or code == "ratelimited":
            retry_after = DEFAULT_RETRY_AFTER_S
            with contextlib.suppress(Exception):
                retry_after = float(response.headers.get("Retry-After", retry_after))
            return RetryLater(retry_after, f"slack: ratelimited (HTTP {status})")
        if code in PERMANENT_ERRORS:
            return Permanent(f"slack: {code} (HTTP {status})")
        if isinstance(status, int) and status >= 500:
            retry_after = UNAVAILABLE_RETRY_S
            with contextlib.suppress(Exception):
                retry_after = float(response.headers.get("Retry-After", retry_after))
            return RetryLater(retry_after, f"slack: unavailable (HTTP {status})")
        return RuntimeError(f"slack: {code} (HTTP {status})")
    if isinstance(exc, SlackClientError):
        return RuntimeError(f"slack client: {type(exc).__name__}")
    return exc
