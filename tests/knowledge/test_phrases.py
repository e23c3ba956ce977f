"""The lexicons' phrases as one pattern (knowledge/phrases.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from knowledge.phrases import phrase_pattern

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
