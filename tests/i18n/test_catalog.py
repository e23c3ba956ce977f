"""The message catalog: complete in every language, same placeholders, safe rendering."""

from __future__ import annotations

import string
from typing import Any

import pytest

from i18n import LANGUAGES, MissingMessage, Msg, catalog, language_of, localize, response, t


def _fields(value: Any) -> set[str]:
    texts = (
        [value]
        if isinstance(value, str)
        else [value["text"]] + [b["title"] for b in value.get("buttons") or []]
    )
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_english_message() -> None:
    english = catalog("en")
    assert english, "the English catalog is empty"
    for lang in LANGUAGES:
        missing = sorted(set(english) - set(catalog(lang)))
        extra = sorted(set(catalog(lang)) - set(english))
        assert not missing, f"{lang} lacks {missing[:10]}"
        assert not extra, f"{lang} has keys English does not: {extra[:10]}"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_translations_use_the_same_placeholders_and_buttons(lang: str) -> None:
    for key, english in catalog("en").items():
        other = catalog(lang)[key]
        assert _fields(other) == _fields(english), f"{lang}:{key} placeholders differ"
        if isinstance(english, dict):
            assert [b["payload"] for b in other.get("buttons") or []] == [
                b["payload"] for b in english.get("buttons") or []
            ], f"{lang}:{key} buttons differ"


def test_language_of_maps_tags_and_falls_back_to_english() -> None:
    assert language_of("zh-CN") == "zh"
    assert language_of("pt_BR") == "pt"
    assert language_of("ja") == "en"
    assert language_of(None) == "en"


def test_unknown_key_is_an_error_and_missing_parameter_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(MissingMessage):
        t("core.no_such_message", "de")
    monkeypatch.setitem(catalog("en"), "test.hello", "Hello {name}")
    monkeypatch.setitem(catalog("de"), "test.hello", "Hallo {name}")
    assert t("test.hello", "de", name="Anna") == "Hallo Anna"
    assert t("test.hello", "fr", name="Anna") == "Hello Anna"  # English where one is missing
    assert Msg("test.hello", name="Anna").render("de") == "Hallo Anna"
    with pytest.raises(KeyError, match="not given"):
        t("test.hello", "en")


def test_msg_reads_as_english_and_renders_in_any_language() -> None:
    key = next(k for k, v in catalog("en").items() if isinstance(v, str) and not _fields(v))
    message = Msg(key)
    assert message == t(key, "en")
    assert localize({"a": [message]}, "de") == {"a": [t(key, "de")]}
    assert localize("plain", "zh") == "plain"


def test_responses_render_text_and_buttons() -> None:
    greet = response("utter_greet", "es")
    assert greet["text"] and greet["text"] != response("utter_greet", "en")["text"]
    assert all(b["payload"].startswith("/") for b in greet["buttons"])


def test_parameters_may_be_named_like_the_arguments() -> None:
    """The engine's NLG passes every slot, the `language` slot among them, as parameters."""
    assert response("utter_greet", "de", language="de", name="x") == response("utter_greet", "de")
