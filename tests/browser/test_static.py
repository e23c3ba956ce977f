"""Checks on the widget's and the demo page's source that need no browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools.browser import DEMO_PAGE, BrowserMissing, chromium_path, demo_style_hashes, style_hash

WIDGET = Path(__file__).resolve().parents[2] / "api" / "static" / "widget.js"


def test_the_demo_page_csp_allows_its_own_style_block_only() -> None:
    html = DEMO_PAGE.read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp, "the demo page declares its CSP"
    policy = csp.group(1)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    for source in demo_style_hashes(html):
        assert source in policy, "run `python -m tools.browser demo-csp` after editing its CSS"
    assert "<script>" not in html and "style=" not in html


def test_the_widget_never_builds_html_from_strings() -> None:
    source = WIDGET.read_text(encoding="utf-8")
    for banned in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
    ):
        assert banned not in source, banned


def test_chromium_path_honours_an_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMIUM_PATH", "/opt/chromium/chrome")
    assert chromium_path() == "/opt/chromium/chrome"
    monkeypatch.delenv("CHROMIUM_PATH")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BrowserMissing, match=r"tools\.browser ensure"):
        chromium_path()


def test_style_hash_is_the_csp_source_for_the_block() -> None:
    # the example from CSP Level 3 (https://www.w3.org/TR/CSP3/#external-hash)
    assert style_hash("alert('Hello, world.');") == (
        "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
    )
