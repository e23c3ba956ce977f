"""The custom NLU components (bot/components/), run in the engine's environment: the tokenizer
(spaces, punctuation and jieba, offsets into the original text, every annotation on token
boundaries) and the multilingual sentence-encoder featurizer."""

from __future__ import annotations

import json
import os
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tools import engine_files

CHECKS = Path(__file__).resolve().parent / "engine_checks.py"
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}


def _run(check: str, request: dict[str, Any]) -> Any:
    result = subprocess.run(
        [str(engine_files.ENGINE_PYTHON), str(CHECKS), check],
        input=json.dumps(request),
        cwd=engine_files.ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def engine(check: str, request: dict[str, Any]) -> Any:
    """The answer of one check. Every check the tests below ask for runs in one engine process
    (loading Rasa and the encoder takes longer than most checks), started by the first call."""
    answers = _answers()
    key = _key(check, request)
    answer = answers[key] if key in answers else {"answer": _run(check, request)}
    assert "error" not in answer, answer.get("error", "")[-3000:]
    return answer["answer"]


def _key(check: str, request: dict[str, Any]) -> str:
    return json.dumps([check, request], sort_keys=True, ensure_ascii=False)


@cache
def _answers() -> dict[str, Any]:
    return _run("batch", {_key(*call): call for call in _calls()})


def _calls() -> list[tuple[str, dict[str, Any]]]:
    """The requests the tests make (in the order the tests ask for them)."""
    return [
        ("tokenize", {"texts": list(TEXTS.values())}),
        ALIGNMENT,
        *(("featurize", featurize_request(sequence)) for sequence in (True, False)),
        *(("classify", classify_request(intents)) for intents in CLASSIFY_INTENTS),
    ]


TEXTS = {
    "en": "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS.",
    "zh": "我们需要5000个PNL-6060-40W面板，CIF汉堡，需要CE、RoHS认证。",
    "es": "Necesitamos 5.000 piezas, pago: L/C a la vista; email: ana@ibe.example!",
    "zh_price": "目标价：每件USD 12.50，30%电汇定金",
    "de": "Liefertermin: 15.03.2027 (spätestens)",
    "smiley": ":)",
}
EXPECTED = {
    "en": [
        "We", "need", "5,000", "pcs", "of", "600x600", "40W", "panels", "for", "Hamburg", "CIF",
        "with", "CE", "and", "RoHS",
    ],
    "zh": ["我们", "需要", "5000", "个", "PNL-6060-40W", "面板", "CIF", "汉堡", "需要", "CE",
           "RoHS", "认证"],
    "es": ["Necesitamos", "5.000", "piezas", "pago", "L/C", "a", "la", "vista", "email",
           "ana@ibe.example"],
    # Rasa's WhitespaceTokenizer drops "目标价" (its emoji pattern spans the CJK blocks)
    "zh_price": ["目标价", "每件", "USD", "12.50", "30%", "电汇", "定金"],
    "de": ["Liefertermin", "15.03.2027", "spätestens"],
    "smiley": [":)"],
}  # fmt: skip


@cache
def tokenized() -> dict[str, list[list[Any]]]:
    answer = engine("tokenize", {"texts": list(TEXTS.values())})
    return dict(zip(TEXTS, answer["tokens"], strict=True))


@pytest.mark.parametrize("name", list(TEXTS))
def test_tokens_in_every_language(name: str) -> None:
    assert [token for token, _, _ in tokenized()[name]] == EXPECTED[name]


@pytest.mark.parametrize("name", list(TEXTS))
def test_token_offsets_point_into_the_original_text(name: str) -> None:
    text = TEXTS[name]
    for token, start, end in tokenized()[name]:
        assert text[start:end] == token


ALIGNMENT = ("alignment", {"texts": ["2027年3月15日前到货"]})


@cache
def aligned() -> dict[str, Any]:
    return engine(*ALIGNMENT)


def test_every_entity_annotation_falls_on_token_boundaries() -> None:
    answer = aligned()
    assert answer["annotations"] > 500
    assert answer["misaligned"] == []


def test_learnt_words_are_stored_with_the_model() -> None:
    answer = aligned()
    assert answer["learnt"] > 0
    assert answer["loaded_equals_trained"]


def featurize_request(sequence_features: bool) -> dict[str, Any]:
    texts = [
        "I need a quotation for LED panels",
        "我需要LED面板的报价",
        "Necesito una cotización de paneles LED",
        "goodbye, have a nice day",
    ]
    return {"texts": texts, "config": {"sequence_features": sequence_features}}


@cache
def featurized(sequence_features: bool) -> dict[str, Any]:
    return engine("featurize", featurize_request(sequence_features))


@pytest.mark.parametrize("sequence_features", [True, False])
def test_sentence_and_token_features(sequence_features: bool) -> None:
    for shape in featurized(sequence_features)["shapes"]:
        assert shape["sentence"] == [1, 512]
        expected = [shape["tokens"], 512] if sequence_features else None
        assert shape["sequence"] == expected


def test_one_meaning_in_several_languages_is_close() -> None:
    similarity = featurized(True)["similarity"]
    quote_en, quote_zh, quote_es, goodbye = 0, 1, 2, 3
    assert similarity[quote_en][quote_zh] > similarity[quote_en][goodbye] + 0.2
    assert similarity[quote_en][quote_es] > similarity[quote_en][goodbye] + 0.2


def test_the_encoder_is_loaded_once_per_process() -> None:
    answer = featurized(True)
    assert answer["encoders_loaded"] == 1
    assert answer["same_features_twice"]


TRAIN = {
    "request_quote": [
        "I need a quotation", "please quote 5000 LED panels", "send me your best price",
        "how much for 2000 downlights?", "we want to order street lights",
    ],
    "goodbye": ["bye", "goodbye", "see you later", "have a nice day", "talk to you later"],
    "request_human": [
        "I want to talk to a person", "can I speak to a human?", "put me through to sales",
        "connect me with a real person", "let me speak to an agent",
    ],
}  # fmt: skip


CLASSIFY_INTENTS = [["request_quote", "goodbye", "request_human"], ["goodbye", "request_human"]]
ASKED = {
    "request_quote": ["Necesito una cotización para paneles LED", "请给我报个价"],
    "goodbye": ["Auf Wiedersehen, bis bald", "au revoir"],
    "request_human": ["quero falar com uma pessoa", "我想和人工客服谈"],
}


def classify_request(intents: list[str]) -> dict[str, Any]:
    texts = [text for intent in intents for text in ASKED[intent]]
    return {"train": {i: TRAIN[i] for i in intents}, "texts": texts}


@pytest.mark.parametrize("intents", CLASSIFY_INTENTS)
def test_intents_learnt_in_english_are_recognised_in_other_languages(intents: list[str]) -> None:
    asked = [(intent, text) for intent in intents for text in ASKED[intent]]
    answer = engine("classify", classify_request(intents))
    assert [name for name, _, _ in answer["trained"]] == [intent for intent, _ in asked]
    assert all(ranked == len(intents) for _, _, ranked in answer["trained"])
    assert answer["loaded"] == answer["trained"]
