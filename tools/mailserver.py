"""The IMAP server the mail tests poll: `python -m tools.mailserver ensure`.

`ensure` makes sure Debian's dovecot (``dovecot-imapd``, with ``dovecot-core``) is installed
(apt-get, with sudo when not root, as ``tools.browser`` does for Chromium). The tests start
their own dovecot on a free loopback port with a configuration of their own in a temporary
folder (``tests/sales/mail/imap_server.py``); the system service is not needed, so where the
package's installation started it (a machine booted with systemd) it is stopped and disabled:
installing a test dependency must not leave an IMAP server listening on the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tools.apt import apt_install

PACKAGE = "dovecot-imapd"
SEARCH_PATH = ("/usr/sbin", "/usr/local/sbin", "/sbin")


def _say(text: str) -> None:
    print(f"[mailserver] {text}", flush=True)


def dovecot_path() -> str | None:
    """The dovecot binary (DOVECOT_PATH overrides), or None."""
    override = os.environ.get("DOVECOT_PATH")
    if override:
        return override
    found = shutil.which("dovecot")
    if found:
        return found
    for folder in SEARCH_PATH:
        candidate = Path(folder) / "dovecot"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def imap_available() -> bool:
    """dovecot and its IMAP service (the ``imap`` and ``imap-login`` programs) are installed."""
    binary = dovecot_path()
    if binary is None:
        return False
    libexec = Path("/usr/lib/dovecot")
    return not libexec.is_dir() or (libexec / "imap").exists()


def _stop_system_service() -> None:
    systemctl = shutil.which("systemctl")
    if systemctl is None or not Path("/run/systemd/system").is_dir():
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    _say("stopping and disabling the system's dovecot service (the tests start their own)")
    subprocess.run(
        [*sudo, systemctl, "disable", "--now", "dovecot.service", "dovecot.socket"], check=False
    )


def ensure_dovecot() -> str:
    if imap_available():
        path = dovecot_path()
        assert path is not None
        _say(f"dovecot present: {path}")
        return path
    apt_install(PACKAGE, say="mailserver")
    _stop_system_service()
    path = dovecot_path()
    if path is None or not imap_available():
        raise SystemExit(f"{PACKAGE} was installed but dovecot's IMAP service is missing")
    _say(f"dovecot installed: {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.mailserver")
    parser.add_argument("command", choices=["ensure"])
    parser.parse_args(argv)
    ensure_dovecot()
    return 0


if __name__ == "__main__":
    sys.exit(main())
