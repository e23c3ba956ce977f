"""The quotation PDF's fonts: `python -m tools.fonts ensure`.

`ensure` makes sure a CJK font is installed so that Chinese quotations and Chinese company or
contact names render as real glyphs (``sales.quotes.pdf`` looks for Noto Sans CJK, WenQuanYi or
Droid Sans Fallback). When none is found it installs Debian's ``fonts-wqy-microhei`` (apt-get,
with sudo when not root, as ``tools.browser`` does for Chromium). DejaVu Sans, the Latin font,
is checked too and installed (``fonts-dejavu-core``) if missing.
"""

from __future__ import annotations

import argparse
import sys

from sales.quotes.pdf import CJK_FONT_CANDIDATES, LATIN_FONTS, find_font
from tools.apt import apt_install

CJK_PACKAGE = "fonts-wqy-microhei"
LATIN_PACKAGE = "fonts-dejavu-core"


def _say(text: str) -> None:
    print(f"[fonts] {text}", flush=True)


def cjk_font() -> str | None:
    """The path of the CJK font the PDF will use, if one is installed."""
    for relative, _number in CJK_FONT_CANDIDATES:
        path = find_font(relative)
        if path is not None:
            return str(path)
    return None


def latin_fonts_present() -> bool:
    return all(find_font(relative) is not None for relative, *_ in LATIN_FONTS.values())


def ensure_fonts() -> str:
    """Install the missing fonts; the CJK font's path."""
    missing = [] if latin_fonts_present() else [LATIN_PACKAGE]
    found = cjk_font()
    if found is None:
        missing.append(CJK_PACKAGE)
    if missing:
        apt_install(*missing, say="fonts")
    if not latin_fonts_present():
        raise SystemExit(f"{LATIN_PACKAGE} was installed but DejaVu Sans is still missing")
    found = cjk_font()
    if found is None:
        raise SystemExit(f"{CJK_PACKAGE} was installed but no CJK font was found")
    _say(f"CJK font {'installed' if missing else 'present'}: {found}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.fonts")
    parser.add_argument("command", choices=["ensure"])
    parser.parse_args(argv)
    ensure_fonts()
    return 0


if __name__ == "__main__":
    sys.exit(main())
