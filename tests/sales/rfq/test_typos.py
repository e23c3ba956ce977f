"""Mistyped product words near a count, over generated typos."""

from __future__ import annotations

import functools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin
from pypinyin.constants import PINYIN_DICT

from sales.normalizers.word_edges import has_han
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


# ---- Chinese, typed by sound ---------------------------------------------------------------


@functools.cache
def _homophones() -> dict[str, list[str]]:
    """Toneless pinyin -> common characters read that way (the first reading of each)."""
    by_sound: dict[str, list[str]] = {}
    for code in PINYIN_DICT:
        char = chr(code)
        if not "\u4e00" <= char <= "\u9fff":
            continue
        sound = "".join(lazy_pinyin(char))
        by_sound.setdefault(sound, []).append(char)
    return by_sound


HAN_WORDS = sorted(
    {w for words in CATEGORY_WORDS.values() for w in words if w and all(has_han(c) for c in w)}
)


@st.composite
def han_typo(draw: st.DrawFn) -> tuple[str, str]:
    """A Han product word and the word with one character swapped for another of its sound."""
    word = draw(st.sampled_from(HAN_WORDS))
    at = draw(st.integers(min_value=0, max_value=len(word) - 1))
    sound = "".join(lazy_pinyin(word[at]))
    others = [c for c in _homophones().get(sound, []) if c != word[at]]
    if not others:
        return word, word
    return word, word[:at] + draw(st.sampled_from(others)) + word[at + 1 :]


@settings(max_examples=200, deadline=None)
@given(han_typo(), st.integers(min_value=2, max_value=99999), st.sampled_from(["个", "只", "套"]))
def test_a_han_word_typed_by_sound_near_a_count_is_the_product_word(
    edit: tuple[str, str], count: int, measure: str
) -> None:
    word, typo = edit
    fixed = correct(f"我们需要{count}{measure}{typo}，发到汉堡")
    sounds_alike = [w for w in HAN_WORDS if lazy_pinyin(w) == lazy_pinyin(word)]
    if len(sounds_alike) > 1:
        return  # two product words of one sound: left as written
    assert word in fixed, (typo, fixed)


@settings(max_examples=200, deadline=None)
@given(han_typo())
def test_a_han_name_far_from_any_count_is_left_as_written(edit: tuple[str, str]) -> None:
    _, typo = edit
    text = f"我是上海{typo}照明科技有限公司的采购经理"
    assert correct(text) == text


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("我们需要3000个桶灯", "我们需要3000个筒灯"),
        ("200个头光灯", "200个投光灯"),
        ("三千个桶灯", "三千个筒灯"),
        ("桶灯500个", "筒灯500个"),
    ],
)
def test_chinese_typos_seen_in_buyers_messages(text: str, fixed: str) -> None:
    assert correct(text) == fixed


@st.composite
def compound_typos(draw: st.DrawFn) -> tuple[str, str]:
    """A German compound with one letter of its head dropped: ("glasrohren", "glasrohen")."""
    from sales.rfq.typos import _compound_heads

    head = draw(st.sampled_from([h for h in _compound_heads() if len(h) >= 6]))
    modifier = draw(st.sampled_from(["glas", "decken", "industrie", "wand", "hochleistungs"]))
    at = draw(st.integers(1, len(head) - 2))
    typo = modifier + head[:at] + head[at + 1 :]
    assume(typo != modifier + head)
    return modifier + head, typo


@settings(max_examples=200, deadline=None)
@given(compound_typos())
def test_a_compound_with_a_mistyped_head_reads_as_its_category(pair: tuple[str, str]) -> None:
    word, typo = pair
    fixed = correct(f"Wir brauchen 400 {typo.capitalize()} 1200 mm")
    assert category_of(fixed) == category_of(word), (word, typo, fixed)


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("We need 2000 100W LED stret lights", "We need 2000 100W LED street lights"),
        ("quote 10k of 12W round Downligts", "quote 10k of 12W round downlights"),
        ("3000套T8玻离灯管", "3000套T8玻璃灯管"),  # a variant word typed by sound
        ("300 stret food stalls", "300 stret food stalls"),  # no phrase follows: as written
        ("3000 Glasröhren T8", "3000 Glasröhren T8"),  # a compound of ours: as written
        ("necesito reflecotres de 100W", "necesito reflectores de 100W"),  # a spec after it
        ("Il nous faut projeteurs LED 100W", "Il nous faut projecteurs LED 100W"),
        ("un devis pour tubse T8 en verre", "un devis pour tubes T8 en verre"),
    ],
)
def test_phrases_specs_and_variants(text: str, fixed: str) -> None:
    assert correct(text) == fixed
