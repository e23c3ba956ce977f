"""bot/lock_store.py: the Redis lock store shared by several engine workers keeps each
conversation to one turn at a time. Real processes of the engine's Python, the local Redis:
each takes the same conversation's lock over and over and, inside it, increments a counter by
reading it, waiting and writing it back; a turn that ran beside another would lose an
increment, and a second holder inside the lock is counted."""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest

from tools import engine_files

pytestmark = [pytest.mark.engine, pytest.mark.redis]

WORKERS, ROUNDS = 4, 15

SCRIPT = """
import asyncio, json, multiprocessing, sys
sys.path.insert(0, ".")
import redis
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

KIND, PREFIX, WORKERS, ROUNDS = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
DB = 7


def store():
    if KIND == "atomic":
        from bot.lock_store import AtomicRedisLockStore
        config = EndpointConfig(url="127.0.0.1", port=6379, db=DB, key_prefix=PREFIX)
        return AtomicRedisLockStore(endpoint_config=config)
    return RedisLockStore(host="127.0.0.1", port=6379, db=DB, key_prefix=PREFIX)


async def turns(start):
    lock_store, red = store(), redis.Redis(db=DB)
    start.wait()
    most = errors = 0
    for _ in range(ROUNDS):
        try:
            async with lock_store.lock("buyer-1", lock_lifetime=60, wait_time_in_seconds=0.005):
                most = max(most, red.incr(PREFIX + ":inside"))
                value = int(red.get(PREFIX + ":counter") or 0)
                await asyncio.sleep(0.003)
                red.set(PREFIX + ":counter", value + 1)
                red.decr(PREFIX + ":inside")
        except LockError:  # the lock vanished while this turn waited: the turn is refused
            errors += 1
    return most, errors


def worker(start, results):
    results.put(asyncio.run(turns(start)))


if __name__ == "__main__":
    start, results = multiprocessing.Event(), multiprocessing.Queue()
    procs = [multiprocessing.Process(target=worker, args=(start, results)) for _ in range(WORKERS)]
    for p in procs:
        p.start()
    start.set()
    outcomes = [results.get(timeout=240) for _ in procs]
    most, errors = max(o[0] for o in outcomes), sum(o[1] for o in outcomes)
    for p in procs:
        p.join()
    red = redis.Redis(db=DB)
    counter = int(red.get(PREFIX + ":counter") or 0)
    leftover = red.keys(PREFIX + "*lock*")
    red.delete(PREFIX + ":counter", PREFIX + ":inside")
    print(json.dumps(
        {"counter": counter, "most_inside": most, "refused": errors, "locks_left": len(leftover)}
    ))
"""


def _run(kind: str) -> dict[str, int]:
    prefix = f"locktest{uuid.uuid4().hex[:8]}"
    result = subprocess.run(
        [str(engine_files.ENGINE_PYTHON), "-c", SCRIPT, kind, prefix, str(WORKERS), str(ROUNDS)],
        cwd=engine_files.ROOT,
        env={**engine_files.base_env(), "PYTHONWARNINGS": "ignore", "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_the_atomic_lock_store_serves_one_turn_at_a_time_across_processes() -> None:
    seen = _run("atomic")
    assert seen == {"counter": WORKERS * ROUNDS, "most_inside": 1, "refused": 0, "locks_left": 0}
