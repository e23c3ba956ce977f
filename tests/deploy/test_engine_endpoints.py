"""deploy/engine/endpoints.yml, the engine container's endpoints, says what the launcher's
(tools/engine_files.py, write_endpoints) says, with the values the launcher writes literally
taken from the environment instead; and Rasa itself reads it: the lock store it builds from
the file takes a ticket in the local Redis, the tracker store opens."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.settings import Settings
from tests.deploy.checks import ROOT
from tools import engine_files

TEMPLATE = ROOT / "deploy" / "engine" / "endpoints.yml"


def _expand(value: Any, env: dict[str, str]) -> Any:
    """Fill in ${VAR} where `env` has it (the others stay, as the launcher keeps them)."""
    if isinstance(value, dict):
        return {k: _expand(v, env) for k, v in value.items()}
    if isinstance(value, str):
        return re.sub(r"\$\{(\w+)\}", lambda m: env.get(m[1], m[0]), value)
    return value


def _strings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strings(v) for k, v in value.items()}
    return value if value is None else str(value)


def test_it_says_what_the_launcher_writes(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        app_host="10.1.2.3",
        app_port=8100,
        redis_url="redis://:pw@cache.internal:6380/3",
    )
    launcher = yaml.safe_load(
        engine_files.write_endpoints(settings, tmp_path / "e.yml").read_text()
    )
    env = {
        "ACTION_ENDPOINT_URL": "http://10.1.2.3:8100/webhook",
        "LOCK_STORE_HOST": "cache.internal",
        "LOCK_STORE_PORT": "6380",
        "LOCK_STORE_DB": "3",
    }
    container = _expand(yaml.safe_load(TEMPLATE.read_text()), env)
    # Rasa reads every ${VAR} as a string: the launcher's numbers compare as strings
    assert _strings(container) == _strings(launcher)


def test_a_change_on_one_side_only_is_caught(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, redis_url="redis://127.0.0.1:6379/0")
    launcher = yaml.safe_load(
        engine_files.write_endpoints(settings, tmp_path / "e.yml").read_text()
    )
    container = yaml.safe_load(TEMPLATE.read_text())
    container["lock_store"]["key_prefix"] = "other"
    assert _strings(_expand(container, {})) != _strings(launcher)


CHECK = """
import asyncio, json, os, sys
sys.path.insert(0, os.getcwd())
from rasa.core.utils import AvailableEndpoints
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain

endpoints = AvailableEndpoints.read_endpoints(sys.argv[1])
lock_store = LockStore.create(endpoints.lock_store)
ticket = lock_store.issue_ticket("deploy-check")
lock_store.delete_lock("deploy-check")
tracker_store = TrackerStore.create(endpoints.tracker_store, Domain.empty())
print(json.dumps({
    "lock_store": type(lock_store).__name__,
    "ticket": ticket,
    "tracker_store": type(tracker_store).__name__,
    "action_url": endpoints.action.url,
    "action_auth": endpoints.action.headers["Authorization"],
}))
"""


@pytest.mark.engine
@pytest.mark.redis
def test_rasa_reads_it_with_the_containers_environment(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, tracker_store_url=f"sqlite:///{tmp_path / 'tracker.db'}")
    env = {
        **engine_files.base_env(),
        **engine_files.tracker_env(settings),
        "ACTION_ENDPOINT_URL": "http://app:8000/webhook",
        "ACTION_SERVER_TOKEN": "action-token",
        "LOCK_STORE_HOST": "127.0.0.1",
        "LOCK_STORE_PORT": "6379",
        "LOCK_STORE_DB": "7",
        "LOCK_STORE_PASSWORD": "",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONWARNINGS": "ignore",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    result = subprocess.run(
        [str(engine_files.ENGINE_PYTHON), "-c", CHECK, str(TEMPLATE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["lock_store"] == "AtomicRedisLockStore" and seen["ticket"] >= 0
    assert seen["tracker_store"] in {"SQLTrackerStore", "AwaitableTrackerStore"}
    assert seen["action_url"] == "http://app:8000/webhook"
    assert seen["action_auth"] == "Bearer action-token"
