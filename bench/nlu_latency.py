"""Per-message NLU latency of a trained model, and the share of the multilingual encoder.

Runs in the engine's environment (Rasa is installed there only); bench/nlu_bench.py starts it:

    .venv-engine/bin/python bench/nlu_latency.py MODEL.tar.gz

Prints one JSON line: the median and 95th percentile of parsing one message with the whole
NLU pipeline, and of the tokenizer plus the sentence-encoder featurizer alone (token embeddings
cached or not), over buyer messages in the six languages.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MESSAGES = [
    "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS, by 15 March 2027",
    "我们需要五千个600x600 40W面板灯，CIF汉堡，要CE和RoHS认证，2027年3月15日前到货",
    "Necesitamos 5.000 piezas de paneles 600x600 40W para Hamburgo, CIF, con CE y RoHS",
    "Wir benötigen 5.000 Stück 600x600 40W Panels, CIF Hamburg, mit CE und RoHS",
    "Precisamos de 5.000 peças de painéis 600x600 40W para Hamburgo, CIF, com CE e RoHS",
    "Nous avons besoin de 5 000 pièces de panneaux 600x600 40W pour Hambourg, CIF, CE et RoHS",
    "is the 40W panel flicker-free?",
    "yes",
]
ROUNDS = 5


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
    }


def timed(run: Callable[[str], Any]) -> list[float]:
    samples = []
    for _ in range(ROUNDS):
        for text in MESSAGES:
            started = time.perf_counter()
            run(text)
            samples.append(time.perf_counter() - started)
    return samples


def featurizer_only(cached: bool) -> list[float]:
    """Tokenizer + encoder featurizer on each message; ``cached``: token embeddings reused."""
    import tempfile

    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message

    from bot.components import use_featurizer
    from bot.components.multilingual_tokenizer import MultilingualTokenizer
    from bot.components.use_featurizer import UniversalSentenceEncoderFeaturizer

    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    tokenizer = MultilingualTokenizer.create(
        MultilingualTokenizer.get_default_config(), storage, Resource("t"), None
    )
    featurizer = UniversalSentenceEncoderFeaturizer.create(
        UniversalSentenceEncoderFeaturizer.get_default_config(),
        storage,
        Resource("f"),
        ExecutionContext(GraphSchema({}), node_name="latency"),
    )

    def run(text: str) -> None:
        if not cached:
            featurizer._tokens = use_featurizer.TokenCache(0)
        message = Message(data={"text": text})
        tokenizer.process([message])
        featurizer.process([message])

    for text in MESSAGES:  # load the encoder and jieba first
        run(text)
    return timed(run)


def whole_model(model: Path) -> list[float]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def run(text: str) -> None:
        loop.run_until_complete(agent.parse_message(text))

    for text in MESSAGES:
        run(text)
    return timed(run)


def main() -> int:
    model = Path(sys.argv[1])
    answer = {
        "messages": len(MESSAGES) * ROUNDS,
        "nlu": percentiles(whole_model(model)),
        "encoder_and_tokenizer_cached": percentiles(featurizer_only(cached=True)),
        "encoder_and_tokenizer_uncached": percentiles(featurizer_only(cached=False)),
    }
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
