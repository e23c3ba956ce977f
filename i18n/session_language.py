"""Which language a chat session is in, message by message.

- The widget's `locale` gives the session its first language (source "locale").
- The first buyer message long enough to tell sets it (source "detected"): a buyer who opens in
  Chinese on an English browser is answered in Chinese. Later messages do not change it: names,
  companies and places in answers ("Jana Weber, Nordlicht Handels GmbH") would read as German.
- "Can we speak English?" switches it for good (source "requested"): detection no longer
  changes a language the buyer asked for; only another request does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from i18n.detect import detect, requested_language


class Source(enum.StrEnum):
    LOCALE = "locale"
    DETECTED = "detected"
    REQUESTED = "requested"


@dataclass(frozen=True)
class Choice:
    language: str
    source: Source

    @property
    def requested(self) -> bool:
        return self.source is Source.REQUESTED


def choose(current: str | None, source: str | None, text: str) -> Choice | None:
    """The session's new language after this buyer message, or None to keep it as it is."""
    asked = requested_language(text)
    if asked is not None:
        return Choice(asked, Source.REQUESTED)
    if source in (Source.REQUESTED, Source.DETECTED):
        return None
    found = detect(text)
    return None if found is None else Choice(found, Source.DETECTED)
