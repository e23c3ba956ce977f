"""apt_install: its one retry after updating the package lists, against a fake apt-get on PATH
(make check); and on this machine's real apt (the `apt` marker: make test only, since updating
the lists fetches them from the network, about 15 s)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tools.apt import apt_install

# Logs its arguments; `install` fails (as apt-get does, with 100) until `update` has run, and
# always for the package no list has.
FAKE_APT_GET = """#!/bin/sh
echo "$*" >> "$APT_LOG"
case "$1" in
  update) touch "$APT_LOG.updated" ;;
  install) [ -e "$APT_LOG.updated" ] && [ "$3" != exportdesk-no-such-package ] || exit 100 ;;
esac
"""


@pytest.fixture
def fake_apt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake apt-get (and sudo, for a user other than root) first on PATH; its log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, script in (("apt-get", FAKE_APT_GET), ("sudo", '#!/bin/sh\nexec "$@"\n')):
        (bin_dir / name).write_text(script)
        (bin_dir / name).chmod(0o755)
    log = tmp_path / "apt.log"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("APT_LOG", str(log))
    return log


def _calls(log: Path) -> list[str]:
    return log.read_text().splitlines()


def test_an_install_that_succeeds_does_not_update_the_lists(fake_apt: Path) -> None:
    Path(f"{fake_apt}.updated").touch()
    apt_install("fonts-wqy-microhei", say="test")
    assert _calls(fake_apt) == ["install -y fonts-wqy-microhei"]


def test_a_failed_install_updates_the_lists_once_and_retries(fake_apt: Path) -> None:
    apt_install("fonts-wqy-microhei", "fonts-dejavu-core", say="test")
    install = "install -y fonts-wqy-microhei fonts-dejavu-core"
    assert _calls(fake_apt) == [install, "update", install]


def test_a_package_no_list_has_is_an_error_after_one_update(fake_apt: Path) -> None:
    with pytest.raises(subprocess.CalledProcessError):
        apt_install("exportdesk-no-such-package", say="test")
    install = "install -y exportdesk-no-such-package"
    assert _calls(fake_apt) == [install, "update", install]


@pytest.fixture
def machine_apt() -> None:
    """This machine's apt-get (the test is marked `apt`: tests/conftest.py)."""
    if shutil.which("apt-get") is None:
        pytest.skip("not a Debian machine")


def test_installing_an_installed_package_succeeds(
    machine_apt: None, capsys: pytest.CaptureFixture[str]
) -> None:
    apt_install("fonts-wqy-microhei", say="test")  # make test installs it before the suite
    assert "[test] running: " in capsys.readouterr().out


def test_an_unknown_package_is_an_error(machine_apt: None) -> None:
    with pytest.raises(subprocess.CalledProcessError):  # after updating the lists and retrying
        apt_install("exportdesk-no-such-package", say="test")
