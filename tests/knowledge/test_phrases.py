"""The lexicons' phrases as one pattern (knowledge/phrases.py)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from knowledge.phrases import LATIN_END, LATIN_START, phrase_pattern

LATIN = st.text(alphabet="abcdefghij ", min_size=2, max_size=12).map(str.strip).filter(bool)


@given(st.lists(LATIN, min_size=1, max_size=6), st.data())
def test_a_latin_phrase_is_found_on_its_own_and_never_inside_a_word(
    phrases: list[str], data: st.DataObject
) -> None:
    phrase = data.draw(st.sampled_from(phrases))
    pattern = phrase_pattern(phrases)
    assert pattern.search(f"what about {phrase.upper()}?")  # case is ignored
    assert pattern.search(f"的{phrase}是")  # beside Chinese, which has no spaces
    assert not phrase_pattern([phrase]).search(f"x{phrase}y")  # not inside a longer word


def test_the_longest_phrase_wins_and_chinese_is_found_anywhere() -> None:
    pattern = phrase_pattern(["storage", "storage temperature", "温度"])
    assert [m.group(0) for m in pattern.finditer("storage temperature 存储温度")] == [
        "storage temperature",
        "温度",
    ]


def test_no_phrases_match_nothing() -> None:
    assert phrase_pattern([]).search("anything") is None


def _one_alternative_each(phrases: list[str], latin_ending: str) -> re.Pattern[str]:
    """The plain form phrase_pattern stands for: every phrase, longest first, each Latin one
    inside its own edges (what it compiled to before, 14 s for the attribute words)."""
    ending = f"(?:{latin_ending})?" if latin_ending else ""
    alternatives = [
        re.escape(w) if _HAN.search(w) else f"{LATIN_START}{re.escape(w)}{ending}{LATIN_END}"
        for w in sorted(set(phrases), key=len, reverse=True)
    ]
    return re.compile("|".join(alternatives), re.IGNORECASE)


_HAN = re.compile(r"[\u3400-\u9fff]")
# Latin letters in both cases, the plural endings' letters, Chinese, digits, spaces, a hyphen.
MIXED = st.text(alphabet="abSsEeNn温度的3 -", min_size=1, max_size=6)
# What a text is made of: the phrases, endings, other letters and separators, in any order.
PIECES = ["s", "es", "N", "en", "a", "温", " ", "-", ".", "3"]


@given(
    st.lists(MIXED.filter(str.strip), min_size=1, max_size=8),
    st.sampled_from(["", "s|es|n|en"]),
    st.data(),
)
def test_the_same_matches_as_one_alternative_per_phrase(
    phrases: list[str], latin_ending: str, data: st.DataObject
) -> None:
    pattern = phrase_pattern(phrases, latin_ending=latin_ending)
    plain = _one_alternative_each(phrases, latin_ending)
    pieces = st.lists(st.sampled_from([*phrases, *PIECES]), max_size=10).map("".join)
    for text in data.draw(st.lists(pieces, min_size=1, max_size=4)):
        assert [m.span() for m in pattern.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]
        for start in range(len(text)):
            found, expected = pattern.match(text, start), plain.match(text, start)
            assert (found and found.span()) == (expected and expected.span())
