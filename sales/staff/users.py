"""Staff users: argon2 password hashes, sign-in with a lockout, server-side sessions.

Sign-in (``authenticate``) answers only "signed in" or "refused": a wrong password, an
unknown address and a locked account look the same to the caller (and take about as long: an
unknown address is checked against a dummy hash), so the page never tells whether an address
has an account. ``LOCKOUT_ATTEMPTS`` failures within ``LOCKOUT_WINDOW`` lock the account for
``LOCKOUT_WINDOW``; while locked even the right password is refused; a successful sign-in
clears the count.

Sessions: the browser holds a random token (``secrets.token_urlsafe(32)``), the database only
its SHA-256, with the session's CSRF token and its expiry. Signing out deletes the row, so
the cookie is worthless from then on, wherever it was copied.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sales.models import StaffRole, StaffSession, StaffUser, utcnow

log = logging.getLogger(__name__)

LOCKOUT_ATTEMPTS = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)  # STAFF_SESSION_HOURS
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this bounds the work a request can ask

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a staff password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"a staff password has at most {MAX_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def count_users(db: AsyncSession) -> int:
    return int((await db.execute(select(func.count()).select_from(StaffUser))).scalar_one())


async def get_by_email(db: AsyncSession, email: str) -> StaffUser | None:
    result = await db.execute(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    return result.scalar_one_or_none()


async def create_user(
    db: AsyncSession, *, email: str, password: str, role: StaffRole | str
) -> StaffUser:
    """A new staff user (committed); ValueError for a short password or a bad address."""
    address = normalise_email(email)
    if "@" not in address or len(address) > 320:
        raise ValueError("a staff user's email must be an address")
    user = StaffUser(
        email=address, role=StaffRole(role).value, password_hash=hash_password(password)
    )
    db.add(user)
    await db.commit()
    return user


async def ensure_first_admin(db: AsyncSession, *, email: str | None, password: str | None) -> bool:
    """The first admin, from STAFF_ADMIN_EMAIL and STAFF_ADMIN_PASSWORD, when no staff user
    exists yet; True when one was created. Once any user exists the settings are ignored (a
    changed password there changes nothing: it is not a back door)."""
    if not email or not password:
        return False
    if await count_users(db):
        return False
    await create_user(db, email=email, password=password, role=StaffRole.ADMIN)
    log.info("first staff admin created")
    return True


@dataclass(frozen=True)
class SignIn:
    """A successful sign-in: the user and the new session's cookie token and CSRF token."""

    user: StaffUser
    token: str
    csrf_token: str
    expires_at: datetime


def _locked(user: StaffUser, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _record_failure(user: StaffUser, now: datetime) -> None:
    window = user.failed_window_started_at
    if window is None or now - window >= LOCKOUT_WINDOW:
        user.failed_window_started_at = now
        user.failed_attempts = 1
    else:
        user.failed_attempts += 1
    if user.failed_attempts >= LOCKOUT_ATTEMPTS:
        user.locked_until = now + LOCKOUT_WINDOW
        user.failed_attempts = 0
        user.failed_window_started_at = None
        log.warning("staff account locked after failed sign-ins", extra={"user_id": user.id})


async def authenticate(
    db: AsyncSession,
    *,
    email: str,
    password: str,
    now: datetime | None = None,
    ttl: timedelta = SESSION_TTL,
) -> SignIn | None:
    """Check the password and open a session (committed); None when refused, for any reason."""
    now = now or utcnow()
    if len(password) > MAX_PASSWORD_LENGTH:
        password = password[:MAX_PASSWORD_LENGTH]  # never verifies: hashes were made shorter
    user = await get_by_email(db, email)
    if user is None:
        _verify(_DUMMY_HASH, password)  # the same work as for a real account
        return None
    if _locked(user, now):
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(user.password_hash, password):
        _record_failure(user, now)
        await db.commit()
        return None
    user.failed_attempts = 0
    user.failed_window_started_at = None
    user.locked_until = None
    user.last_sign_in_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + ttl
    db.add(StaffSession(token_hash=_token_hash(token), user_id=user.id, csrf_token=csrf,
                        created_at=now, expires_at=expires))  # fmt: skip
    await db.commit()
    return SignIn(user, token, csrf, expires)


@dataclass(frozen=True)
class Session:
    """A signed-in browser's session, as the pages need it."""

    user_id: int
    email: str
    role: StaffRole
    csrf_token: str
    expires_at: datetime

    def csrf_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(str(given).encode(), self.csrf_token.encode())


async def session_for(
    db: AsyncSession, token: str | None, *, now: datetime | None = None
) -> Session | None:
    """The live session of a cookie token; None when unknown, signed out or expired."""
    if not token or len(token) > 128:
        return None
    now = now or utcnow()
    row = (
        await db.execute(
            select(StaffSession, StaffUser)
            .join(StaffUser, StaffUser.id == StaffSession.user_id)
            .where(StaffSession.token_hash == _token_hash(token))
        )
    ).first()
    if row is None:
        return None
    session, user = row
    if session.expires_at <= now:
        await db.execute(delete(StaffSession).where(StaffSession.token_hash == session.token_hash))
        await db.commit()
        return None
    return Session(user.id, user.email, StaffRole(user.role), session.csrf_token,
                   session.expires_at)  # fmt: skip


async def sign_out(db: AsyncSession, token: str | None) -> None:
    """End the session of a cookie token (nothing when it has none)."""
    if token:
        await db.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))
        await db.commit()


async def purge_expired(db: AsyncSession, *, now: datetime | None = None) -> int:
    now = now or utcnow()
    result = await db.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
    await db.commit()
    return int(getattr(result, "rowcount", 0) or 0)
