"""Dense vector index (faiss) over L2-normalised embeddings, searched by inner product.

Small corpora use an exact ``IndexFlatIP``; from ``HNSW_MIN_VECTORS`` vectors on, an
``IndexHNSWFlat`` (inner-product metric) keeps one search well under the latency budget (see
knowledge/README.md for the measurements behind the threshold and parameters).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

HNSW_MIN_VECTORS = 20_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 64
HNSW_EF_SEARCH = 96
EXACT_SUBSET_MAX = 4096  # filtered searches over at most this many vectors are done exactly
# One query is searched on one OpenMP thread: with two, faiss's spinning workers raised the
# p99 of a 10k flat search from 1.2 ms to 16 ms whenever another process was busy.  Building
# (adding vectors) uses every core.
SEARCH_THREADS = 1
BUILD_THREADS = os.cpu_count() or 1


@dataclass
class DenseIndex:
    index: Any  # faiss.Index
    kind: str  # "flat" or "hnsw"

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
        kind = kind or ("hnsw" if len(vectors) >= HNSW_MIN_VECTORS else "flat")
        if kind == "flat":
            index = faiss.IndexFlatIP(dimension)
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            raise ValueError(f"unknown index kind {kind!r}")
        if len(vectors):
            faiss.omp_set_num_threads(BUILD_THREADS)
            index.add(vectors)
            faiss.omp_set_num_threads(SEARCH_THREADS)
        return cls(index, kind)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        index = faiss.read_index(str(path))
        faiss.omp_set_num_threads(SEARCH_THREADS)
        kind = "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"
        if kind == "hnsw":
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index, kind)

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
            if self.kind == "hnsw":
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, k))
            else:
                params = faiss.SearchParameters(sel=selector)
            scores, ids = self.index.search(query, min(k, len(allowed)), params=params)
        else:
            if self.kind == "hnsw":
                self.index.hnsw.efSearch = max(HNSW_EF_SEARCH, k)
            scores, ids = self.index.search(query, min(k, self.size))
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep]

    def score(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Exact cosine of the query with the stored vectors ``ids``."""
        if len(ids) == 0:
            return np.empty(0, dtype=np.float32)
        vectors = self.index.reconstruct_batch(np.asarray(ids, dtype=np.int64))
        return vectors @ np.asarray(query, dtype=np.float32).reshape(-1)
