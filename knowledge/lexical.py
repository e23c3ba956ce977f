"""BM25 lexical index (bm25s) with scores normalised to 0..1 per query.

Raw BM25 scores grow with query length and term rarity, so they are not comparable across
queries.  ``LexicalIndex.scores`` divides each document's BM25 score by the sum of the IDF
weights of the query's terms — the score of a document of average length that contains every
query term once — and clips at 1.  Query terms missing from the corpus count with the mean IDF
of the known terms, so a query that is half unknown words cannot reach a full score.  An
unknown query word that is a compound of known words ("Hallenstrahler" over an index holding
"hallen" and "strahler") is searched as its parts.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.text_tokens import decompound, tokenize

BM25_K1 = 1.2
BM25_B = 0.75
# An unknown query word that is an indexed word of MIN_STEM letters or more plus an ending of
# at most MAX_ENDING letters is searched as that word (cognates: "americano", "lineare").
MIN_STEM = 6
MAX_ENDING = 2


class LexicalIndex:
    def __init__(self, bm25: Any, doc_count: int) -> None:
        self._bm25 = bm25
        self.doc_count = doc_count
        vocab: dict[str, int] = self._bm25.vocab_dict
        self._vocab = vocab
        indptr = np.asarray(self._bm25.scores["indptr"])
        df = np.diff(indptr).astype(np.float64)
        self._idf = np.log(1.0 + (doc_count - df + 0.5) / (df + 0.5))

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        import bm25s

        corpus_tokens = [tokenize(text) or [""] for text in texts]
        bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B, method="lucene")
        if corpus_tokens:
            bm25.index(corpus_tokens, show_progress=False)
        else:
            bm25.index([[""]], show_progress=False)
        return cls(bm25, len(texts))

    def save(self, directory: Path) -> None:
        self._bm25.save(str(directory))

    @classmethod
    def load(cls, directory: Path, doc_count: int) -> LexicalIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(directory), mmap=False), doc_count)

    def query_tokens(self, query: str) -> list[str]:
        """The query's tokens, an unknown compound replaced by its known parts."""
        tokens: list[str] = []
        for token in tokenize(query):
            parts = None if token in self._vocab else decompound(token, self._vocab)
            tokens.extend(parts or [self._stem_known(token)])
        return tokens

    def _stem_known(self, token: str) -> str:
        """An unknown word that is an indexed word plus an ending of one or two letters
        ("americano" -> "american", "lineare" -> "linear"): that word; else the word itself."""
        if token in self._vocab or not token.isalpha():
            return token
        for cut in range(1, MAX_ENDING + 1):
            stem = token[:-cut]
            if len(stem) >= MIN_STEM and stem in self._vocab:
                return stem
        return token

    def scores(
        self, query: str, mask: np.ndarray | None = None, *, count_unknown: bool = True
    ) -> np.ndarray:
        """Normalised scores (0..1) of every document for ``query``; ``mask`` zeroes some out.

        ``count_unknown=False`` leaves words the index does not hold out of the normalisation
        (for a question whose own words were put into the index's language)."""
        tokens = list(dict.fromkeys(self.query_tokens(query)))
        known = [self._vocab[token] for token in tokens if token in self._vocab and token]
        if not known or self.doc_count == 0:
            return np.zeros(self.doc_count, dtype=np.float32)
        known_idf = self._idf[known]
        unknown = len(tokens) - len(known) if count_unknown else 0
        # bm25s' Lucene variant scores a term occurring once in a document of average
        # length as idf / (1 + k1).
        ideal = float(known_idf.sum() + unknown * known_idf.mean()) / (1.0 + BM25_K1)
        raw = np.asarray(self._bm25.get_scores(known), dtype=np.float32)
        if mask is not None:
            raw = raw * mask
        return np.clip(raw / max(ideal, math.ulp(1.0)), 0.0, 1.0)
