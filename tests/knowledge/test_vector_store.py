from pathlib import Path

import numpy as np
import pytest

from knowledge.vector_store import DenseIndex


def _clustered_vectors(n: int, dim: int = 64, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, dim))
    vectors = centres[rng.integers(0, 40, n)] + 0.6 * rng.normal(size=(n, dim))
    vectors = vectors.astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_small_corpora_get_an_exact_flat_index() -> None:
    assert DenseIndex.build(_clustered_vectors(100)).kind == "flat"


def test_ivf_matches_exact_search_on_a_small_corpus() -> None:
    vectors = _clustered_vectors(3000)
    queries = _clustered_vectors(50, seed=11)
    exact = DenseIndex.build(vectors, "flat")
    approximate = DenseIndex.build(vectors, "ivf")
    recall = []
    for query in queries:
        exact_ids, exact_scores = exact.search(query, 10)
        approx_ids, approx_scores = approximate.search(query, 10)
        recall.append(len(set(exact_ids) & set(approx_ids)) / 10)
        assert exact_ids[0] == approx_ids[0]
        np.testing.assert_allclose(approx_scores[0], exact_scores[0], rtol=1e-5)
    assert np.mean(recall) >= 0.95


def test_scores_are_cosines_of_normalised_vectors() -> None:
    vectors = _clustered_vectors(200)
    index = DenseIndex.build(vectors)
    ids, scores = index.search(vectors[17], 3)
    assert ids[0] == 17
    assert scores[0] == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(index.score(vectors[17], ids), scores, rtol=1e-5)


@pytest.mark.parametrize("kind", ["flat", "ivf"])
@pytest.mark.parametrize("subset", [50, 6000])
def test_filtered_search_only_returns_allowed_ids(kind: str, subset: int) -> None:
    vectors = _clustered_vectors(8000)
    index = DenseIndex.build(vectors, kind)
    allowed = np.sort(np.random.default_rng(3).choice(8000, subset, replace=False)).astype(np.int64)
    ids, _ = index.search(vectors[int(allowed[5])], 10, allowed)
    assert len(ids) == 10 and set(ids.tolist()) <= set(allowed.tolist())
    assert ids[0] == allowed[5]


@pytest.mark.parametrize("kind", ["flat", "ivf"])
def test_save_load_roundtrip(tmp_path: Path, kind: str) -> None:
    vectors = _clustered_vectors(500)
    index = DenseIndex.build(vectors, kind)
    index.save(tmp_path / "dense.faiss")
    loaded = DenseIndex.load(tmp_path / "dense.faiss")
    assert loaded.kind == kind and loaded.size == 500 and loaded.dimension == 64
    for query in vectors[:5]:
        np.testing.assert_array_equal(loaded.search(query, 5)[0], index.search(query, 5)[0])
