"""The one result type every normaliser returns.

A normaliser never raises for bad buyer input: it returns ``Parsed.failure(reason)``
with a sentence the bot can say to the buyer (a ``Msg``: English as a string, any language
through ``localize``). ``notes`` are extra sentences worth telling the buyer on success (an
assumption made, an old term mapped to a new one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Parsed(Generic[T]):
    """Either a normalised ``value`` (``error is None``) or a readable ``error``."""

    value: T | None = None
    error: str | None = None
    notes: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def success(cls, value: T | None, notes: Iterable[str] = ()) -> Parsed[T]:
        return cls(value=value, notes=tuple(notes))

    @classmethod
    def failure(cls, error: str, suggestions: Iterable[str] = ()) -> Parsed[T]:
        return cls(error=error, suggestions=tuple(suggestions))
