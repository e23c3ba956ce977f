"""Action ids, view ids and the typed metadata carried in button values and modal metadata."""

from __future__ import annotations

import enum

from pydantic import BaseModel, ConfigDict, ValidationError


class ActionId(enum.StrEnum):
    TAKE_OVER = "exportdesk.take_over"
    HAND_BACK = "exportdesk.hand_back"
    VIEW_QUOTE = "exportdesk.view_quote"
    APPROVE_QUOTE = "exportdesk.approve_quote"
    REJECT_QUOTE = "exportdesk.reject_quote"


class ViewId(enum.StrEnum):
    REJECT_QUOTE = "exportdesk.reject_quote_modal"
    QUOTE = "exportdesk.quote_view"


class BlockId(enum.StrEnum):
    REJECT_NOTE = "reject_note"


REJECT_NOTE_ACTION = "note"


class Metadata(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def encode(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def decode(cls, raw: str | None) -> Metadata | None:
        """The metadata, or None if the value is not ours (never trust a button value)."""
        if not raw:
            return None
        try:
            return cls.model_validate_json(raw)
        except ValidationError:
            return None


class SessionRef(Metadata):
    """A chat session (take over, hand back)."""

    session_id: str


class QuoteRef(Metadata):
    """A quote, and where its approval message is (to update it after the decision)."""

    quote: str
    channel: str | None = None
    ts: str | None = None
