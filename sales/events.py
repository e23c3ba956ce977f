"""The domain events the sales services publish through the outbox.

An event names what happened in the business, never who hears of it: the outbox worker fans
each one out to every channel subscribed to its topic (Slack today; email or a dashboard can
subscribe to the same events without a change here). Payloads carry references, not copies:
a channel loads what it shows.

>>> canonical("slack.new_inquiry")
'inquiry.created'
>>> canonical("quote.sent")
'quote.sent'
"""

from __future__ import annotations

INQUIRY_CREATED = "inquiry.created"  # {"reference"}
QUOTE_PENDING_APPROVAL = "quote.pending_approval"  # {"reference", "inquiry", "total", ...}
QUOTE_SENT = "quote.sent"  # the same, with "approved_by" after an approval
QUOTE_ACCEPTED = "quote.accepted"  # the same, with "accepted_by"
QUOTE_REJECTED = "quote.rejected"  # the same, with "rejected_by": an approver said no
QUOTE_EXPIRED = "quote.expired"  # {"reference", "inquiry", "valid_until"}: past its validity
# a sent quote's validity ends within a few days (sales/mail/reminders.py)
QUOTE_EXPIRING = "quote.expiring"  # {"reference", "inquiry", "valid_until"}
HANDOFF_REQUESTED = "handoff.requested"  # {"handoff_id", "session_id"}
HANDOFF_UPDATED = "handoff.updated"  # {"handoff_id", "session_id", "event": timed_out|callback}
BUYER_MESSAGE = "handoff.buyer_message"  # {"session_id", "text", "note"?}
# the engine did not answer: the buyer's messages from seq on are kept (sales/replay.py)
CHAT_KEPT = "chat.kept"  # {"session_id", "seq"}
CHAT_REPLAYED = "chat.replayed"  # {"session_id", "seqs", "count"}: answered once it was back
# the engine, up, failed one buyer message's turn every time: given up (sales/replay.py)
CHAT_FAILED = "chat.failed"  # {"session_id", "seq", "attempts", "reason"}
# a rep's replies the buyer has not answered for a while (sales/mail/digests.py)
AGENT_REPLY_DIGEST = "chat.agent_digest"  # {"session_id", "seq"}: the last reply of the run
# an RFQ left half-way with an email address in a handoff's summary (sales/mail/abandoned.py)
RFQ_ABANDONED = "rfq.abandoned"  # {"session_id", "handoff_id"}
# the last ISO week's figures and top knowledge gaps, once a week (sales/kpi/digest.py); the
# payload is the digest itself (a report of the moment it was written)
KPI_WEEKLY_DIGEST = "kpi.weekly_digest"  # {"week", "period", "figures", "previous", "top_gaps"}

ALL = (
    INQUIRY_CREATED,
    QUOTE_PENDING_APPROVAL,
    QUOTE_SENT,
    QUOTE_ACCEPTED,
    QUOTE_REJECTED,
    QUOTE_EXPIRED,
    QUOTE_EXPIRING,
    HANDOFF_REQUESTED,
    HANDOFF_UPDATED,
    BUYER_MESSAGE,
    CHAT_KEPT,
    CHAT_REPLAYED,
    CHAT_FAILED,
    AGENT_REPLY_DIGEST,
    RFQ_ABANDONED,
    KPI_WEEKLY_DIGEST,
)

# Topics of rows queued before the events had these names (they were named after Slack).
LEGACY_TOPICS = {
    "slack.new_inquiry": INQUIRY_CREATED,
    "slack.quote_pending_approval": QUOTE_PENDING_APPROVAL,
    "slack.quote_sent": QUOTE_SENT,
    "slack.quote_accepted": QUOTE_ACCEPTED,
    "slack.handoff": HANDOFF_REQUESTED,
    "slack.handoff_update": HANDOFF_UPDATED,
    "slack.buyer_message": BUYER_MESSAGE,
}


def canonical(topic: str) -> str:
    """The event name of a topic, also for a row written under its old name."""
    return LEGACY_TOPICS.get(topic, topic)
