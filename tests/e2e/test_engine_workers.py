"""Two engine workers behind one app (ENGINE_WORKERS=2): real processes sharing the SQL tracker
store (PostgreSQL) and Rasa's Redis lock store.

What is checked: concurrent conversations are all answered; each conversation's turns reach
the engine in the order the buyer sent them (read back from the shared tracker store); the app
keeps a conversation on one worker (with that worker stopped, its conversations wait for it
while the other worker's go on); and two turns of one conversation sent at the same moment to
both workers (what a load balancer without affinity does) are taken one after the other,
thanks to the shared lock store.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from api.engine import worker_for
from api.settings import Settings
from sales.migrate import upgrade
from tests.conftest import _pg_database, _pg_url, _skip_without_postgres
from tools.stack import Stack, free_port, free_ports, train

from .chat import Buyer
from .conftest import STAFF_TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

WORKERS = 2
PER_WORKER = 3  # conversations on each worker at least


@pytest.fixture(scope="module")
def two_workers(
    kb_index: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, Settings]]:
    """One stack for the module (booting two workers takes a minute): orders and tracker store
    in PostgreSQL databases of their own, the lock store in Redis."""
    _skip_without_postgres()
    with _pg_database() as orders, _pg_database() as trackers:
        settings = Settings(
            _env_file=None,
            app_port=free_port(),
            rasa_port=free_ports(WORKERS),
            engine_workers=WORKERS,
            database_url=_pg_url(orders),
            tracker_store_url=_pg_url(trackers),
            redis_url="redis://127.0.0.1:6379/6",
            staff_api_tokens=SecretStr(STAFF_TOKEN),
            kb_index_dir=kb_index,
            chat_rate_burst=50,
        )
        upgrade(settings.database_url)
        stack = Stack(settings, train(), tmp_path_factory.mktemp("workers") / "log")
        stack.start()
        try:
            stack.wait_healthy(timeout=420)  # /health is 200 once every worker has its model
            yield stack, settings
        finally:
            stack.stop()


def _script(n: int) -> list[str]:
    """One buyer's turns, the last one unique to the buyer."""
    return ["hello", "I need a quotation", "HB-UFO-150W", f"{300 + n} pcs"]


def _tracker(settings: Settings, worker: int, sender: str) -> dict[str, Any]:
    response = httpx.get(
        f"{settings.engine_urls[worker]}/conversations/{sender}/tracker",
        params={"token": settings.rasa_auth_token.get_secret_value()},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def _user_texts(tracker: dict[str, Any]) -> list[str]:
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def _turns_do_not_interleave(tracker: dict[str, Any]) -> bool:
    """Every user message after the first comes after the bot went back to listening."""
    listening = True
    for event in tracker["events"]:
        if event["event"] == "user":
            if not listening:
                return False
            listening = False
        elif event["event"] == "action" and event.get("name") == "action_listen":
            listening = True
    return True


def test_two_workers_answer_concurrent_conversations_in_order(
    two_workers: tuple[Stack, Settings],
) -> None:
    _stack, settings = two_workers
    for url in settings.engine_urls:  # both workers up, each with the model
        status = httpx.get(
            f"{url}/status", params={"token": settings.rasa_auth_token.get_secret_value()}
        )
        assert status.status_code == 200 and status.json()["model_file"]

    base_url = f"http://127.0.0.1:{settings.app_port}"
    with httpx.Client(base_url=base_url, timeout=120) as client:
        buyers: dict[int, list[Buyer]] = {i: [] for i in range(WORKERS)}
        for _ in range(40):  # sessions until each worker has its share (ids are random)
            if all(len(b) >= PER_WORKER for b in buyers.values()):
                break
            buyer = Buyer(client).start()
            buyers[worker_for(buyer.session_id, WORKERS)].append(buyer)
        everyone = [b for group in buyers.values() for b in group]
        assert all(len(b) >= PER_WORKER for b in buyers.values()), {
            w: len(b) for w, b in buyers.items()
        }

        def converse(n: int) -> list[int]:
            return [everyone[n].say(text).status_code for text in _script(n)]

        with ThreadPoolExecutor(max_workers=len(everyone)) as pool:
            codes = list(pool.map(converse, range(len(everyone))))
        assert all(code == 200 for turns in codes for code in turns), codes
        for n, buyer in enumerate(everyone):
            bot = [m for m in buyer.transcript if m["role"] == "bot"]
            assert len(bot) >= len(_script(n)), buyer.transcript  # every turn answered
            # the tracker store is shared: worker 0 reads the conversations of worker 1 too
            tracker = _tracker(settings, 0, buyer.session_id)
            assert _user_texts(tracker) == _script(n)
            assert _turns_do_not_interleave(tracker)


def test_the_lock_store_orders_one_conversation_across_workers(
    two_workers: tuple[Stack, Settings],
) -> None:
    """Without affinity (a Kubernetes Service spreads requests over the engine pods), two turns
    of one conversation may reach two workers at once: Redis's lock store serialises them."""
    _stack, settings = two_workers
    headers = {"Authorization": f"Bearer {settings.engine_channel_token.get_secret_value()}"}
    for attempt in range(3):
        sender = f"lock-{attempt}-{uuid.uuid4().hex[:8]}"

        def post(worker: int, text: str, sender: str = sender) -> int:
            response = httpx.post(
                f"{settings.engine_urls[worker]}/webhooks/app/webhook",
                json={"sender": sender, "message": text},
                headers=headers,
                timeout=120,
            )
            return response.status_code

        with ThreadPoolExecutor(max_workers=2) as pool:
            first = pool.submit(post, 0, "I need a quotation")
            second = pool.submit(post, 1, "hello")
            assert (first.result(), second.result()) == (200, 200)
        tracker = _tracker(settings, 1, sender)
        assert sorted(_user_texts(tracker)) == ["I need a quotation", "hello"]
        assert _turns_do_not_interleave(tracker), tracker["events"]


def test_a_conversation_stays_on_its_worker(two_workers: tuple[Stack, Settings]) -> None:
    """With worker 2 stopped, its conversations wait for it (503, the message kept) while
    worker 1's go on: the app does not move a conversation (runs last: it stops a worker)."""
    stack, settings = two_workers
    with httpx.Client(base_url=f"http://127.0.0.1:{settings.app_port}", timeout=120) as client:
        by_worker: dict[int, Buyer] = {}
        for _ in range(40):
            buyer = Buyer(client).start()
            by_worker.setdefault(worker_for(buyer.session_id, WORKERS), buyer)
            if len(by_worker) == WORKERS:
                break
        for buyer in by_worker.values():
            assert buyer.say("I need a quotation").status_code == 200
        stack._stop("engine-2")
        assert by_worker[0].say("HB-UFO-150W").status_code == 200
        down = by_worker[1].say("HB-UFO-150W")
        assert down.status_code == 503, down.text
        transcript = client.get(
            f"/api/chat/sessions/{by_worker[1].session_id}/messages",
            headers=by_worker[1].headers,
        ).json()["messages"]
        assert transcript[-1]["role"] == "buyer" and transcript[-1]["text"] == "HB-UFO-150W"
        assert _user_texts(_tracker(settings, 0, by_worker[1].session_id)) == ["I need a quotation"]
