"""A model described by its range and power ("the 150W high bay", "Ihr 1000-Watt-Stadionstrahler")
is the one record that fits, in search as in answers."""

from __future__ import annotations

import pytest

from knowledge.categories import compound_category, find_category
from knowledge.described import described_model, power_named
from knowledge.index import KnowledgeBase


@pytest.mark.parametrize(
    ("text", "power"),
    [
        ("the 150W high bay", 150.0),
        ("Ihr 1000-Watt-Stadionstrahler", 1000.0),
        ("el proyector de 400 W", 400.0),
        ("200瓦的路灯", 200.0),
        ("HB-UFO-150W weight", None),  # a model number's power is no description
        ("what is the MOQ?", None),
    ],
)
def test_the_power_a_buyer_writes(text: str, power: float | None) -> None:
    assert power_named(text) == power


def test_one_record_of_the_range_with_that_power_or_none() -> None:
    range_ = [
        {"sku": "A-100W", "power_w": 100},
        {"sku": "A-150W", "power_w": 150},
        {"sku": "B-150W", "power_w": 150},
    ]
    assert described_model(range_, "the 100 W one") == "A-100W"
    assert described_model(range_, "the 150 W one") is None  # two have it
    assert described_model(range_, "the 300 W one") is None
    assert described_model(range_, "the cheap one") is None


def test_a_german_compound_names_its_range_by_its_head() -> None:
    assert compound_category("ihr 1000-watt-stadionstrahler") == "floodlight"
    assert find_category("der 40-Watt-Konstantstromtreiber") == "driver"
    assert compound_category("wie viele kisten gehen auf eine palette") is None


def test_search_finds_the_described_model_first(demo_kb: KnowledgeBase) -> None:
    hits = demo_kb.search("Ihr 1000-Watt-Stadionstrahler, wie viele Kisten gehen auf eine Palette?")
    assert hits[0].sku == "FL-SP-1000W"
    assert demo_kb.search("the 200W high bay: how heavy is it?")[0].sku == "HB-UFO-200W"
