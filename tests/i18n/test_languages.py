"""The README's "Adding a language", checked: each language of ``LANGUAGES`` has every file and
every entry the recipe names, so that a seventh language fails here until it is complete.
(Its messages are checked key by key in test_catalog.py, its lexicon list by list in
test_lexicon.py.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from i18n import LANGUAGES
from i18n.detect import _LANGUAGE_NAMES, _LINGUA
from i18n.formatting import BABEL_LOCALES
from i18n.lexicon import KINDS, LEXICON, PATTERN_KINDS, READING_KINDS
from knowledge import glossary, text_tokens
from sales.normalizers.local_text import QUOTES

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "i18n" / "messages"


def _keys(path: str) -> set[str]:
    return set(yaml.load((ROOT / path).read_text("utf-8"), Loader=yaml.BaseLoader))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_file(language: str) -> None:
    areas = {p.name for p in (MESSAGES / "en").glob("*.yaml")}
    assert {p.name for p in (MESSAGES / language).glob("*.yaml")} == areas
    assert (LEXICON / f"{language}.yaml").is_file()
    nlu = "nlu.yml" if language == "en" else f"nlu_{language}.yml"
    assert (ROOT / "bot" / "data" / nlu).is_file()
    assert (ROOT / "sales" / "rfq" / "product_words" / f"{language}.yaml").is_file()
    assert (text_tokens.STOPWORD_DIR / f"{language}.txt").is_file()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_entry(language: str) -> None:
    assert language in BABEL_LOCALES
    assert language in _LINGUA  # the detector
    assert language in _LANGUAGE_NAMES  # "auf Deutsch bitte" (the lexicons' language_names)
    assert language in QUOTES
    assert language in text_tokens.LANGUAGES
    assert language in glossary.COLUMNS  # a column of knowledge/lexicon/glossary.tsv
    assert language in _keys("knowledge/lexicon/question_words.yaml")
    assert language in _keys("sales/normalizers/data/certification_words.yaml")


def test_no_entry_for_a_language_we_do_not_serve() -> None:
    for entries in (BABEL_LOCALES, _LINGUA, _LANGUAGE_NAMES, QUOTES):
        assert set(entries) == set(LANGUAGES)
    assert set(text_tokens.LANGUAGES) == set(glossary.COLUMNS) == set(LANGUAGES)
    assert {p.name for p in MESSAGES.iterdir() if p.is_dir()} == set(LANGUAGES)


def _lexicon(language: str) -> dict[str, Any]:
    text = (LEXICON / f"{language}.yaml").read_text("utf-8")
    return yaml.load(text, Loader=yaml.BaseLoader) or {}


def _gaps(lexicons: dict[str, dict[str, Any]]) -> list[str]:
    """What the languages' lexicons lack: a list or pattern list of the lexicon, or a code of
    the normalisers' lists (READING_KINDS) that another language names (a language without
    such words writes an empty list: a missing code is a gap, not a choice)."""
    keys = {*KINDS, *PATTERN_KINDS, *READING_KINDS}
    gaps = [f"{lang}: {key}" for lang, table in lexicons.items() for key in keys - set(table)]
    gaps += [
        f"{lang}: unknown {key}" for lang, table in lexicons.items() for key in set(table) - keys
    ]
    for kind in READING_KINDS:
        codes = {code for table in lexicons.values() for code in table.get(kind) or {}}
        for lang, table in lexicons.items():
            if kind in table:  # else reported above
                gaps += [f"{lang}: {kind}.{code}" for code in codes - set(table[kind] or {})]
    return gaps


def test_every_language_has_every_lexicon_key() -> None:
    assert _gaps({language: _lexicon(language) for language in LANGUAGES}) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reading_list_is_a_list_of_patterns(language: str) -> None:
    for kind in READING_KINDS:
        for code, alternatives in _lexicon(language)[kind].items():
            assert isinstance(alternatives, list), f"{language}: {kind}.{code} is no list"
            for alternative in alternatives:
                re.compile(alternative)


def test_a_language_lacking_a_key_or_a_code_is_found() -> None:
    lexicons = {language: _lexicon(language) for language in LANGUAGES}
    del lexicons["fr"]["decline"]
    del lexicons["zh"]["contact_words"]["possessive"]  # written as [] in zh.yaml
    del lexicons["de"]["contact_words"]
    assert set(_gaps(lexicons)) == {
        "fr: decline",
        "zh: contact_words.possessive",
        "de: contact_words",
    }
