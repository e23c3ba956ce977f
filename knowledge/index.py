"""Loading a built knowledge index and searching it (hybrid dense + BM25, filters, SKUs).

Importing this module is cheap: faiss, bm25s and the embedding model are imported when an
index is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from knowledge.catalog import Product
from knowledge.cert_codes import codes_by_variant, codes_named
from knowledge.chunks import Chunk
from knowledge.described import described_model, described_models
from knowledge.errors import KnowledgeIndexMissing
from knowledge.fusion import (
    DESCRIBED_EVIDENCE,
    LIST_EVIDENCE,
    TITLE_CODE_EVIDENCE,
    add_evidence,
    boost_sku_match,
    calibrate_dense,
    fuse,
)
from knowledge.index_files import (
    DENSE,
    LEXICAL,
    read_catalog,
    read_chunks,
    require_index,
)
from knowledge.list_questions import asks_for_a_list, generic_heading_words
from knowledge.markets import MarketDirectory
from knowledge.sku import SkuMatcher
from knowledge.text_tokens import tokenize

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from knowledge.lexical import LexicalIndex
    from knowledge.vector_store import DenseIndex

__all__ = ["Hit", "KnowledgeBase", "KnowledgeIndexMissing", "SearchMode"]

SearchMode = Literal["hybrid", "dense", "lexical"]
# A passage lists our models when it names at least this many model numbers.
LIST_MIN_MODELS = 3
_MODEL_NUMBER = re.compile(r"(?<![\w-])[A-Z]{2,5}(?:-[A-Z0-9]+)+(?![\w-])")
CANDIDATE_POOL = 50


@dataclass(frozen=True)
class Hit:
    text: str
    source: str
    score: float
    sku: str | None = None
    doc: str | None = None
    section: str | None = None


class KnowledgeBase:
    def __init__(
        self,
        *,
        chunks: list[Chunk],
        products: list[Product],
        markets: dict[str, dict[str, Any]],
        dense: DenseIndex,
        lexical: LexicalIndex,
        embedder: SentenceTransformer,
        model_name: str,
    ) -> None:
        self.chunks = chunks
        self.model_name = model_name
        self.dense = dense
        self.lexical = lexical
        self.embedder = embedder
        self.market_directory = MarketDirectory(markets)
        self._products = {product["sku"].upper(): product for product in products}
        self._sku_matcher = SkuMatcher(product["sku"] for product in products)
        self._chunks_by_sku: dict[str, list[int]] = {}
        for position, chunk in enumerate(chunks):
            if chunk.sku:
                self._chunks_by_sku.setdefault(chunk.sku.upper(), []).append(position)
        self._filter_mask = lru_cache(maxsize=256)(self._compute_filter_mask)
        self._model_lists: np.ndarray | None = None
        self._by_category: dict[str, list[Product]] = {}
        for product in self._products.values():
            self._by_category.setdefault(str(product.get("category") or ""), []).append(product)
        self._certification_codes = frozenset(
            code
            for product in self._products.values()
            for code in product.get("certifications") or ()
        )

    # --- loading ------------------------------------------------------------------------

    @classmethod
    def load(cls, index_dir: Path, *, embedder: SentenceTransformer | None = None) -> KnowledgeBase:
        """Load an index built by ``knowledge.ingest.ingest``; raises KnowledgeIndexMissing."""
        from knowledge.embeddings import embedding_dimension, load_embedder
        from knowledge.lexical import LexicalIndex
        from knowledge.vector_store import DenseIndex

        index_dir = Path(index_dir)
        manifest = require_index(index_dir)
        chunks, _ = read_chunks(index_dir)
        catalog = read_catalog(index_dir)
        dense = DenseIndex.load(index_dir / DENSE)
        lexical = LexicalIndex.load(index_dir / LEXICAL, len(chunks))
        model = embedder or load_embedder(manifest.model)
        if embedding_dimension(model) != manifest.dimension or dense.size != len(chunks):
            raise KnowledgeIndexMissing(
                f"{index_dir} is inconsistent with model {manifest.model}; run `kb ingest` again"
            )
        return cls(
            chunks=chunks,
            products=catalog.get("products", []),
            markets=catalog.get("markets", {}),
            dense=dense,
            lexical=lexical,
            embedder=model,
            model_name=manifest.model,
        )

    # --- lookups ------------------------------------------------------------------------

    @property
    def chunk_count(self) -> int:
        return len(self.chunks)

    @property
    def markets(self) -> dict[str, dict[str, Any]]:
        return self.market_directory.raw

    @property
    def products(self) -> list[Product]:
        return list(self._products.values())

    def described_model(self, text: str) -> str | None:
        """The SKU of the one record of the range ``text`` names with the power it names."""
        from knowledge.categories import find_category

        category = find_category(text)
        return described_model(self.products_in(category), text) if category else None

    def described_models(self, text: str) -> list[str]:
        """The SKUs of the few records of the range ``text`` names that fit what it says of
        them (power, temperature, dimming, features...; ``knowledge.described``)."""
        from knowledge.categories import find_category

        category = find_category(text)
        if not category:
            return []
        return described_models(self.products_in(category), text, tuple(self.certification_codes))

    def products_in(self, category: str) -> list[Product]:
        """The records of one category, in catalog order (kept at load: no scan per question)."""
        return self._by_category.get(category, [])

    @property
    def certification_codes(self) -> frozenset[str]:
        """Every certification code some record holds."""
        return self._certification_codes

    def product(self, sku: str) -> Product | None:
        """The exact product record for ``sku`` (any case, dashes/spaces optional)."""
        record = self._products.get(sku.strip().upper())
        if record is None:
            canonical = self._sku_matcher.canonical(sku)
            record = self._products.get(canonical.upper()) if canonical else None
        return record

    def find_skus(self, text: str) -> list[str]:
        return self._sku_matcher.find(text)

    def sku_series(self, text: str) -> list[str]:
        """The SKUs of the series ``text`` names by a model number's first parts ("SL-M")."""
        return self._sku_matcher.series(text)

    # --- search -------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        category: str | None = None,
        certification: str | None = None,
        market: str | None = None,
        mode: SearchMode = "hybrid",
        sku_boost: bool = True,
    ) -> list[Hit]:
        """Best ``k`` hits, one per product or document section, best first.

        ``market`` keeps products holding that market's required certifications (or accepted
        alternatives) and documents written for it or for all markets; ``category`` keeps
        products of that category; ``certification`` keeps products holding it and documents
        about it.  Products whose model number the query names rank first.
        """
        if k <= 0 or not self.chunks or not query.strip():
            return []
        mask = self._filter_mask(
            category.strip().lower() if category else None,
            certification.strip().upper() if certification else None,
            self._market_code(market) if market else None,
        )
        allowed = np.flatnonzero(mask) if mask is not None else None
        pool = max(CANDIDATE_POOL, 4 * k)
        candidates: dict[int, float] = {}
        if mode != "lexical":
            from knowledge.embeddings import encode

            query_vector = encode(self.embedder, [query])[0]
            ids, cosines = self.dense.search(query_vector, pool, allowed)
            candidates = dict(zip(ids.tolist(), cosines.tolist(), strict=True))
        # "farolas", "dalles LED", "定金": the English words of the category and of the trade
        # concepts a question in another language names, which our sources use
        from knowledge.categories import search_words
        from knowledge.glossary import english_words

        # "cULus", "C-Tick": the code of a mark named by another spelling
        variants = [c for c in codes_by_variant(query) if not codes_named(query, (c,))]
        translated = " ".join(
            part for part in (search_words(query), english_words(query), *variants) if part
        )
        lexical_scores = (
            self._lexical_scores(query, translated, mask)
            if mode != "dense"
            else np.zeros(len(self.chunks), dtype=np.float32)
        )
        lexical_top = _top_positive(lexical_scores, pool)
        sku_ids = self._sku_chunk_ids(query, mask) if sku_boost else set()
        described: set[int] = set()
        if sku_boost and not sku_ids and (numbered := self.described_model(query)):
            # "Ihr 1000-Watt-Stadionstrahler": as if its model number were named
            sku_ids = self._sku_chunk_ids(numbered, mask)
        elif sku_boost and not sku_ids:
            # "the economy street light", "the 40 W driver": the records the description fits
            fitting = self.described_models(query)
            described = {i for sku in fitting for i in self._sku_chunk_ids(sku, mask)}
        listing = asks_for_a_list(query)
        # a question for a list: every passage listing models that shares a word with it
        lists: list[int] = (
            np.flatnonzero(self._lists_models() & (lexical_scores > 0)).tolist() if listing else []
        )
        extra = [
            i for i in (*lexical_top.tolist(), *sku_ids, *described, *lists) if i not in candidates
        ]
        if extra and mode != "lexical":
            candidates.update(
                zip(extra, self.dense.score(query_vector, np.array(extra)).tolist(), strict=True)
            )
        elif extra:
            candidates.update(dict.fromkeys(extra, 0.0))
        if not candidates:
            return []
        ids = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
        cosines = np.fromiter(candidates.values(), dtype=np.float32, count=len(candidates))
        lexical = lexical_scores[ids]
        if mode == "dense":
            scores = calibrate_dense(cosines)
        elif mode == "lexical":
            scores = lexical.astype(np.float32)
        else:
            scores = fuse(cosines, lexical)
        if listing:  # a passage listing our models under a heading the question names
            asked = set(tokenize(f"{query} {translated}"))
            listed = np.array(
                [self._lists_models()[i] and self._heading_words(i) & asked for i in ids.tolist()],
                dtype=bool,
            )
            scores = np.where(listed, add_evidence(scores, LIST_EVIDENCE), scores)
        named = tuple({*codes_named(query, self._certification_codes), *variants})
        if len(named) == 1:  # the document about the scheme the question names
            titled = np.array([self._title_names(i, named[0]) for i in ids.tolist()], dtype=bool)
            scores = np.where(titled, add_evidence(scores, TITLE_CODE_EVIDENCE), scores)
        if described:
            fits = np.array([i in described for i in ids.tolist()], dtype=bool)
            scores = np.where(fits, add_evidence(scores, DESCRIBED_EVIDENCE), scores)
        matched = np.array([i in sku_ids for i in ids.tolist()], dtype=bool)
        scores = np.where(matched, boost_sku_match(scores), scores)
        order = np.lexsort((-scores, ~matched))
        return self._distinct_hits(ids[order], scores[order], k)

    def _lexical_scores(self, query: str, translated: str, mask: np.ndarray | None) -> np.ndarray:
        """BM25 of the question with its English words added; with English words, the higher
        of that and the same score with the question's words that our sources do not hold left
        out of the normalisation (they are what the English words translate)."""
        weights = mask.astype(np.float32) if mask is not None else None
        expanded = f"{query} {translated}".strip()
        scores = self.lexical.scores(expanded, weights)
        if translated:
            scores = np.maximum(scores, self.lexical.scores(expanded, weights, count_unknown=False))
        return scores

    def _lists_models(self) -> np.ndarray:
        """Per chunk: a document passage naming at least LIST_MIN_MODELS model numbers (read
        once, on the first question that asks for a list)."""
        if self._model_lists is None:
            self._model_lists = np.array(
                [
                    chunk.doc is not None
                    and len(set(_MODEL_NUMBER.findall(chunk.text))) >= LIST_MIN_MODELS
                    for chunk in self.chunks
                ],
                dtype=bool,
            )
        return self._model_lists

    def _heading_words(self, position: int) -> set[str]:
        """The words of a chunk's section heading that name its subject ("Our UL products":
        "ul"; "products" only says that it lists some)."""
        return set(tokenize(self.chunks[position].section or "")) - generic_heading_words()

    def _title_names(self, position: int, code: str) -> bool:
        """Whether chunk ``position`` is a passage of a document whose title names ``code``."""
        chunk = self.chunks[position]
        if chunk.kind != "document":
            return False
        prefix = chunk.text.split("\n", 1)[0]
        title = prefix.removesuffix(f" — {chunk.section}") if chunk.section else prefix
        return bool(codes_named(title, (code,)))

    def _distinct_hits(self, ids: np.ndarray, scores: np.ndarray, k: int) -> list[Hit]:
        hits: list[Hit] = []
        seen: set[tuple[str | None, str | None, str | None]] = set()
        for position, score in zip(ids.tolist(), scores.tolist(), strict=True):
            if score <= 0.0:
                continue
            chunk = self.chunks[position]
            key = (chunk.sku, chunk.doc, chunk.section)
            if key in seen:
                continue
            seen.add(key)
            hits.append(
                Hit(
                    text=chunk.text,
                    source=chunk.source,
                    score=round(float(score), 4),
                    sku=chunk.sku,
                    doc=chunk.doc,
                    section=chunk.section,
                )
            )
            if len(hits) == k:
                break
        return hits

    def _sku_chunk_ids(self, query: str, mask: np.ndarray | None) -> set[int]:
        ids = {
            position
            for sku in self.find_skus(query)
            for position in self._chunks_by_sku.get(sku.upper(), ())
        }
        return {i for i in ids if mask is None or mask[i]}

    def _market_code(self, market: str) -> str:
        code = self.market_directory.resolve(market)
        if code is None:
            known = ", ".join(sorted(self.market_directory.markets)) or "none"
            raise ValueError(f"unknown market {market!r} (known: {known})")
        return code

    def _compute_filter_mask(
        self, category: str | None, certification: str | None, market: str | None
    ) -> np.ndarray | None:
        if category is None and certification is None and market is None:
            return None
        cert_pattern = (
            re.compile(rf"(?<![A-Za-z0-9]){re.escape(certification)}(?![A-Za-z0-9])", re.I)
            if certification
            else None
        )
        market_groups = self.market_directory.groups(market) if market else None
        keep = np.ones(len(self.chunks), dtype=bool)
        for position, chunk in enumerate(self.chunks):
            if chunk.kind == "product":
                ok = (
                    (category is None or chunk.category == category)
                    and (certification is None or certification in chunk.certifications)
                    and (
                        market is None
                        or self.market_directory.satisfies(chunk.certifications, market)
                    )
                )
            else:
                about = f"{chunk.topic} {chunk.source}"
                ok = (
                    category is None
                    and (cert_pattern is None or bool(cert_pattern.search(about)))
                    and (market_groups is None or _document_covers(chunk.markets, market_groups))
                )
            keep[position] = ok
        return keep


ALL_MARKETS = frozenset({"ALL", "GLOBAL", "*", "WORLDWIDE"})


def _document_covers(markets: tuple[str, ...], market_groups: frozenset[str]) -> bool:
    """A document with no market list, or one for all markets, covers every market."""
    return not markets or bool((market_groups | ALL_MARKETS).intersection(markets))


def _top_positive(scores: np.ndarray, k: int) -> np.ndarray:
    positive = np.flatnonzero(scores > 0)
    if len(positive) <= k:
        return positive
    top = np.argpartition(-scores[positive], k)[:k]
    return positive[top]
