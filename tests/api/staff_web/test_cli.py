"""python -m api.staff_web.cli: add, list, role, password, unlock, remove."""

from __future__ import annotations

import asyncio
import io
import sys

import pytest
from sqlalchemy import func, select

from api.staff_web import cli
from sales.db import Database
from sales.models import StaffSession
from sales.staff import users


def _run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str,
         stdin: str = "") -> tuple[int, str]:  # fmt: skip
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.usefixtures("cheap_password_hashes")
def test_manage_staff_users(
    migrated_sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", migrated_sqlite_url)
    code, out = _run(capsys, monkeypatch, "add", "Rep@Lumora.example", "rep",
                     stdin="a long rep password\n")  # fmt: skip
    assert code == 0 and "added rep@lumora.example (rep)" in out
    code, out = _run(capsys, monkeypatch, "add", "x@lumora.example", "rep", stdin="short\n")
    assert code == 2 and "12 characters" in out
    with pytest.raises(SystemExit, match="already has an account"):
        _run(capsys, monkeypatch, "add", "rep@lumora.example", "viewer", stdin="another one 123\n")

    async def sign_in(password: str) -> int:
        db = Database(migrated_sqlite_url)
        try:
            async with db.session() as session:
                await users.authenticate(session, email="rep@lumora.example", password=password)
                return int(
                    (
                        await session.execute(select(func.count()).select_from(StaffSession))
                    ).scalar_one()
                )
        finally:
            await db.dispose()

    assert asyncio.run(sign_in("a long rep password")) == 1
    assert _run(capsys, monkeypatch, "role", "rep@lumora.example", "approver")[0] == 0
    assert "rep@lumora.example\tapprover" in _run(capsys, monkeypatch, "list")[1]
    # a new password ends the user's sessions, and the old one stops working
    code, _ = _run(capsys, monkeypatch, "password", "rep@lumora.example",
                   stdin="the new rep password\n")  # fmt: skip
    assert code == 0
    assert asyncio.run(sign_in("a long rep password")) == 0
    assert asyncio.run(sign_in("the new rep password")) == 1
    for _ in range(users.LOCKOUT_ATTEMPTS):
        asyncio.run(sign_in("wrong"))
    assert asyncio.run(sign_in("the new rep password")) == 1  # locked: no new session
    assert "\tlocked" in _run(capsys, monkeypatch, "list")[1]
    assert _run(capsys, monkeypatch, "unlock", "rep@lumora.example")[0] == 0
    assert asyncio.run(sign_in("the new rep password")) == 2
    assert _run(capsys, monkeypatch, "remove", "rep@lumora.example")[0] == 0
    assert _run(capsys, monkeypatch, "list")[1].strip() == ""
    with pytest.raises(SystemExit, match="no staff user"):
        _run(capsys, monkeypatch, "unlock", "rep@lumora.example")
