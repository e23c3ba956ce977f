"""Range answers over a catalog of thousands of variants: listed short, grounded, per-category
lookups instead of scans (the answer p95 at 100k chunks, bench/kb_answer_latency.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from knowledge.answers import MAX_LISTED, _category_answer, _line_answer
from knowledge.grounding import ungrounded
from knowledge.index import KnowledgeBase


class _Catalog:
    """What the range answers read from a KnowledgeBase, over generated records."""

    def __init__(self, products: list[dict[str, Any]]) -> None:
        self.products = products

    def products_in(self, category: str) -> list[dict[str, Any]]:
        return [p for p in self.products if p["category"] == category]


def _street_lights(count: int) -> list[dict[str, Any]]:
    return [
        {
            "sku": f"SL-X-{100 + i}W",
            "category": "street_light",
            "power_w": 100 + i,
            "luminous_flux_lm": 14000 + 7 * i,
            "ip_rating": "IP66",
            "warranty_years": (3, 5, 7)[i % 3],
        }
        for i in range(count)
    ]


def test_a_range_of_hundreds_lists_a_few_per_value_and_counts_the_rest() -> None:
    products = _street_lights(300)
    result = _category_answer(_Catalog(products), "street_light", ["warranty_years"], "en")
    assert result.confident  # the sentence survived the grounding check
    assert "and 88 more" in result.text  # 100 of each warranty value, 12 listed
    assert result.text.count("SL-X-") <= 3 * MAX_LISTED + MAX_LISTED  # values + the source
    assert "and 288 more" in result.sources[0]


def test_many_distinct_values_are_cut_short_too() -> None:
    products = _street_lights(200)  # every flux differs
    result = _category_answer(_Catalog(products), "street_light", ["luminous_flux_lm"], "de")
    assert result.confident
    assert "und 188 weitere" in result.text
    assert "14.000 lm: SL-X-100W" in result.text  # the first value, German separators
    records = " ".join(f"{p['sku']} {p['luminous_flux_lm']}" for p in products)
    assert not ungrounded(result.text, f"{records} 188")


def test_a_small_range_is_listed_whole() -> None:
    products = _street_lights(5)
    result = _category_answer(_Catalog(products), "street_light", ["warranty_years"], "en")
    assert "more" not in result.text
    assert all(p["sku"] in result.text for p in products)


def test_do_you_make_lists_a_long_range_short() -> None:
    products = _street_lights(50)
    result = _line_answer(_Catalog(products), "Do you make street lights?", "street_light", "en")
    assert result is not None and result.confident
    assert "and 38 more" in result.text
    assert sum(p["sku"] in result.text for p in products) == MAX_LISTED


def test_the_knowledge_base_keeps_records_per_category(kb: KnowledgeBase) -> None:
    for category in {str(p.get("category")) for p in kb.products}:
        assert kb.products_in(category) == [p for p in kb.products if p["category"] == category]
    assert kb.products_in("spaceship") == []
    held = {code for p in kb.products for code in p.get("certifications") or ()}
    assert kb.certification_codes == held


class _CategoryOnly:
    """A catalog that can only be read per category: reading it whole raises AttributeError."""

    def __init__(self, products: list[dict[str, Any]]) -> None:
        self._products = products

    def products_in(self, category: str) -> list[dict[str, Any]]:
        return [p for p in self._products if p["category"] == category]


def test_range_answers_read_one_category_not_the_whole_catalog() -> None:
    catalog = _CategoryOnly(_street_lights(30))
    assert _category_answer(catalog, "street_light", ["warranty_years"], "en").confident
    line = _line_answer(catalog, "Do you make street lights?", "street_light", "en")
    assert line is not None and line.confident


def test_the_synthetic_scale_catalog_is_labelled_and_unique() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.kb_answer_latency import synthetic_catalog

    chunks, products, markets = synthetic_catalog(1_000)
    assert len(chunks) == 1_000 and markets
    skus = [p["sku"] for p in products]
    assert len(skus) == len(set(skus))
    variants = products[49:]
    assert variants and all("synthetic variant" in p["name"] for p in variants if p.get("name"))
    assert all(chunk.sku in set(skus) for chunk in chunks if chunk.sku)
