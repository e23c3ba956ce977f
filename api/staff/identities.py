"""Staff identities: who a staff API token speaks for and what it may do.

``STAFF_API_TOKENS`` is a comma-separated list of entries, each either

- ``name:scope1+scope2:token``: an identity called ``name`` with those scopes (``read``,
  ``approve``, ``admin``), e.g. ``U0123ABC:read+approve:<token>`` or ``ops:admin:<token>``; or
- a plain ``token`` (the older form): an identity with ``read`` and ``approve``, named
  ``token-`` and the first 8 hex digits of the token's SHA-256 (so its decisions are told
  apart without writing the token down).

The scopes do not include one another: ``admin`` (erasing a buyer's data) alone cannot read
inquiries or decide on quotes. Decisions are recorded under the identity's name.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum


class Scope(StrEnum):
    READ = "read"  # inquiries, quotes and their PDFs, knowledge search and gaps
    APPROVE = "approve"  # approve or reject quotes (if on the approver list, when one is set)
    ADMIN = "admin"  # erase a buyer's personal data


LEGACY_SCOPES = frozenset({Scope.READ, Scope.APPROVE})
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


@dataclass(frozen=True)
class StaffIdentity:
    name: str
    scopes: frozenset[Scope]
    token: str = field(repr=False)

    def has(self, scope: Scope) -> bool:
        return scope in self.scopes


def legacy_name(token: str) -> str:
    return "token-" + hashlib.sha256(token.encode()).hexdigest()[:8]


def parse_entry(entry: str) -> StaffIdentity:
    """One entry of STAFF_API_TOKENS; ValueError (without the token) when malformed."""
    if ":" not in entry:
        return StaffIdentity(legacy_name(entry), LEGACY_SCOPES, entry)
    name, _, rest = entry.partition(":")
    scope_text, sep, token = rest.partition(":")
    if not sep or not token:
        raise ValueError(f"STAFF_API_TOKENS entry for {name!r}: expected name:scope1+scope2:token")
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"STAFF_API_TOKENS: identity name {name[:64]!r} must be 1-64 letters, digits, . _ @ -"
        )
    words = [w.strip().lower() for w in scope_text.split("+") if w.strip()]
    known = {s.value for s in Scope}
    unknown = sorted(set(words) - known)
    if not words or unknown:
        raise ValueError(
            f"STAFF_API_TOKENS entry for {name!r}: scopes must be some of "
            f"{', '.join(sorted(known))} joined by '+' (got {scope_text!r})"
        )
    return StaffIdentity(name, frozenset(Scope(w) for w in words), token)


def parse_staff_tokens(raw: str) -> tuple[StaffIdentity, ...]:
    """Every identity of STAFF_API_TOKENS; ValueError on a malformed entry, a token given twice
    or a name given twice."""
    identities = tuple(parse_entry(e.strip()) for e in raw.split(",") if e.strip())
    tokens = [i.token for i in identities]
    if len(set(tokens)) != len(tokens):
        raise ValueError("STAFF_API_TOKENS: the same token is given twice")
    names = [i.name for i in identities]
    if len(set(names)) != len(names):
        raise ValueError("STAFF_API_TOKENS: the same identity name is given twice")
    return identities
