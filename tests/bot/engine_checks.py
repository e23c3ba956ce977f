"""Runs the custom NLU components (bot/components/) in the engine's Python 3.10 environment.

tests/bot/test_components.py starts ``<engine python> tests/bot/engine_checks.py <check>`` with a
JSON request on stdin and asserts on the JSON answer (the last line of stdout); it asks for all
its checks at once (``batch``), so that one process loads Rasa and the encoder. Rasa is only
installed in the engine's environment, so the components cannot be imported by the test itself.
"""

from __future__ import annotations

import json
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _tokenizer(storage_dir: Path, name: str = "tokenizer") -> Any:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from bot.components.multilingual_tokenizer import MultilingualTokenizer

    storage = LocalModelStorage(storage_dir)
    config = MultilingualTokenizer.get_default_config()
    return MultilingualTokenizer, config, storage, Resource(name)


def _tokens(tokenizer: Any, text: str) -> list[list[Any]]:
    from rasa.shared.nlu.training_data.message import Message

    return [
        [t.text, t.start, t.end] for t in tokenizer.tokenize(Message(data={"text": text}), "text")
    ]


def tokenize(request: dict[str, Any]) -> dict[str, Any]:
    """Tokens of each text by an untrained tokenizer."""
    with tempfile.TemporaryDirectory() as tmp:
        cls, config, storage, resource = _tokenizer(Path(tmp))
        tokenizer = cls.create(config, storage, resource, None)
        return {"tokens": [_tokens(tokenizer, text) for text in request["texts"]]}


def alignment(request: dict[str, Any]) -> dict[str, Any]:
    """Trains the tokenizer on the project's NLU data and checks every entity annotation."""
    from rasa.shared.importers.importer import TrainingDataImporter

    data = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "bot" / "domain"), [str(ROOT / "bot" / "data")]
    ).get_nlu_data()
    with tempfile.TemporaryDirectory() as tmp:
        cls, config, storage, resource = _tokenizer(Path(tmp))
        trained = cls.create(config, storage, resource, None)
        trained.train(data)
        loaded = cls.load(config, storage, resource, None)
        annotations, misaligned, same = 0, [], True
        for example in data.training_examples:
            entities = example.get("entities") or []
            if not entities:
                continue
            text = example.get("text")
            tokens = _tokens(loaded, text)
            same = same and tokens == _tokens(trained, text)
            starts, ends = {t[1] for t in tokens}, {t[2] for t in tokens}
            for entity in entities:
                annotations += 1
                if entity["start"] not in starts or entity["end"] not in ends:
                    misaligned.append([text, text[entity["start"] : entity["end"]]])
        probes = [_tokens(loaded, text) for text in request.get("texts", [])]
        return {
            "annotations": annotations,
            "misaligned": misaligned,
            "loaded_equals_trained": same,
            "learnt": len(loaded.learnt["added"]),
            "probes": probes,
        }


def featurize(request: dict[str, Any]) -> dict[str, Any]:
    """Features of each text, and cosine similarities between the sentence features."""
    import numpy as np
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.shared.nlu.training_data.message import Message

    from bot.components import use_featurizer
    from bot.components.use_featurizer import UniversalSentenceEncoderFeaturizer

    with tempfile.TemporaryDirectory() as tmp:
        cls, config, storage, resource = _tokenizer(Path(tmp))
        tokenizer = cls.create(config, storage, resource, None)
        featurizers = [
            UniversalSentenceEncoderFeaturizer.create(
                {**UniversalSentenceEncoderFeaturizer.get_default_config(), **request["config"]},
                storage,
                resource,
                ExecutionContext(GraphSchema({}), node_name=f"use{i}"),
            )
            for i in range(2)
        ]
        messages = [Message(data={"text": text}) for text in request["texts"]]
        tokenizer.process(messages)
        featurizers[0].process(messages)
        shapes, sentences = [], []
        for message in messages:
            sequence, sentence = message.get_dense_features("text")
            shapes.append(
                {
                    "tokens": len(message.get("text_tokens")),
                    "sequence": list(sequence.features.shape) if sequence else None,
                    "sentence": list(sentence.features.shape) if sentence else None,
                }
            )
            sentences.append(sentence.features[0])
        vectors = np.stack(sentences)
        vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        again = [Message(data={"text": request["texts"][0]})]
        tokenizer.process(again)
        featurizers[1].process(again)
        repeat = again[0].get_dense_features("text")[1].features[0]
        return {
            "shapes": shapes,
            "similarity": (vectors @ vectors.T).round(4).tolist(),
            "encoders_loaded": len(use_featurizer._encoders),
            "same_features_twice": bool(np.allclose(repeat, sentences[0], atol=1e-6)),
        }


def classify(request: dict[str, Any]) -> dict[str, Any]:
    """Trains the sentence intent classifier on ``train`` ({intent: [texts]}), stores and
    loads it, and classifies ``texts`` with both."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.components.sentence_intent_classifier import SentenceIntentClassifier
    from bot.components.use_featurizer import UniversalSentenceEncoderFeaturizer

    def prepared(messages: list[Any]) -> list[Any]:
        tokenizer.process(messages)
        featurizer.process(messages)
        return messages

    with tempfile.TemporaryDirectory() as tmp:
        cls, config, storage, resource = _tokenizer(Path(tmp))
        tokenizer = cls.create(config, storage, resource, None)
        featurizer = UniversalSentenceEncoderFeaturizer.create(
            {**UniversalSentenceEncoderFeaturizer.get_default_config(), "alias": "use"},
            storage,
            resource,
            ExecutionContext(GraphSchema({}), node_name="use"),
        )
        examples = [
            Message(data={"text": text, "intent": intent})
            for intent, texts in request["train"].items()
            for text in texts
        ]
        data = TrainingData(prepared(examples))
        classifier_config = {
            **SentenceIntentClassifier.get_default_config(),
            "featurizers": ["use"],
        }
        classifier_resource = Resource("intents")
        trained = SentenceIntentClassifier.create(
            classifier_config, storage, classifier_resource, None
        )
        trained.train(data)
        loaded = SentenceIntentClassifier.load(
            classifier_config, storage, classifier_resource, None
        )
        answers = []
        for model in (trained, loaded):
            messages = prepared([Message(data={"text": text}) for text in request["texts"]])
            model.process(messages)
            answers.append(
                [
                    [m.get("intent")["name"], round(m.get("intent")["confidence"], 4),
                     len(m.get("intent_ranking"))]
                    for m in messages
                ]
            )  # fmt: skip
        return {"trained": answers[0], "loaded": answers[1]}


def batch(request: dict[str, Any]) -> dict[str, Any]:
    """Several checks in this one process ({name: [check, request]}), so that Rasa and the
    encoder are loaded once: each answer, or the error that check raised (the others still run)."""
    answers: dict[str, Any] = {}
    for name, (check, check_request) in request.items():
        try:
            answers[name] = {"answer": CHECKS[check](check_request)}
        except Exception:
            answers[name] = {"error": traceback.format_exc()}
    return answers


CHECKS = {
    "tokenize": tokenize,
    "alignment": alignment,
    "featurize": featurize,
    "classify": classify,
    "batch": batch,
}

if __name__ == "__main__":
    answer = CHECKS[sys.argv[1]](json.loads(sys.stdin.read() or "{}"))
    print(json.dumps(answer, ensure_ascii=False))
