"""Dense vector index (faiss) over L2-normalised embeddings, searched by inner product.

Small corpora use an exact ``IndexFlatIP``; from ``IVF_MIN_VECTORS`` vectors on, an
``IndexIVFFlat`` (inner product, about 4·√n lists, ``IVF_NPROBE`` probed) keeps one search
around a millisecond.  HNSW was measured too and rejected: on 100k clustered 512-d vectors its
inner-product graph reached only 0.37-0.45 recall@10 (M 16/32, efSearch 96) and took 5x longer
to build, while IVF reached 1.0 (see knowledge/README.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

IVF_MIN_VECTORS = 20_000
IVF_MAX_LISTS = 4096
IVF_NPROBE = 24
IVF_TRAINING_PER_LIST = 40
EXACT_SUBSET_MAX = 4096  # filtered searches over at most this many vectors are done exactly
# One query is searched on one OpenMP thread: with two, faiss's spinning workers raised the
# p99 of a 10k flat search from 1.2 ms to 16 ms whenever another process was busy.  Building
# (adding vectors) uses every core.
SEARCH_THREADS = 1
BUILD_THREADS = os.cpu_count() or 1


@dataclass
class DenseIndex:
    index: Any  # faiss.Index
    kind: str  # "flat" or "ivf"

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str | None = None) -> DenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimension = vectors.shape[1]
        kind = kind or ("ivf" if len(vectors) >= IVF_MIN_VECTORS else "flat")
        faiss.omp_set_num_threads(BUILD_THREADS)
        try:
            if kind == "flat":
                index = faiss.IndexFlatIP(dimension)
            elif kind == "ivf":
                index = _trained_ivf(vectors)
            else:
                raise ValueError(f"unknown index kind {kind!r}")
            if len(vectors):
                index.add(vectors)
            if kind == "ivf":
                index.make_direct_map()  # lets score() reconstruct stored vectors
        finally:
            faiss.omp_set_num_threads(SEARCH_THREADS)
        return cls(index, kind)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        index = faiss.read_index(str(path))
        faiss.omp_set_num_threads(SEARCH_THREADS)
        if isinstance(index, faiss.IndexIVF):
            index.nprobe = min(IVF_NPROBE, index.nlist)
            return cls(index, "ivf")
        return cls(index, "flat")

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (ids, cosine scores) for one normalised query vector.

        ``allowed`` (sorted int64 ids) restricts the search; small subsets are scored exactly.
        """
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if self.size == 0 or k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        if allowed is not None:
            if len(allowed) == 0:
                return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
            if len(allowed) <= EXACT_SUBSET_MAX:
                scores = self.score(query[0], allowed)
                order = np.argsort(-scores)[:k]
                return allowed[order], scores[order]
            selector = faiss.IDSelectorBatch(allowed)
            if self.kind == "ivf":
                params = faiss.SearchParametersIVF(sel=selector, nprobe=self.index.nprobe)
            else:
                params = faiss.SearchParameters(sel=selector)
            scores, ids = self.index.search(query, min(k, len(allowed)), params=params)
        else:
            scores, ids = self.index.search(query, min(k, self.size))
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep]

    def score(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Exact cosine of the query with the stored vectors ``ids``."""
        if len(ids) == 0:
            return np.empty(0, dtype=np.float32)
        vectors = self.index.reconstruct_batch(np.asarray(ids, dtype=np.int64))
        return vectors @ np.asarray(query, dtype=np.float32).reshape(-1)


def _trained_ivf(vectors: np.ndarray) -> Any:
    count, dimension = vectors.shape
    lists = int(min(IVF_MAX_LISTS, max(1, round(4 * count**0.5)), max(1, count // 39)))
    index = faiss.IndexIVFFlat(
        faiss.IndexFlatIP(dimension), dimension, lists, faiss.METRIC_INNER_PRODUCT
    )
    sample = vectors
    if count > lists * IVF_TRAINING_PER_LIST:
        rows = np.random.default_rng(0).choice(count, lists * IVF_TRAINING_PER_LIST, replace=False)
        sample = vectors[np.sort(rows)]
    index.train(sample)
    index.nprobe = min(IVF_NPROBE, lists)
    return index
