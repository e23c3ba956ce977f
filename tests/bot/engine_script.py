"""Run a short script in the engine's Python (Rasa's environment) and read the JSON line it
prints last: the way tests check a piece of ``bot/`` against the real Rasa classes."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

from tools import engine_files


def run_engine_script(
    script: str, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> Any:
    """The last line ``script`` printed, as JSON; the script's stderr when it fails."""
    result = subprocess.run(
        [str(engine_files.ENGINE_PYTHON), "-c", script, *args],
        input=stdin,
        cwd=engine_files.ROOT,
        env={
            **engine_files.base_env(),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "PYTHONWARNINGS": "ignore",
            "HOME": os.environ.get("HOME", "/tmp"),
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
