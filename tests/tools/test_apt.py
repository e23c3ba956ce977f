"""apt_install on this machine's real apt (the package is installed already: nothing to fetch)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tools.apt import apt_install


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="not a Debian machine")
def test_installing_an_installed_package_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    apt_install("fonts-wqy-microhei", say="test")  # make test installs it before the suite
    assert "[test] running: " in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="not a Debian machine")
def test_an_unknown_package_is_an_error() -> None:
    with pytest.raises(subprocess.CalledProcessError):  # after updating the lists and retrying
        apt_install("exportdesk-no-such-package", say="test")
