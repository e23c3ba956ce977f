"""Debian packages the project's tests and PDFs need (Chromium, fonts): `apt_install`."""

from __future__ import annotations

import os
import shutil
import subprocess


def _run(argv: list[str], say: str) -> None:
    print(f"[{say}] running: {' '.join(argv)}", flush=True)
    subprocess.run(argv, check=True)


def apt_install(*packages: str, say: str = "apt") -> None:
    """``apt-get install -y`` (sudo when not root), updating the lists once if that fails."""
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    names = " ".join(packages)
    if sudo and not shutil.which("sudo"):
        raise SystemExit(f"{names} missing and sudo is not available: apt-get install {names}")
    command = [*sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
    try:
        _run([*command, "install", "-y", *packages], say)
    except subprocess.CalledProcessError:
        print(f"[{say}] apt-get install failed; updating the package lists and trying again")
        _run([*command, "update"], say)
        _run([*command, "install", "-y", *packages], say)
