"""Staff users from the command line (the database of DATABASE_URL, as the app's settings say):

    python -m api.staff_web.cli list
    python -m api.staff_web.cli add EMAIL ROLE       # role: viewer, rep, approver, admin
    python -m api.staff_web.cli password EMAIL       # a new password; ends the user's sessions
    python -m api.staff_web.cli role EMAIL ROLE
    python -m api.staff_web.cli unlock EMAIL
    python -m api.staff_web.cli remove EMAIL

A password is asked twice without echo, or read from the first line of standard input when it
is not a terminal (never from the command line, where other users and the shell's history see
it)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence

from sqlalchemy import delete, select

from api.settings import Settings
from sales.db import Database
from sales.models import StaffRole, StaffSession, StaffUser
from sales.staff import users


def _password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("the two passwords differ")
    return first


async def _run(args: argparse.Namespace, url: str) -> str:
    db = Database(url)
    try:
        async with db.session() as session:
            if args.command == "list":
                rows = (
                    await session.execute(select(StaffUser).order_by(StaffUser.email))
                ).scalars()
                return "\n".join(
                    f"{u.email}\t{u.role}\tlast sign-in "
                    f"{u.last_sign_in_at.isoformat() if u.last_sign_in_at else 'never'}"
                    + ("\tlocked" if u.locked_until else "")
                    for u in rows
                )
            if args.command == "add":
                if await users.get_by_email(session, args.email) is not None:
                    raise SystemExit(f"{args.email} already has an account")
                await users.create_user(
                    session, email=args.email, password=_password(), role=args.role
                )
                return f"added {users.normalise_email(args.email)} ({args.role})"
            user = await users.get_by_email(session, args.email)
            if user is None:
                raise SystemExit(f"no staff user {args.email}")
            if args.command == "password":
                user.password_hash = users.hash_password(_password())
                await session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
            elif args.command == "role":
                user.role = StaffRole(args.role).value
                await session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
            elif args.command == "unlock":
                user.locked_until = None
                user.failed_attempts = 0
                user.failed_window_started_at = None
            elif args.command == "remove":
                await session.delete(user)
            await session.commit()
            return f"{args.command}: {user.email} done"
    finally:
        await db.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.staff_web.cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list")
    roles = [r.value for r in StaffRole]
    add = sub.add_parser("add")
    add.add_argument("email")
    add.add_argument("role", choices=roles)
    role = sub.add_parser("role")
    role.add_argument("email")
    role.add_argument("role", choices=roles)
    for name in ("password", "unlock", "remove"):
        sub.add_parser(name).add_argument("email")
    args = parser.parse_args(argv)
    try:
        print(asyncio.run(_run(args, Settings().database_url)))
    except ValueError as exc:  # a short password, a bad address
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
