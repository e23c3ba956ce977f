"""The chat widget's script as the app serves it: ``api/static/widget.js`` with the texts of
each UI language written in from the message catalog (``widget.*``), so that the widget's words
are translated and kept in one place with every other buyer-facing text.

The script is built once per process and served with an ETag (a browser revalidates it).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from i18n import LANGUAGES, catalog

SOURCE = Path(__file__).with_name("static") / "widget.js"
MARKER = "/*@catalog:widget*/ {}"
AREA = "widget."


class WidgetMissing(FileNotFoundError):
    """``widget.js`` is not in the package, or has no place for its texts."""


@dataclass(frozen=True)
class WidgetScript:
    body: bytes
    etag: str


def widget_texts() -> dict[str, dict[str, str]]:
    """The widget's texts by UI language and key ("en" -> {"title": "Sales chat", ...})."""
    return {
        language: {
            key.removeprefix(AREA): str(text)
            for key, text in catalog(language).items()
            if key.startswith(AREA)
        }
        for language in LANGUAGES
    }


@cache
def widget_script() -> WidgetScript:
    if not SOURCE.exists():
        raise WidgetMissing("widget.js is not installed")
    source = SOURCE.read_text(encoding="utf-8")
    if source.count(MARKER) != 1:
        raise WidgetMissing(f"widget.js must hold {MARKER!r} once, where its texts go")
    texts = json.dumps(widget_texts(), ensure_ascii=False, indent=2, sort_keys=True)
    body = source.replace(MARKER, texts.replace("\n", "\n  ")).encode("utf-8")
    return WidgetScript(body=body, etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"')
