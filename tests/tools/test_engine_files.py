from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import SecretStr

from api.settings import Settings
from tools import engine_files


def test_fingerprint_changes_with_bot_files_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = tmp_path / "bot"
    (bot / "data").mkdir(parents=True)
    (bot / "data" / "nlu.yml").write_text("a")
    config = tmp_path / "config.yml"
    config.write_text("pipeline: []")
    monkeypatch.setattr(engine_files, "ROOT", tmp_path)
    monkeypatch.setattr(engine_files, "BOT", bot)
    monkeypatch.setattr(engine_files, "CONFIG", config)
    first = engine_files.fingerprint()
    assert engine_files.fingerprint() == first
    (tmp_path / "README.md").write_text("unrelated")
    assert engine_files.fingerprint() == first
    (bot / "data" / "nlu.yml").write_text("b")
    second = engine_files.fingerprint()
    assert second != first
    config.write_text("pipeline: [x]")
    assert engine_files.fingerprint() not in (first, second)


def test_endpoints_file_holds_no_secret(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        action_server_token=SecretStr("very-secret-action-token"),
        tracker_store_url="postgresql://rasa:pw-secret@127.0.0.1/tracker",
        redis_url="redis://:redis-secret@127.0.0.1:6379/2",
    )
    path = engine_files.write_endpoints(settings, tmp_path / "endpoints.yml")
    text = path.read_text()
    for secret in ("very-secret-action-token", "pw-secret", "redis-secret"):
        assert secret not in text
    endpoints = yaml.safe_load(text)
    assert (
        endpoints["action_endpoint"]["headers"]["Authorization"] == "Bearer ${ACTION_SERVER_TOKEN}"
    )
    assert endpoints["lock_store"]["type"] == "redis" and endpoints["lock_store"]["db"] == 2
    env = engine_files.engine_env(settings)
    assert env["ACTION_SERVER_TOKEN"] == "very-secret-action-token"
    assert env["TRACKER_DIALECT"] == "postgresql"
    assert env["LOCK_STORE_PASSWORD"] == "redis-secret"


def test_sqlite_tracker_folder_is_created(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, tracker_store_url=f"sqlite:///{tmp_path}/sub/t.db")
    env = engine_files.tracker_env(settings)
    assert env["TRACKER_DIALECT"] == "sqlite"
    assert (tmp_path / "sub").is_dir()
    assert "lock_store" not in yaml.safe_load(
        engine_files.write_endpoints(settings, tmp_path / "e.yml").read_text()
    )
