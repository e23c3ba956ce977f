"""Shared fixtures: order databases on SQLite and on the local PostgreSQL server.

PostgreSQL tests create a database of their own and drop it afterwards; if the server is not
reachable they fail (CI has it), unless EXPORTDESK_SKIP_POSTGRES=1 is set explicitly.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest

from sales.db import Database
from sales.migrate import upgrade

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

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


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


def _pg_url(name: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    if os.environ.get("EXPORTDESK_SKIP_POSTGRES") == "1":
        pytest.skip("EXPORTDESK_SKIP_POSTGRES=1")
    name = f"exportdesk_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'orders.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(name)


@pytest.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    upgrade(db_url)
    db = Database(db_url)
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running in the main thread
    for the session, which async tests collected after it could not use."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
