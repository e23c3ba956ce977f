"""The answer scorer of bench/kb_bench.py: its invented-figure check finds a figure or code the
cited sources do not have (and only those), and its table reports the issue's goals."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bench.kb_bench import answer_table, invented_in, invented_sentences, score_answer
from knowledge.answers import Answer, answer
from knowledge.index import KnowledgeBase

DONT_KNOW = {"I don't know that"}


def test_a_number_the_source_does_not_have_is_invented() -> None:
    source = '{"sku": "X-1", "power_w": 40, "weight_kg": 2.6}'
    assert invented_in("The X-1 draws 40 W and weighs 2,6 kg.", [source]) == []
    assert invented_in("The X-1 draws 45 W.", [source]) == ["45"]
    assert invented_in("It weighs 2.7 kg.", [source]) == ["2.7"]


def test_a_code_must_be_in_the_source_as_a_code() -> None:
    # "67" is in the source (a weight), but the code IP67 is not: IP65 is
    source = '{"ip_rating": "IP65", "weight_kg": 0.67}'
    assert invented_in("Protection: IP65.", [source]) == []
    assert "IP67" in invented_in("Protection: IP67.", [source])
    assert invented_in("Surge 6kV", ['"surge_protection": "6 kV"']) == []


def test_a_real_spec_answer_is_grounded_and_a_tampered_one_is_invented(
    demo_kb: KnowledgeBase,
) -> None:
    item: dict[str, Any] = {
        "q": "luminous flux of HB-UFO-150W?",
        "lang": "en",
        "expect": {"contains": ["22500"]},
    }
    result = answer(demo_kb, item["q"], language="en")
    assert "22500" in result.text
    assert invented_sentences(demo_kb, result, "en") == []
    assert score_answer(item, result, DONT_KNOW, demo_kb) == "correct"

    tampered = replace(result, text=result.text.replace("22500", "23500"))
    found = invented_sentences(demo_kb, tampered, "en")
    assert [figures for _, figures in found] == [["23500"]]
    assert score_answer(item, tampered, DONT_KNOW, demo_kb) == "invented"


def test_a_sentence_added_to_a_market_verdict_is_invented(demo_kb: KnowledgeBase) -> None:
    result = answer(demo_kb, "Can we import FL-SL-30W-EC into Saudi Arabia?", language="en")
    assert "SASO" in result.text
    assert invented_sentences(demo_kb, result, "en") == []
    tampered = replace(result, text=result.text + " SABER registration takes 9731 days.")
    (sentence, figures), *rest = invented_sentences(demo_kb, tampered, "en")
    assert figures == ["9731"] and "SABER" in sentence and not rest


def test_a_retrieved_passage_is_its_own_source(demo_kb: KnowledgeBase) -> None:
    result = answer(demo_kb, "What deposit do you ask for?", language="en")
    assert result.confident and result.hits and any(c.isdigit() for c in result.text)
    assert invented_sentences(demo_kb, result, "en") == []
    assert "30 %" in result.text  # the passage's figure, grounded by the passage
    tampered = replace(result, text=result.text + " A deposit of 37% is due.")
    assert invented_sentences(demo_kb, tampered, "en") == [("A deposit of 37% is due.", ["37"])]


def test_a_source_that_names_nothing_grounds_nothing(demo_kb: KnowledgeBase) -> None:
    made_up = Answer(text="The lamp lasts 50,000 hours.", sources=["a brochure"], confident=True)
    assert invented_sentences(demo_kb, made_up, "en") == [
        ("The lamp lasts 50,000 hours.", ["50,000"])
    ]


def test_an_honest_dont_know_with_an_invented_figure_is_not_honest(demo_kb: KnowledgeBase) -> None:
    item: dict[str, Any] = {
        "q": "salt spray of FL-SL-100W?",
        "lang": "en",
        "expect": {"dont_know": True},
    }
    result = answer(demo_kb, "How many hours of salt spray does the FL-SL-100W pass?")
    assert not result.confident
    assert score_answer(item, result, DONT_KNOW, demo_kb) == "honest"
    guessed = replace(result, text="Probably about 480 hours. " + result.text)
    assert score_answer(item, guessed, DONT_KNOW, demo_kb) == "invented"


def test_the_table_marks_a_group_short_of_a_goal() -> None:
    rows = [("en", "market", False, "correct")] * 12 + [("de", "market", False, "correct")] * 11
    rows += [("de", "market", False, "wrong"), ("de", "absent", True, "honest")]
    lines = answer_table(rows)
    by_name = {line.split("  ")[0].strip(): line for line in lines[1:]}
    assert not by_name["lang en"].endswith("!")
    assert by_name["lang de"].endswith("!")  # 1 wrong of 13: 7.7% > 1%
    assert by_name["kind absent"].split()[-4:] == ["100.0%", "-", "100.0%", "0.0%"]
