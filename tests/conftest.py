"""Shared fixtures: order databases on SQLite and on the local PostgreSQL server, and the
markers that split the suite into the fast loop (`make check`) and the rest.

PostgreSQL tests create a database of their own and drop it afterwards; if the server is not
reachable they fail (CI has it), unless EXPORTDESK_SKIP_POSTGRES=1 is set explicitly. A test that
wants a migrated database gets a copy of one migrated once per session (`CREATE DATABASE ...
TEMPLATE` on PostgreSQL, a file copy on SQLite) instead of running the migrations itself; the
migration tests still start from an empty database (`db_url`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from sales.db import Database
from sales.migrate import upgrade

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningStack

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# Hypothesis profiles, chosen by EXPORTDESK_HYPOTHESIS: `ci` (the default: `make test`, CI, a
# bare pytest) runs every property test with the examples it is written with (hypothesis' 100, or
# its own `max_examples`); `dev` (`make check`) with a quarter of them, never fewer than
# DEV_MIN_EXAMPLES (nor more than written). The full suite keeps its strength; the fast loop still
# runs every property on fresh examples each time.
DEV_EXAMPLE_SHARE = 4
DEV_MIN_EXAMPLES = 10


def dev_examples(written: int) -> int:
    """The examples a property test written with `written` runs under the `dev` profile."""
    if written <= DEV_MIN_EXAMPLES:
        return written
    return max(DEV_MIN_EXAMPLES, written // DEV_EXAMPLE_SHARE)


# Neither profile times an example: hypothesis' deadline (200 ms an example) and its too-slow
# health check measure wall time, which on a shared machine is the other jobs' as much as the
# test's (a loaded run failed a test whose example took 265 ms once and 0.55 ms when repeated).
# Costs are measured by the benchmarks, never asserted by a test.
UNTIMED = hypothesis_settings(
    hypothesis_settings.get_profile("default"),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("ci", UNTIMED)
hypothesis_settings.register_profile(
    "dev", UNTIMED, max_examples=dev_examples(UNTIMED.max_examples)
)
HYPOTHESIS_PROFILE = os.environ.get("EXPORTDESK_HYPOTHESIS", "ci")
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)


def _fewer_examples(items: list[pytest.Item]) -> None:
    """Under `dev`, the tests with their own `max_examples` scaled like the profile's default
    (the profile alone cannot: a test's own settings win over it)."""
    scaled: set[int] = set()
    for item in items:
        test = getattr(item, "obj", None)
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if own is None or id(test) in scaled:
            continue
        scaled.add(id(test))
        if own.max_examples != hypothesis_settings.get_profile(HYPOTHESIS_PROFILE).max_examples:
            fewer = hypothesis_settings(own, max_examples=dev_examples(own.max_examples))
            test._hypothesis_internal_use_settings = fewer  # type: ignore[union-attr]


PG_ADMIN = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(autouse=True)
def _handoff_config_of_its_own() -> Iterator[None]:
    """An app built by one test configures sales.handoff for its process (office hours, the
    push, whether a staff channel exists); the next test starts from the defaults again."""
    yield
    from sales import handoff

    handoff.reset()


# argon2id at its lowest cost, for the tests about what sign-in does (lockout, sessions, CSRF,
# roles) rather than how hard a hash is to guess: the library's recommended parameters cost about
# 0.25 s of CPU a hash here, and a sign-in test hashes 2-7 times. The stored hashes' parameters
# are checked without it (tests/sales/staff/test_users.py).
CHEAP_ARGON2 = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Staff passwords hashed and checked with CHEAP_ARGON2 (unknown addresses included)."""
    from sales.staff import users

    monkeypatch.setattr(users, "_hasher", CHEAP_ARGON2)
    monkeypatch.setattr(users, "_DUMMY_HASH", CHEAP_ARGON2.hash(uuid.uuid4().hex))


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


def _pg_url(name: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def _skip_without_postgres() -> None:
    if os.environ.get("EXPORTDESK_SKIP_POSTGRES") == "1":
        pytest.skip("EXPORTDESK_SKIP_POSTGRES=1")


@contextmanager
def _pg_database(template: str | None = None) -> Iterator[str]:
    """A database of its own on the local server (a copy of `template` if given), dropped after."""
    name = f"exportdesk_test_{uuid.uuid4().hex[:10]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty database."""
    _skip_without_postgres()
    with _pg_database() as name:
        yield _pg_url(name)


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[str]:
    """The order database migrated to head once per session, only ever copied (no connection
    stays open on it: PostgreSQL copies a database nobody is connected to)."""
    _skip_without_postgres()
    with _pg_database() as name:
        upgrade(_pg_url(name))
        yield name


@pytest.fixture
def migrated_postgres_url(_postgres_template: str) -> Iterator[str]:
    """A database of its own, migrated to head: a copy of the session's template."""
    with _pg_database(template=_postgres_template) as name:
        yield _pg_url(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'orders.db'}"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An order database file migrated to head once per session (in WAL mode, as `upgrade`
    leaves it, checkpointed so that the file alone holds everything)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "orders.db"
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return path


@pytest.fixture
def migrated_sqlite_url(sqlite_url: str, _sqlite_template: Path) -> str:
    """`sqlite_url`, migrated to head: a copy of the session's template file."""
    shutil.copyfile(_sqlite_template, sqlite_url.removeprefix("sqlite:///"))
    return sqlite_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database on each backend (the migration tests)."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def migrated_db_url(request: pytest.FixtureRequest) -> str:
    """A database on each backend, migrated to head."""
    name = "migrated_sqlite_url" if request.param == "sqlite" else "migrated_postgres_url"
    return request.getfixturevalue(name)


@pytest.fixture
async def database(migrated_db_url: str) -> AsyncIterator[Database]:
    db = Database(migrated_db_url)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture(scope="session")
def kb_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo knowledge base, ingested once per test run."""
    from knowledge.ingest import ingest

    index = tmp_path_factory.mktemp("kb")
    ingest(Path(__file__).resolve().parent.parent / "knowledge" / "demo", index)
    return index


@pytest.fixture(scope="session")
def demo_kb(kb_index: Path):  # type: ignore[no-untyped-def]
    from knowledge.index import KnowledgeBase

    return KnowledgeBase.load(kb_index)


@pytest.fixture(scope="session")
def running_stack(
    tmp_path_factory: pytest.TempPathFactory, kb_index: Path
) -> Iterator[RunningStack]:
    """The real engine and app as processes (tests/e2e/conftest.py), one per session for the
    end-to-end and the browser tests."""
    from pydantic import SecretStr

    from api.settings import Settings
    from tests.e2e.conftest import STAFF_TOKEN, RunningStack
    from tools.stack import Stack, free_port, train

    model = train()
    work = tmp_path_factory.mktemp("stack")
    settings = Settings(
        _env_file=None,
        app_port=free_port(),
        rasa_port=free_port(),
        database_url=f"sqlite:///{work / 'orders.db'}",
        tracker_store_url=f"sqlite:///{work / 'tracker.db'}",
        staff_api_tokens=SecretStr(STAFF_TOKEN),
        kb_index_dir=kb_index,
        chat_rate_burst=50,
    )
    upgrade(settings.database_url)
    stack = Stack(settings, model, work / "log")
    stack.start()
    try:
        stack.wait_healthy(timeout=300)
        yield RunningStack(stack, settings, f"http://127.0.0.1:{settings.app_port}")
    finally:
        stack.stop()


# What a test needs, told by the fixtures it requests or the module it is in, so that the fast
# loop (`make check`: none of these markers) needs no marks in the tests. A module listed here
# (or a test marked by hand) runs the Rasa engine's Python in a subprocess.
ENGINE_MODULES = {"tests/bot/test_components.py"}
STACK_FIXTURES = {"running_stack"}  # the real engine and app as processes
BROWSER_FIXTURES = {"browser", "widget_page", "playwright"}
POSTGRES_FIXTURES = {"postgres_url", "migrated_postgres_url", "_postgres_template"}
IMAP_FIXTURES = {"imap_server"}  # dovecot, started by the test (tools/mailserver.py installs it)
APT_FIXTURES = {"machine_apt"}  # the machine's apt-get, which updates its lists from the network


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks each test by what it needs (see above); then browser tests last: Playwright's sync
    API keeps an event loop running in the main thread for the session, which async tests
    collected after it could not use."""
    root = Path(str(config.rootpath))
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        module = Path(str(item.path)).relative_to(root).as_posix()
        if module in ENGINE_MODULES:
            item.add_marker(pytest.mark.engine)
        if fixtures & STACK_FIXTURES:
            item.add_marker(pytest.mark.e2e)
        if fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if fixtures & POSTGRES_FIXTURES:
            item.add_marker(pytest.mark.postgres)
        if fixtures & IMAP_FIXTURES:
            item.add_marker(pytest.mark.imap)
        if fixtures & APT_FIXTURES:
            item.add_marker(pytest.mark.apt)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    if HYPOTHESIS_PROFILE == "dev":
        _fewer_examples(items)
