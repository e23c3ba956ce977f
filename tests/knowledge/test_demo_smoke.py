"""One smoke test over the shipped demo data (knowledge/demo), whatever its current size."""

from pathlib import Path

import pytest

from knowledge.answers import answer
from knowledge.index import KnowledgeBase
from knowledge.ingest import ingest

DEMO = Path(__file__).resolve().parents[2] / "knowledge" / "demo"


@pytest.mark.skipif(not (DEMO / "products.yaml").exists(), reason="demo catalogue not present")
def test_demo_data_ingests_and_answers(tmp_path: Path) -> None:
    report = ingest(DEMO, tmp_path / "kb")
    kb = KnowledgeBase.load(tmp_path / "kb")
    assert kb.chunk_count == report.chunks >= 3 * report.products
    product = kb.products[0]
    sku = product["sku"]
    assert kb.search(f"datasheet for {sku.lower()}", 3)[0].sku == sku
    result = answer(kb, f"What is the warranty of {sku}?")
    assert result.confident and str(product["warranty_years"]) in result.text
    if kb.markets and product.get("certifications"):
        market = next(iter(kb.markets))
        result = answer(kb, f"Can I sell the {sku} in {kb.markets[market]['name']}?")
        assert result.sources == [f"product record {sku}", f"market requirements {market}"]
