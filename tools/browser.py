"""The browser tests' prerequisites: `python -m tools.browser ensure|demo-csp`.

`ensure` makes sure Debian's Chromium is installed (apt-get, with sudo when not root; a browser
is never downloaded through Playwright) and that axe-core, the accessibility checker the tests
inject into the page, is in var/node (npm, from the npm registry). `demo-csp` writes the hash of
the demo page's <style> block into its Content-Security-Policy after the page's CSS changed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from api.settings import ROOT
from tools.apt import apt_install

CHROMIUM_NAMES = ("chromium", "chromium-browser")
NODE_PREFIX = ROOT / "var" / "node"
AXE_JS = NODE_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PAGE = ROOT / "api" / "static" / "demo.html"

_STYLE_RE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_STYLE_SRC_RE = re.compile(r"style-src 'self'[^;\"]*")


def _say(text: str) -> None:
    print(f"[browser] {text}", flush=True)


class BrowserMissing(RuntimeError):
    pass


def chromium_path() -> str:
    """The Chromium the tests drive (Debian's package; CHROMIUM_PATH overrides)."""
    override = os.environ.get("CHROMIUM_PATH")
    if override:
        return override
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserMissing("Chromium is not installed: run `python -m tools.browser ensure`")


def _run(argv: list[str]) -> None:
    _say("running: " + " ".join(argv))
    subprocess.run(argv, check=True)


def ensure_chromium() -> str:
    try:
        path = chromium_path()
    except BrowserMissing:
        pass
    else:
        _say(f"chromium present: {path}")
        return path
    apt_install("chromium", say="browser")
    path = chromium_path()
    _say(f"chromium installed: {path}")
    return path


def ensure_axe() -> Path:
    if AXE_JS.exists():
        _say(f"axe-core present: {AXE_JS.relative_to(ROOT)}")
        return AXE_JS
    npm = shutil.which("npm")
    if not npm:
        raise SystemExit("npm is needed to fetch axe-core for the accessibility test")
    NODE_PREFIX.mkdir(parents=True, exist_ok=True)
    _run(
        [
            npm,
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(NODE_PREFIX),
            "axe-core@4",
        ]
    )
    if not AXE_JS.exists():
        raise SystemExit(f"npm ran but {AXE_JS} is missing")
    return AXE_JS


def style_hash(css: str) -> str:
    """The CSP source expression that allows exactly this <style> block."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def demo_style_hashes(html: str) -> list[str]:
    return [style_hash(block) for block in _STYLE_RE.findall(html)]


def update_demo_csp(page: Path = DEMO_PAGE) -> bool:
    """Put the hashes of the page's <style> blocks into its style-src; True if it changed."""
    html = page.read_text(encoding="utf-8")
    wanted = " ".join(["style-src 'self'", *demo_style_hashes(html)])
    updated, count = _STYLE_SRC_RE.subn(wanted, html, count=1)
    if count != 1:
        raise SystemExit(f"no style-src 'self' in the CSP of {page}")
    if updated != html:
        page.write_text(updated, encoding="utf-8")
        return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.browser")
    parser.add_argument("command", choices=["ensure", "demo-csp"])
    args = parser.parse_args(argv)
    if args.command == "ensure":
        ensure_chromium()
        ensure_axe()
    else:
        changed = update_demo_csp()
        _say("demo page CSP updated" if changed else "demo page CSP already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
