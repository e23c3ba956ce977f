import os
from pathlib import Path

import numpy as np
import pytest

from knowledge.embeddings import DEFAULT_MODEL, embedding_dimension, encode, load_embedder
from knowledge.ingest import ingest


def test_default_model_loads_offline_and_is_multilingual() -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    model = load_embedder(DEFAULT_MODEL)
    assert load_embedder() is model  # cached
    assert embedding_dimension(model) == 512
    vectors = encode(model, ["What is the warranty?", "保修期多长？", "dog food recipes"])
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_wrapped_model_saves_and_reloads_as_sentence_transformer(tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    model = load_embedder(DEFAULT_MODEL)
    model.save(str(tmp_path / "use"))
    reloaded = SentenceTransformer(str(tmp_path / "use"), trust_remote_code=True)
    text = ["LED panel with DALI dimming"]
    np.testing.assert_allclose(encode(reloaded, text), encode(model, text), atol=1e-6)


def _tiny_static_model(path: Path) -> Path:
    """A real (if tiny) sentence-transformers model saved to disk, built without any hub."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, models, pre_tokenizers

    words = ["[UNK]", "panel", "floodlight", "stadium", "warranty", "office", "years"]
    tokenizer = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    weights = np.random.default_rng(0).normal(size=(len(words), 16)).astype(np.float32)
    SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)]).save(
        str(path)
    )
    return path


def test_any_sentence_transformers_model_path_works(source_dir: Path, tmp_path: Path) -> None:
    model_path = str(_tiny_static_model(tmp_path / "tiny"))
    model = load_embedder(model_path)
    assert embedding_dimension(model) == 16
    report = ingest(source_dir, tmp_path / "index", model_name=model_path)
    assert report.model == model_path

    from knowledge.index import KnowledgeBase

    kb = KnowledgeBase.load(tmp_path / "index")
    assert kb.model_name == model_path and kb.dense.dimension == 16
    assert kb.search("FL-SP-200W", 1)[0].sku == "FL-SP-200W"


def test_environment_variable_selects_the_model(
    source_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model_path = str(_tiny_static_model(tmp_path / "tiny"))
    monkeypatch.setenv("KB_EMBEDDING_MODEL", model_path)
    assert ingest(source_dir, tmp_path / "index").model == model_path
