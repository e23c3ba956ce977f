"""tools.mailserver: dovecot found where Debian puts it, installed by apt only when missing,
and the system service the package may start stopped (the tests start their own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import mailserver


def test_present_means_no_apt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    binary = tmp_path / "dovecot"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.setenv("DOVECOT_PATH", str(binary))
    monkeypatch.setattr(mailserver, "imap_available", lambda: True)
    monkeypatch.setattr(mailserver, "apt_install", lambda *a, **k: pytest.fail("apt called"))
    assert mailserver.ensure_dovecot() == str(binary)


def test_missing_is_installed_and_its_service_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    installed: list[tuple[str, ...]] = []
    stopped: list[bool] = []
    state = {"present": False}

    def apt(*packages: str, say: str) -> None:
        installed.append(packages)
        state["present"] = True

    monkeypatch.delenv("DOVECOT_PATH", raising=False)
    monkeypatch.setattr(mailserver, "imap_available", lambda: state["present"])
    monkeypatch.setattr(mailserver, "dovecot_path", lambda: "/usr/sbin/dovecot")
    monkeypatch.setattr(mailserver, "apt_install", apt)
    monkeypatch.setattr(mailserver, "_stop_system_service", lambda: stopped.append(True))
    assert mailserver.ensure_dovecot() == "/usr/sbin/dovecot"
    assert installed == [("dovecot-imapd",)] and stopped == [True]


def test_still_missing_after_apt_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mailserver, "imap_available", lambda: False)
    monkeypatch.setattr(mailserver, "dovecot_path", lambda: None)
    monkeypatch.setattr(mailserver, "apt_install", lambda *a, **k: None)
    monkeypatch.setattr(mailserver, "_stop_system_service", lambda: None)
    with pytest.raises(SystemExit, match="dovecot-imapd was installed"):
        mailserver.ensure_dovecot()
