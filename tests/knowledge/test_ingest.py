from pathlib import Path

import numpy as np
import pytest

from knowledge import embeddings
from knowledge.errors import KnowledgeIndexMissing, KnowledgeSourceError
from knowledge.index import KnowledgeBase
from knowledge.index_files import read_chunks, read_vectors
from knowledge.ingest import ingest


class CountingEncoder:
    """Wraps embeddings.encode to record which texts were embedded."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.texts: list[str] = []
        self._encode = embeddings.encode
        monkeypatch.setattr("knowledge.ingest.encode", self)

    def __call__(
        self, model: object, texts: list[str], batch_size: int | None = None
    ) -> np.ndarray:
        self.texts.extend(texts)
        return self._encode(model, texts, batch_size)


def test_first_ingest_embeds_everything(source_dir: Path, tmp_path: Path) -> None:
    report = ingest(source_dir, tmp_path / "index")
    assert report.products == 5 and report.documents == 3
    assert report.added == report.chunks > 20
    assert report.reused == report.removed == 0
    assert report.index_kind == "flat" and report.model == embeddings.DEFAULT_MODEL


def test_reingest_embeds_only_changed_chunks(
    source_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    first = ingest(source_dir, index_dir)
    before_chunks, before_hashes = read_chunks(index_dir)
    before_vectors = np.array(read_vectors(index_dir))

    shipping = source_dir / "docs" / "shipping.md"
    shipping.write_text(
        shipping.read_text(encoding="utf-8").replace("24 pallets", "26 pallets"), encoding="utf-8"
    )
    (source_dir / "docs" / "warranty.html").unlink()
    counter = CountingEncoder(monkeypatch)
    second = ingest(source_dir, index_dir)

    assert counter.texts == [
        "Shipping and Incoterms — Pallets and containers\nA 40-foot "
        "high-cube container holds 26 pallets of panels."
    ]
    assert second.added == 1
    assert second.reused == second.chunks - 1
    removed_warranty = sum(1 for c in before_chunks if c.doc == "warranty.html")
    assert second.removed == removed_warranty + 1  # + the old pallets chunk
    assert second.chunks == first.chunks - removed_warranty

    after_chunks, after_hashes = read_chunks(index_dir)
    after_vectors = read_vectors(index_dir)
    old_rows = {h: row for row, h in enumerate(before_hashes)}
    for row, content_hash in enumerate(after_hashes):
        if content_hash in old_rows:
            np.testing.assert_array_equal(
                after_vectors[row], before_vectors[old_rows[content_hash]]
            )
    assert all(c.doc != "warranty.html" for c in after_chunks)

    counter.texts.clear()
    third = ingest(source_dir, index_dir)
    assert counter.texts == [] and third.added == 0 and third.removed == 0


def test_changing_the_model_re_embeds_everything(source_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    ingest(source_dir, index_dir)
    chunks, _ = read_chunks(index_dir)
    manifest = index_dir / "manifest.json"
    manifest.write_text(manifest.read_text().replace(embeddings.DEFAULT_MODEL, "other-model"))
    report = ingest(source_dir, index_dir)
    assert report.added == len(chunks) and report.reused == 0


def test_load_save_roundtrip(source_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    report = ingest(source_dir, index_dir)
    kb = KnowledgeBase.load(index_dir)
    assert kb.chunk_count == report.chunks
    assert kb.model_name == embeddings.DEFAULT_MODEL
    assert set(kb.markets) == {"EU", "DE", "GB", "US", "AU"}
    assert kb.product("pnl-6060-40w")["packaging"]["cartons_per_pallet"] == 20
    vectors = read_vectors(index_dir)
    ids, scores = kb.dense.search(np.array(vectors[3]), 1)
    assert ids[0] == 3 and scores[0] == pytest.approx(1.0, abs=1e-5)
    hits = kb.search("container pallets", 1)
    assert hits[0].section == "Pallets and containers"


def test_missing_index_raises(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeIndexMissing):
        KnowledgeBase.load(tmp_path / "nothing-here")


def test_failed_ingest_keeps_the_previous_index(source_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    ingest(source_dir, index_dir)
    (source_dir / "products.yaml").write_text("products: [{name: no sku}]", encoding="utf-8")
    with pytest.raises(KnowledgeSourceError):
        ingest(source_dir, index_dir)
    assert KnowledgeBase.load(index_dir).product("FL-SP-200W") is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index", "source"]  # no temp dirs left


def test_identical_texts_are_embedded_once_and_share_the_vector(
    source_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from knowledge.ingest import build_index
    from knowledge.sources import read_sources

    base = read_sources(source_dir).chunks()
    copies = [replace(chunk, id=f"{chunk.id}~copy") for chunk in base[:5]]
    counter = CountingEncoder(monkeypatch)
    built = build_index(
        base + copies, tmp_path / "index", embeddings.DEFAULT_MODEL, catalog={"products": []}
    )
    assert built.added == len(base) + len(copies) and built.reused == 0
    assert sorted(counter.texts) == sorted(chunk.text for chunk in base)  # each text once
    vectors = read_vectors(tmp_path / "index")
    for copy_row, original_row in zip(range(len(base), len(base) + 5), range(5), strict=True):
        np.testing.assert_array_equal(vectors[copy_row], vectors[original_row])
