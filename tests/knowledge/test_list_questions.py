"""Questions that ask which of our products, or which ones of a range, have something."""

from __future__ import annotations

import pytest
import yaml

from knowledge.categories import CATEGORY_WORDS, EXTRA_WORDS
from knowledge.index import KnowledgeBase
from knowledge.list_questions import WORDS_FILE, asks_for_a_list


def _askers() -> list[str]:
    return [str(word) for word in yaml.safe_load(WORDS_FILE.read_text("utf-8"))["range_askers"]]


def test_every_asker_before_every_range_word_asks_for_a_list() -> None:
    """Each asking word followed by any word of any range, in any language, is a list question
    ("which of your drivers", "welche Ihrer Röhren", "哪些路灯"); the asking word followed by
    no range word is not."""
    words = {w for table in (CATEGORY_WORDS, EXTRA_WORDS) for ws in table.values() for w in ws}
    assert len(words) > 100
    phrases = {str(p) for p in yaml.safe_load(WORDS_FILE.read_text("utf-8"))["phrases"]}
    for asker in _askers():
        for word in words:
            assert asks_for_a_list(f"{asker} {word} have a CB report?"), (asker, word)
        if asker not in phrases:  # "哪几款" asks for a list by itself
            assert not asks_for_a_list(f"{asker} payment terms do you accept?"), asker


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("which of your drivers come with a CB test certificate?", "Our CB-certified products"),
        ("¿qué productos suyos llevan la marca cULus Listed?", "Our UL products"),
        ("Welche Ihrer Strahler sind cULus-gelistet?", "Our UL products"),
    ],
)
def test_a_list_question_finds_the_passage_that_lists_them(
    demo_kb: KnowledgeBase, question: str, section: str
) -> None:
    assert section in [hit.section for hit in demo_kb.search(question, 3)]
