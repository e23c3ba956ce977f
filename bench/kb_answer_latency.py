"""Answer latency at scale: ``knowledge.answers.answer`` over a 100k-chunk index.

    .venv/bin/python bench/kb_answer_latency.py [--chunks 100000] [--work var/bench-kb-scale]
                                                [--profile]

SYNTHETIC SCALE DATA: the index holds the demo catalog and documents plus generated model
variants of the demo's product records (new model numbers such as ``HB-UFO-150W-V0137``, with
flux, efficacy, colour temperatures, IP, warranty, MOQ, lead time and weight varied the way a
real range varies) until the chunk count is reached; each variant is rendered into chunks by
the same code as a real record, and the catalog the answers read holds every variant.  The
figures show how the answer path scales, not retrieval quality on a real 100k catalog.

Every labelled question (the sets of ``bench/kb_sets.py``: ``questions.yaml``,
``answer_questions.yaml`` and the held-out search and answer sets, with their language and
context) is answered once to warm up and then timed.  The query encoder's share
(USE-multilingual, one short text) is measured apart, by timing every call to
``knowledge.embeddings.encode`` made while answering.
Embeddings are kept in ``--work`` (an incremental index), so a second run embeds nothing.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import os
import pstats
import random
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import yaml  # noqa: E402

import knowledge.embeddings as embeddings  # noqa: E402
from bench.kb_sets import ANSWER_SETS, LABELLED_ANSWERS, LABELLED_SEARCH, SEARCH_SETS  # noqa: E402
from knowledge.answers import answer  # noqa: E402
from knowledge.chunks import Chunk, product_chunks  # noqa: E402
from knowledge.embeddings import DEFAULT_MODEL  # noqa: E402
from knowledge.index import KnowledgeBase  # noqa: E402
from knowledge.ingest import build_index  # noqa: E402
from knowledge.sources import read_sources  # noqa: E402

DEMO = ROOT / "knowledge" / "demo"
GOAL_P95_MS = 150.0
_IP = ("IP20", "IP40", "IP44", "IP54", "IP65", "IP66", "IP67")
_CCT = ("2700K", "3000K", "4000K", "5000K", "5700K", "6500K")


def product_variant(product: dict[str, Any], number: int, rng: random.Random) -> dict[str, Any]:
    """A synthetic model variant of a demo record: a new model number and varied figures."""
    variant = copy.deepcopy(product)
    variant["sku"] = f"{product['sku']}-V{number:04d}"
    if variant.get("name"):
        variant["name"] = f"{variant['name']} (synthetic variant {number})"
    for field, spread in (("luminous_flux_lm", 0.12), ("efficacy_lm_w", 0.1), ("weight_kg", 0.2)):
        value = variant.get(field)
        if isinstance(value, int | float) and not isinstance(value, bool) and value:
            varied = value * (1 + rng.uniform(-spread, spread))
            variant[field] = round(varied, 2) if isinstance(value, float) else round(varied)
    if variant.get("cct_options"):
        variant["cct_options"] = sorted(rng.sample(_CCT, rng.randint(1, 3)))
    if variant.get("ip_rating"):
        variant["ip_rating"] = rng.choice(_IP)
    for field, choices in (
        ("warranty_years", (2, 3, 5, 7)),
        ("moq", (50, 100, 200, 300, 500, 1000)),
        ("lead_time_days", (15, 20, 25, 30, 35, 45)),
    ):
        if variant.get(field) not in (None, ""):
            variant[field] = rng.choice(choices)
    return variant


def synthetic_catalog(
    size: int, seed: int = 13
) -> tuple[list[Chunk], list[dict[str, Any]], dict[str, Any]]:
    """``size`` chunks: the demo's, then chunks of generated variants of its records."""
    sources = read_sources(DEMO)
    chunks = sources.chunks()
    products = list(sources.products)
    rng = random.Random(seed)
    number = 0
    while len(chunks) < size:
        number += 1
        for product in sources.products:
            variant = product_variant(product, number, rng)
            rendered = product_chunks(variant)
            if len(chunks) + len(rendered) > size:
                chunks += rendered[: size - len(chunks)]
                products.append(variant)
                break
            chunks += rendered
            products.append(variant)
    return chunks[:size], products, sources.markets


def labelled_questions() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    sets = [*SEARCH_SETS, *ANSWER_SETS]
    for name in (LABELLED_SEARCH, LABELLED_ANSWERS, *(name for name, _ in sets)):
        path = DEMO / name
        if path.exists():
            for item in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
                items.append(
                    {
                        "q": item["q"],
                        "lang": item.get("lang", "en"),
                        "context": tuple(item.get("context") or ()),
                    }
                )
    return items


class EncoderTimer:
    """Times every ``knowledge.embeddings.encode`` call (the query encoder) while installed."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self._original = embeddings.encode

    def __enter__(self) -> EncoderTimer:
        def timed(*args: Any, **kwargs: Any) -> np.ndarray:
            started = time.perf_counter()
            try:
                return self._original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        embeddings.encode = timed
        return self

    def __exit__(self, *exc: object) -> None:
        embeddings.encode = self._original


def time_answers(
    kb: KnowledgeBase, items: list[dict[str, Any]]
) -> tuple[list[float], list[float], list[int]]:
    """Per question: total ms, encoder ms, encoder calls."""
    total, encoder, calls = [], [], []
    for item in items:
        with EncoderTimer() as timer:
            started = time.perf_counter()
            answer(kb, item["q"], language=item["lang"], context=item["context"])
            elapsed = time.perf_counter() - started
        total.append(elapsed * 1000)
        encoder.append(timer.seconds * 1000)
        calls.append(timer.calls)
    return total, encoder, calls


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench-kb-scale")
    parser.add_argument("--rounds", type=int, default=1, help="timed passes over the questions")
    parser.add_argument("--profile", action="store_true", help="cProfile one timed pass")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, no GPU, load average {os.getloadavg()[0]:.1f}; "
        f"model {DEFAULT_MODEL}"
    )
    chunks, products, markets = synthetic_catalog(args.chunks)
    print(
        f"SYNTHETIC SCALE DATA: {len(chunks)} chunks = the demo's 304 + generated model variants "
        f"of its records ({len(products)} products in the catalog, all but 49 synthetic)"
    )
    index_dir = args.work / f"answers-{args.chunks}"
    started, cpu = time.perf_counter(), time.process_time()
    built = build_index(
        chunks, index_dir, DEFAULT_MODEL, catalog={"products": products, "markets": markets}
    )
    print(
        f"index: {built.index_kind}, {built.added} chunks embedded, {built.reused} reused, "
        f"{time.perf_counter() - started:.1f} s ({time.process_time() - cpu:.1f} CPU s)"
    )
    started = time.perf_counter()
    kb = KnowledgeBase.load(index_dir)
    print(f"load: {time.perf_counter() - started:.1f} s")
    items = labelled_questions()
    started = time.perf_counter()
    first, _, _ = time_answers(kb, items)  # warm-up: lazy imports, caches, first filter masks
    print(
        f"warm-up pass: {len(items)} answers in {time.perf_counter() - started:.1f} s "
        f"(first answer {first[0]:.0f} ms, max {max(first):.0f} ms)"
    )
    total: list[float] = []
    encoder: list[float] = []
    calls: list[int] = []
    profiler = cProfile.Profile() if args.profile else None
    for _ in range(args.rounds):
        if profiler:
            profiler.enable()
        t, e, c = time_answers(kb, items)
        if profiler:
            profiler.disable()
        total += t
        encoder += e
        calls += c
    rest = [a - b for a, b in zip(total, encoder, strict=True)]
    print(
        f"\n== Answer latency at {len(chunks)} chunks (synthetic scale data), "
        f"{len(total)} answers of {len(items)} labelled questions =="
    )
    print(f"{'part':<26} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, values in (
        ("whole answer", total),
        ("query encoder (USE)", encoder),
        ("answer without encoder", rest),
    ):
        print(
            f"{name:<26} {_pct(values, 50):>8.1f} {_pct(values, 95):>8.1f} "
            f"{_pct(values, 99):>8.1f} {max(values):>8.1f}"
        )
    print(f"encoder calls per answer: mean {np.mean(calls):.2f}, max {max(calls)}")
    p95 = _pct(total, 95)
    verdict = "met" if p95 < GOAL_P95_MS else "NOT met"
    print(f"goal: answer p95 < {GOAL_P95_MS:.0f} ms at 100k chunks: {verdict} ({p95:.1f} ms)")
    questions = [item["q"] for item in items] * args.rounds
    slowest = sorted(zip(total, questions, strict=True), reverse=True)[:5]
    print("slowest: " + "; ".join(f"{ms:.0f} ms {q[:50]!r}" for ms, q in slowest))
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
