"""The Rasa project checked by Rasa itself: `rasa data validate` and `rasa test` on test stories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tools import engine_files
from tools.stack import train

HERE = Path(__file__).resolve().parent
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def _rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(engine_files.ENGINE_PYTHON), "-m", "rasa", *args],
        cwd=engine_files.ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_rasa_data_validate() -> None:
    result = _rasa(
        "data", "validate", "--fail-on-warnings",
        "--config", str(engine_files.CONFIG),
        "--domain", str(engine_files.BOT / "domain"),
        "--data", str(engine_files.BOT / "data"),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_rasa_test_stories_pass(tmp_path: Path) -> None:
    model = train()
    result = _rasa(
        "test", "core",
        "--model", str(model),
        "--stories", str(HERE / "test_stories.yml"),
        "--endpoints", str(HERE / "no_endpoints.yml"),
        "--out", str(tmp_path),
        "--fail-on-prediction-errors",
    )  # fmt: skip
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, details[-4000:] + result.stdout[-3000:]


@pytest.mark.parametrize("path", sorted((engine_files.BOT / "domain").glob("*.yml")))
def test_every_response_has_text(path: Path) -> None:
    import yaml

    domain = yaml.safe_load(path.read_text())
    for name, variants in (domain.get("responses") or {}).items():
        assert variants and all(v.get("text") for v in variants), name
