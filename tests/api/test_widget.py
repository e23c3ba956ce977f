"""/widget.js: the widget's script with its texts written in from the message catalog, every UI
language complete, served with an ETag."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from api.widget import MARKER, SOURCE, widget_texts
from i18n import LANGUAGES, t


def _served_texts(script: str) -> dict[str, dict[str, str]]:
    found = re.search(r"const STRINGS = (\{.*?\n  \});", script, re.DOTALL)
    assert found, "the served script defines its texts"
    texts: dict[str, dict[str, str]] = json.loads(found.group(1))
    return texts


def test_the_served_widget_carries_the_catalogs_texts(client: TestClient) -> None:
    served = client.get("/widget.js")
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("text/javascript")
    assert MARKER not in served.text
    texts = _served_texts(served.text)
    assert set(texts) == set(LANGUAGES)
    english = set(texts["en"])
    assert {"title", "welcome", "placeholder", "tooLong", "retry"} <= english
    for language in LANGUAGES:
        assert set(texts[language]) == english, language
        assert texts[language]["title"] == t("widget.title", language)
    assert texts["de"]["title"] != texts["en"]["title"]


def test_every_text_the_widget_uses_is_in_the_catalog() -> None:
    source = SOURCE.read_text(encoding="utf-8")
    used = set(re.findall(r"""\bt\(\s*["']([A-Za-z]+)["']""", source))
    assert used, "the widget says its texts with t('key')"
    assert used <= set(widget_texts()["en"]), used - set(widget_texts()["en"])


def test_the_widget_is_revalidated_by_its_etag(client: TestClient) -> None:
    first = client.get("/widget.js")
    etag = first.headers["etag"]
    again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/widget.js", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200 and other.content == first.content
