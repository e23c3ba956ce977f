from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.stack import single_instance


def test_single_instance_lock_refuses_a_second_launcher_and_is_not_stale(tmp_path: Path) -> None:
    with (
        single_instance(tmp_path),
        pytest.raises(SystemExit, match="already running"),
        single_instance(tmp_path),
    ):
        pass
    with single_instance(tmp_path):  # released on exit
        pass
    # a launcher that dies leaves no stale lock: the kernel releases flock with the process
    code = (
        "import os, sys; from pathlib import Path; from tools.stack import single_instance\n"
        f"with single_instance(Path({str(tmp_path)!r})): os._exit(9)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 9
    with single_instance(tmp_path):
        pass
