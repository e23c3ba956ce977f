"""The staff user service on SQLite and PostgreSQL: hashes, lockout window, sessions; and how
token identities map onto roles."""

from __future__ import annotations

from datetime import timedelta

import argon2
import pytest

from api.staff.identities import LEGACY_SCOPES, Scope, parse_entry
from sales.db import Database
from sales.models import StaffRole, utcnow
from sales.staff import roles, users

PASSWORD = "a long enough password"


async def test_passwords_are_argon2_hashes_never_the_text(database: Database) -> None:
    async with database.session() as db:
        user = await users.create_user(db, email="Rep@X.example", password=PASSWORD, role="rep")
        assert user.email == "rep@x.example"
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        # at the library's recommended cost (the other tests here hash at the lowest)
        stored, recommended = argon2.extract_parameters(user.password_hash), argon2.PasswordHasher()
        assert (stored.time_cost, stored.memory_cost, stored.parallelism) == (
            recommended.time_cost,
            recommended.memory_cost,
            recommended.parallelism,
        )
        with pytest.raises(ValueError, match="12 characters"):
            await users.create_user(db, email="b@x.example", password="short", role="rep")


@pytest.mark.usefixtures("cheap_password_hashes")
async def test_lockout_counts_failures_within_the_window_only(database: Database) -> None:
    start = utcnow()
    async with database.session() as db:
        await users.create_user(db, email="a@x.example", password=PASSWORD, role="viewer")
        # four failures, then the window passes: the count starts again
        for i in range(users.LOCKOUT_ATTEMPTS - 1):
            now = start + timedelta(minutes=i)
            assert await users.authenticate(db, email="a@x.example", password="no", now=now) is None
        later = start + users.LOCKOUT_WINDOW + timedelta(minutes=1)
        assert await users.authenticate(db, email="a@x.example", password="no", now=later) is None
        ok = await users.authenticate(
            db, email="a@x.example", password=PASSWORD, now=later + timedelta(seconds=1)
        )
        assert ok is not None  # 1 failure in the new window: not locked
        # five failures within the window lock it, the right password included
        t = later + timedelta(minutes=1)
        for i in range(users.LOCKOUT_ATTEMPTS):
            now = t + timedelta(seconds=i)
            assert await users.authenticate(db, email="a@x.example", password="no", now=now) is None
        t2 = t + timedelta(minutes=1)
        assert await users.authenticate(db, email="a@x.example", password=PASSWORD, now=t2) is None
        t3 = t + users.LOCKOUT_WINDOW + timedelta(seconds=10)
        assert await users.authenticate(db, email="a@x.example", password=PASSWORD, now=t3)


@pytest.mark.usefixtures("cheap_password_hashes")
async def test_a_session_lives_until_it_expires_or_signs_out(database: Database) -> None:
    now = utcnow()
    async with database.session() as db:
        await users.create_user(db, email="v@x.example", password=PASSWORD, role="approver")
        signed = await users.authenticate(
            db, email="v@x.example", password=PASSWORD, now=now, ttl=timedelta(hours=1)
        )
        assert signed is not None
        session = await users.session_for(db, signed.token, now=now + timedelta(minutes=59))
        assert session is not None and session.role is StaffRole.APPROVER
        assert session.csrf_ok(signed.csrf_token) and not session.csrf_ok("other")
        assert not session.csrf_ok(None)
        assert await users.session_for(db, signed.token, now=now + timedelta(hours=1)) is None
        again = await users.authenticate(db, email="v@x.example", password=PASSWORD, now=now)
        assert again is not None
        await users.sign_out(db, again.token)
        assert await users.session_for(db, again.token, now=now) is None
        assert await users.session_for(db, "made-up", now=now) is None


@pytest.mark.usefixtures("cheap_password_hashes")
async def test_the_first_admin_only_while_nobody_exists(database: Database) -> None:
    async with database.session() as db:
        assert await users.ensure_first_admin(db, email="boss@x.example", password=PASSWORD)
        assert not await users.ensure_first_admin(db, email="other@x.example", password=PASSWORD)
        assert not await users.ensure_first_admin(db, email=None, password=None)
        assert await users.count_users(db) == 1
        admin = await users.get_by_email(db, "BOSS@x.example")
        assert admin is not None and admin.role == StaffRole.ADMIN


@pytest.mark.parametrize(
    ("entry", "role"),
    [
        ("crm:read:t1", StaffRole.VIEWER),
        ("U0123:read+approve:t2", StaffRole.APPROVER),
        ("boss:read+approve+admin:t3", StaffRole.ADMIN),
        ("ops:admin:t4", None),  # cannot read: no role on the web pages
        ("bot:approve:t5", None),
        ("plain-token-of-old", StaffRole.APPROVER),  # a plain token is read+approve
    ],
)
def test_token_identities_map_onto_roles(entry: str, role: StaffRole | None) -> None:
    identity = parse_entry(entry)
    assert roles.role_for_scopes(identity.scopes) == role
    if role is not None:
        # the role's scopes are the identity's, or fewer: a web user never gets more
        assert roles.scopes_of(role) <= {str(s) for s in identity.scopes}


def test_each_roles_scopes() -> None:
    assert roles.scopes_of("viewer") == roles.scopes_of("rep") == {"read"}
    assert roles.may("approver", Scope.APPROVE) and not roles.may("rep", Scope.APPROVE)
    assert roles.may("admin", Scope.ADMIN)
    assert {str(s) for s in LEGACY_SCOPES} == roles.scopes_of("approver")
    assert {s.value for s in Scope} == roles.scopes_of("admin")
