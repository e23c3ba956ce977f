from __future__ import annotations

import json
import os
import subprocess
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


def test_fingerprint_ignores_what_only_the_running_engine_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The input channels, their credentials and the start script: no retraining for them."""
    bot = tmp_path / "bot"
    (bot / "data").mkdir(parents=True)
    (bot / "data" / "nlu.yml").write_text("a")
    config = tmp_path / "config.yml"
    config.write_text("pipeline: []")
    monkeypatch.setattr(engine_files, "ROOT", tmp_path)
    monkeypatch.setattr(engine_files, "BOT", bot)
    monkeypatch.setattr(engine_files, "CONFIG", config)
    first = engine_files.fingerprint()
    (bot / "channels").mkdir()
    (bot / "channels" / "app.py").write_text("class AppInput: ...")
    (bot / "credentials.yml").write_text("bot.channels.app.AppInput:")
    (bot / "serve.py").write_text("main()")
    (bot / "lock_store.py").write_text("class AtomicRedisLockStore: ...")
    (bot / "action_calls.py").write_text("def install(): ...")
    assert engine_files.fingerprint() == first
    (bot / "components").mkdir()
    (bot / "components" / "channels.py").write_text("a component is read by training")
    assert engine_files.fingerprint() != first


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
    assert endpoints["lock_store"]["type"] == "bot.lock_store.AtomicRedisLockStore"
    assert endpoints["lock_store"]["db"] == 2
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


APP_SECRETS = {
    "STAFF_API_TOKENS": "staff-secret-token",
    "SLACK_BOT_TOKEN": "xoxb-slack-secret",
    "SLACK_SIGNING_SECRET": "slack-signing-secret",
    "QUOTE_LINK_SECRET": "quote-link-secret",
    "DATABASE_URL": "postgresql://app:db-secret@127.0.0.1/orders",
    "SMTP_URL": "smtp://mail:smtp-secret@127.0.0.1:25",
    "AWS_SECRET_ACCESS_KEY": "cloud-secret",
}


def _set_app_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's secrets in the environment, with the settings they need beside them."""
    for name, value in APP_SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MAIL_FROM", "Lumora Sales <sales@example.com>")  # SMTP_URL needs it


def test_engine_env_is_an_allow_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14, finding 12: the engine gets what it needs, not the app's secrets."""
    _set_app_env(monkeypatch)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    settings = Settings(_env_file=None, rasa_auth_token=SecretStr("engine-api-token"))
    env = engine_files.engine_env(settings)
    for name, value in APP_SECRETS.items():
        assert name not in env
        assert all(value not in v for v in env.values()), name
    assert env["PATH"] == os.environ["PATH"]
    assert env["LC_ALL"] == "C.UTF-8"
    assert env["RASA_AUTH_TOKEN"] == "engine-api-token"
    assert env["ENGINE_CHANNEL_TOKEN"] == settings.engine_channel_token.get_secret_value()
    assert env["ACTION_SERVER_TOKEN"] == settings.action_server_token.get_secret_value()
    assert {"TRACKER_DIALECT", "TRACKER_STORE_URL", "TRACKER_DB"} <= env.keys()
    allowed = (
        engine_files.ENGINE_ENV_PASSTHROUGH
        | {"ACTION_SERVER_TOKEN", "RASA_AUTH_TOKEN", "ENGINE_CHANNEL_TOKEN", "LOCK_STORE_PASSWORD"}
        | {"TRACKER_DIALECT", "TRACKER_STORE_URL", "TRACKER_DB"}
        | {"RASA_TELEMETRY_ENABLED", "TF_CPP_MIN_LOG_LEVEL"}
        | {"SQLALCHEMY_SILENCE_UBER_WARNING", "PYTHONWARNINGS"}
    )
    assert {n for n in env if not n.startswith("LC_")} <= allowed


def test_stack_starts_the_engine_with_the_allow_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools import stack

    _set_app_env(monkeypatch)
    settings = Settings(_env_file=None, staff_api_tokens=SecretStr("staff-secret-token"))
    launched = stack.Stack(settings, tmp_path / "model.tar.gz", tmp_path)
    spawned: dict[str, dict[str, str]] = {}
    monkeypatch.setattr(launched, "_spawn", lambda name, argv, env: spawned.__setitem__(name, env))
    launched.start_engine()
    engine = spawned["engine"]
    assert "STAFF_API_TOKENS" not in engine and "SLACK_BOT_TOKEN" not in engine
    assert all("secret" not in v for v in engine.values())
    # the app itself still gets its settings
    launched.start_app()
    assert spawned["app"]["STAFF_API_TOKENS"] == "staff-secret-token"


@pytest.mark.skipif(not engine_files.ENGINE_PYTHON.exists(), reason="no engine environment")
def test_engine_python_runs_with_the_allow_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's interpreter starts and imports its project with nothing but this env."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-slack-secret")
    env = engine_files.engine_env(Settings(_env_file=None))
    script = (
        "import os, sys, json; sys.path.insert(0, '.'); import bot.catalog_nlg; "
        "print(json.dumps(sorted(os.environ)))"
    )
    result = subprocess.run(
        [str(engine_files.ENGINE_PYTHON), "-c", script],
        cwd=engine_files.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    names = json.loads(result.stdout.splitlines()[-1])
    assert "SLACK_BOT_TOKEN" not in names and "RASA_AUTH_TOKEN" in names


def test_serving_engine_runs_one_thread_per_numeric_library_unless_told() -> None:
    settings = Settings(_env_file=None)
    env = engine_files.engine_env(settings, {"PATH": "/usr/bin"})
    for name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
        assert env[name] == "1"
    given = engine_files.engine_env(
        settings, {"TF_NUM_INTRAOP_THREADS": "2", "OMP_NUM_THREADS": "4"}
    )
    assert (given["TF_NUM_INTRAOP_THREADS"], given["OMP_NUM_THREADS"]) == ("2", "4")
    # training is started with the basics alone: the libraries' own defaults
    assert "TF_NUM_INTRAOP_THREADS" not in engine_files.base_env({"PATH": "/usr/bin"})
