"""Bodies of the buyer chat API (CONTRACTS.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from api.text import CLEANED, CleanStr

Mode = Literal["bot", "waiting_for_agent", "agent"]


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    locale: str | None = Field(
        default=None, max_length=16, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"
    )
    page_url: Annotated[str, StringConstraints(max_length=2048), CLEANED] | None = None


class SessionOut(BaseModel):
    session_id: str
    token: str


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # control characters other than newline and tab are removed (api.text)
    text: CleanStr | None = None
    payload: str | None = Field(default=None, max_length=512)
    # The client's id for this message (a repeat with the same id in the session returns the
    # first answer and never runs the turn twice); 1-64 visible ASCII characters.
    client_message_id: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$"
    )

    @model_validator(mode="after")
    def _one_of(self) -> MessageIn:
        if (self.text is None) == (self.payload is None):
            raise ValueError('give exactly one of "text" or "payload"')
        return self


class Button(BaseModel):
    title: str
    payload: str


class MessageOut(BaseModel):
    seq: int
    role: Literal["buyer", "bot", "agent", "system"]
    text: str
    buttons: list[Button] = []
    created_at: datetime
    author: str | None = None


class TurnOut(BaseModel):
    messages: list[MessageOut]
    mode: Mode
    # the session's language after the turn (en, zh, es, de, pt, fr): the widget shows its own
    # texts in it; null while none is known (no locale given, no message long enough to tell)
    language: str | None = None
