"""The fault tests' stack (tests/faults/harness.py): one per module, on a PostgreSQL and a Redis
of its own that the tests stop, kill and restart (never the machine's shared servers).

Marked like the end-to-end tests, from the fixture they request (see tests/conftest.py):
`make check` leaves them out, `make test` runs them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults import servers
from tests.faults.harness import FaultStack, fault_stack

FAULT_FIXTURES = {"faults"}


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory, kb_index: Path) -> Iterator[FaultStack]:
    reason = servers.missing()
    if reason:
        pytest.skip(f"fault tests need their own PostgreSQL and Redis servers: {reason}")
    with fault_stack(tmp_path_factory.mktemp("faults"), kb_index) as stack:
        yield stack


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test using the fault stack needs the engine and the app as processes (e2e) and
    PostgreSQL and Redis servers."""
    for item in items:
        if FAULT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.postgres)
            item.add_marker(pytest.mark.redis)
