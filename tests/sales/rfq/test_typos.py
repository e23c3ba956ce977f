"""Mistyped product words near a count, over generated typos."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sales.rfq.products import CATEGORY_WORDS, category_of
from sales.rfq.typos import _vocabulary, correct

WORDS = sorted(w for w in _vocabulary() if len(w) >= 6)


@st.composite
def one_edit(draw: st.DrawFn) -> tuple[str, str]:
    word = draw(st.sampled_from(WORDS))
    at = draw(st.integers(1, len(word) - 2))  # first and last letters kept
    kind = draw(st.sampled_from(["drop", "double", "swap", "replace"]))
    if kind == "drop":
        typo = word[:at] + word[at + 1 :]
    elif kind == "double":
        typo = word[:at] + word[at] + word[at:]
    elif kind == "swap":
        typo = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    else:
        typo = word[:at] + draw(st.sampled_from("aeioutrsnl")) + word[at + 1 :]
    assume(typo != word)
    return word, typo


@settings(max_examples=300, deadline=None)
@given(one_edit(), st.sampled_from(["500 {}", "2,5k {}", "we need 300 {} please", "1000 pcs {}"]))
def test_a_typo_after_a_count_reads_as_a_word_of_the_same_category(
    edit: tuple[str, str], template: str
) -> None:
    word, typo = edit
    fixed = correct(template.format(typo))
    if fixed == template.format(typo):
        return  # equally close to words of two categories, or a word itself: left as written
    assert category_of(fixed) == category_of(word), (word, typo, fixed)


@settings(max_examples=200, deadline=None)
@given(one_edit())
def test_without_a_count_nothing_changes(edit: tuple[str, str]) -> None:
    _, typo = edit
    text = f"Contact {typo.capitalize()} Trading Ltd in Lagos"
    assert correct(text) == text


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("500 flood lites", "500 flood lights"),
        ("2,5k Downligts", "2,5k downlights"),
        ("1000 pannels", "1000 panels"),
        ("300 higbays", "300 highbays"),
    ],
)
def test_typos_seen_in_buyers_messages(text: str, fixed: str) -> None:
    assert correct(text) == fixed


def test_every_category_has_words() -> None:
    assert all(CATEGORY_WORDS.values())
