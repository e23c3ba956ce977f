"""The message catalog: every buyer-facing text in every supported language, in one place."""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES: tuple[str, ...] = ("en", "zh", "es", "de", "pt", "fr")
DEFAULT_LANGUAGE = "en"
MESSAGES = Path(__file__).parent / "messages"


class MissingMessage(KeyError):
    """No message with this key, not even in English: a programming error."""


def language_of(value: str | None) -> str:
    """A supported language code from a language tag or name ("zh-CN" -> "zh"), else English."""
    code = (value or "").replace("_", "-").split("-")[0].strip().lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def _flatten(prefix: str, node: Any, out: dict[str, Any]) -> None:
    # A mapping with a "text" key is one message (a bot response with buttons), not a group.
    if isinstance(node, Mapping) and "text" not in node:
        for key, value in node.items():
            _flatten(f"{prefix}.{key}", value, out)
    else:
        out[prefix] = node


@cache
def catalog(language: str) -> dict[str, Any]:
    """All messages of one language, by dotted key ("<area>.<name>")."""
    out: dict[str, Any] = {}
    folder = MESSAGES / language
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        _flatten(path.stem, data, out)
    return out


def _lookup(key: str, language: str | None) -> Any:
    lang = language_of(language)
    found = catalog(lang).get(key)
    if found is None and lang != DEFAULT_LANGUAGE:
        found = catalog(DEFAULT_LANGUAGE).get(key)
    if found is None:
        raise MissingMessage(key)
    return found


class _Params(dict[str, Any]):
    """Format parameters; a missing one is a programming error named in the exception."""

    def __missing__(self, key: str) -> Any:
        raise KeyError(f"message parameter {key!r} not given")


def _render(template: str, params: Mapping[str, Any]) -> str:
    return string.Formatter().vformat(template, (), _Params(params))


def t(key: str, language: str | None, /, **params: Any) -> str:
    """One message in the buyer's language (English where a translation is missing)."""
    found = _lookup(key, language)
    if not isinstance(found, str):
        raise MissingMessage(f"{key} is a response, not a text; use response()")
    return _render(found, params)


class Msg(str):
    """A catalog message that reads as its English text and can be said in any language.

    Library code (normalisers, RFQ rules) returns ``Msg`` where it used to return an English
    sentence; the action that talks to the buyer calls ``localize(value, language)``. Values that
    travel through JSON (slots) lose the type, so localise before storing them.
    """

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Msg:
        self = super().__new__(cls, t(key, DEFAULT_LANGUAGE, **params))
        self.key = key
        self.params = params
        return self

    def render(self, language: str | None) -> str:
        return t(self.key, language, **{k: localize(v, language) for k, v in self.params.items()})


def localize(value: Any, language: str | None) -> Any:
    """``value`` with every ``Msg`` in it (also inside lists and dicts) said in ``language``."""
    if isinstance(value, Msg):
        return value.render(language)
    if isinstance(value, dict):
        return {k: localize(v, language) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(localize(v, language) for v in value)
    return value


def response(name: str, language: str | None, /, **params: Any) -> dict[str, Any]:
    """A bot response (text and optional buttons) from the `responses` area."""
    found = _lookup(f"responses.{name}", language)
    if isinstance(found, str):
        return {"text": _render(found, params), "buttons": []}
    buttons = [
        {"title": _render(b["title"], params), "payload": b["payload"]}
        for b in found.get("buttons") or []
    ]
    return {"text": _render(found["text"], params), "buttons": buttons}
