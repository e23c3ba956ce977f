"""The scaled-out shape on one machine: two app instances, one PostgreSQL (orders and the
engine's tracker store), one Redis (pub/sub and Rasa's lock store)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from pydantic import SecretStr
from websockets.sync.client import connect

from api.settings import Settings
from sales.migrate import upgrade
from tests.conftest import PG_ADMIN
from tools.stack import Stack, train

from .chat import Buyer
from .conftest import STAFF_TOKEN, free_port
from .test_conversation import _answer_until_summary, _confirm

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def tracker_url() -> Iterator[str]:
    name = f"exportdesk_tracker_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_app_instances_share_postgres_and_redis(
    postgres_url: str, tracker_url: str, kb_index: Path, tmp_path: Path
) -> None:
    second_port = free_port()
    settings = Settings(
        _env_file=None,
        app_port=free_port(),
        rasa_port=free_port(),
        database_url=postgres_url,
        tracker_store_url=tracker_url,
        redis_url="redis://127.0.0.1:6379/5",
        staff_api_tokens=SecretStr(STAFF_TOKEN),
        kb_index_dir=kb_index,
        quote_link_secret=SecretStr("one-secret-for-all-instances-0123456789"),
    )
    upgrade(settings.database_url)
    stack = Stack(settings, train(), tmp_path / "log")
    stack.start()
    stack.start_app(port=second_port, name="app2")
    try:
        stack.wait_healthy(timeout=300)
        stack.wait_healthy(timeout=300, port=second_port)
        first = httpx.Client(base_url=f"http://127.0.0.1:{settings.app_port}", timeout=60)
        second = httpx.Client(base_url=f"http://127.0.0.1:{second_port}", timeout=60)
        with first, second:
            buyer = Buyer(first).start()
            socket = (
                f"ws://127.0.0.1:{second_port}/api/chat/sessions/{buyer.session_id}/ws"
                f"?token={buyer.token}"
            )
            with connect(socket, open_timeout=10) as ws:
                reply = buyer.reply(
                    "We need 500 pcs of HB-UFO-150W for Rotterdam, FOB, with CE and RoHS, "
                    "by 30 April 2027"
                )
                pushed = [json.loads(ws.recv(timeout=20)) for _ in range(2)]
                assert pushed[0]["role"] == "buyer" and pushed[1]["role"] == "bot"
            # the buyer goes on through the other instance: the session and the form follow
            other = Buyer(second, session_id=buyer.session_id, token=buyer.token)
            _answer_until_summary(other, reply)
            reference = _confirm(other)
            record = first.get(
                f"/api/inquiries/{reference}", headers={"Authorization": f"Bearer {STAFF_TOKEN}"}
            ).json()
            assert record["items"][0]["sku"] == "HB-UFO-150W"
            assert re.fullmatch(r"RFQ-\d{4}-\d{6}", record["reference"])
    finally:
        stack.stop()
