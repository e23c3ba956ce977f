"""NLU cross-validation: intent F1 and entity F1, overall and per language.

Runs `rasa test nlu --cross-validation --successes` in the engine's environment on bot/data and
scores the test-fold predictions of every example, grouped by the language of its training file
(bench/nlu_metrics.py). Entity F1 is per span (start, end and label must match), per entity and
weighted by support; Rasa's own token-level figures are printed too.

Then, when the model of the current bot/ and config.yml is trained (`make bench` trains it
first), the per-message latency of its NLU and of the multilingual encoder in it
(bench/nlu_latency.py, in the engine's environment).

    .venv/bin/python bench/nlu_bench.py [--folds 3] [--config config.yml] [--keep DIR]
                                        [--no-latency]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nlu_metrics import (  # noqa: E402
    Scores,
    by_language,
    entity_scores,
    example_languages,
    intent_scores,
    read_results,
)
from tools import engine_files  # noqa: E402

EXTRACTOR = "DIETClassifier"
LANGUAGE_ORDER = ("en", "zh", "es", "de", "pt", "fr")


def _detector() -> Any:
    try:
        from i18n.detect import detect
    except ImportError:  # the app's language detector is optional here
        return lambda text: None
    return detect


def run_cross_validation(folds: int, config: Path, out: Path) -> float:
    """`rasa test nlu --cross-validation` into ``out``; returns the seconds it took."""
    started = time.monotonic()
    result = subprocess.run(
        [
            str(engine_files.ENGINE_PYTHON), "-m", "rasa", "test", "nlu",
            "--nlu", str(engine_files.BOT / "data"),
            "--config", str(config),
            "--cross-validation", "--folds", str(folds),
            "--successes", "--no-plot",
            "--out", str(out),
        ],
        cwd=ROOT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
    )  # fmt: skip
    if result.returncode != 0 or not (out / "intent_report.json").exists():
        raise RuntimeError(result.stdout[-2000:] + result.stderr[-3000:])
    return time.monotonic() - started


def latency(model: Path) -> list[str]:
    """Per-message latency lines of a trained model (bench/nlu_latency.py)."""
    result = subprocess.run(
        [str(engine_files.ENGINE_PYTHON), str(ROOT / "bench" / "nlu_latency.py"), str(model)],
        cwd=ROOT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return ["latency: failed", result.stderr[-1500:]]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    lines = [
        f"-- per-message latency, {answer['messages']} messages in six languages ({model.name})"
    ]
    for key, title in (
        ("nlu", "whole NLU pipeline"),
        ("encoder_and_tokenizer_cached", "tokenizer + encoder, known tokens"),
        ("encoder_and_tokenizer_uncached", "tokenizer + encoder, new tokens"),
    ):
        row = answer[key]
        lines.append(
            f"{title:<36} median {row['median_ms']:>6.1f} ms   p95 {row['p95_ms']:>6.1f} ms"
        )
    return lines


def ordered(languages: Sequence[str]) -> list[str]:
    known = [lang for lang in LANGUAGE_ORDER if lang in languages]
    return known + sorted(set(languages) - set(known))


def language_table(
    intents: Mapping[str, list[Mapping[str, Any]]], entities: Mapping[str, list[Mapping[str, Any]]]
) -> list[str]:
    """One line per language (and "all"): examples, intent F1 and accuracy, entity F1."""
    lines = [f"{'language':<10}{'examples':>9}{'intent F1':>11}{'accuracy':>10}{'entity F1':>11}"]
    everything = [r for group in intents.values() for r in group]
    every_entity = [r for group in entities.values() for r in group]
    rows = [("all", everything, every_entity)]
    rows += [(lang, intents[lang], entities.get(lang, [])) for lang in ordered(list(intents))]
    for name, intent_results, entity_results in rows:
        scores, accuracy = intent_scores(intent_results)
        spans = entity_scores(entity_results, EXTRACTOR)
        entity_f1 = f"{spans.weighted_f1():.3f}" if spans.total_support() else "-"
        lines.append(
            f"{name:<10}{len(intent_results):>9}{scores.weighted_f1():>11.3f}"
            f"{accuracy:>10.3f}{entity_f1:>11}"
        )
    return lines


def label_table(
    title: str, overall: Scores, per_language: Mapping[str, Scores], languages: Sequence[str]
) -> list[str]:
    """Per label: precision, recall, F1 and support overall, then F1 in each language."""
    head = f"{title:<16}{'prec':>6}{'rec':>6}{'F1':>6}{'n':>6}  " + "".join(
        f"{lang:>6}" for lang in languages
    )
    lines = [head]
    for label in overall.labels():
        if not overall.support(label):
            continue
        cells = "".join(
            f"{per_language[lang].f1(label):>6.2f}"
            if per_language[lang].support(label)
            else "     -"
            for lang in languages
        )
        lines.append(
            f"{label:<16}{overall.precision(label):>6.2f}{overall.recall(label):>6.2f}"
            f"{overall.f1(label):>6.2f}{overall.support(label):>6}  {cells}"
        )
    weighted = "".join(
        f"{per_language[lang].weighted_f1():>6.2f}"
        if per_language[lang].total_support()
        else "     -"
        for lang in languages
    )
    lines.append(
        f"{'weighted F1':<16}{'':>12}{overall.weighted_f1():>6.2f}{overall.total_support():>6}  "
        f"{weighted}"
    )
    return lines


def report(out: Path, languages: Mapping[str, str]) -> list[str]:
    """The whole printed report from a `rasa test nlu` output folder."""
    intent_results = read_results(out, "intent")
    entity_results = read_results(out, EXTRACTOR)
    intents = by_language(intent_results, languages)
    entities = by_language(entity_results, languages)
    langs = ordered(list(intents))
    lines = ["", "-- per language (test folds; entity F1 per span, weighted by support)"]
    lines += language_table(intents, entities)
    lines += ["", "-- intents: F1 overall and per language"]
    lines += label_table(
        "intent",
        intent_scores(intent_results)[0],
        {lang: intent_scores(intents.get(lang, []))[0] for lang in langs},
        langs,
    )
    lines += ["", "-- entities (per span): F1 overall and per language"]
    lines += label_table(
        "entity",
        entity_scores(entity_results, EXTRACTOR),
        {lang: entity_scores(entities.get(lang, []), EXTRACTOR) for lang in langs},
        langs,
    )
    rasa_lines = []
    for name, path in (("intents", "intent_report.json"), ("entities", f"{EXTRACTOR}_report.json")):
        if (out / path).exists():
            weighted = json.loads((out / path).read_text())["weighted avg"]["f1-score"]
            rasa_lines.append(f"{name} {weighted:.3f}")
    if rasa_lines:
        lines += ["", "Rasa's own weighted F1 (entities per token): " + ", ".join(rasa_lines)]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3, help="cross-validation folds (>= 2)")
    parser.add_argument("--config", type=Path, default=engine_files.CONFIG, help="Rasa config")
    parser.add_argument("--keep", type=Path, help="copy Rasa's result files to this folder")
    parser.add_argument("--no-latency", action="store_true", help="skip the latency figures")
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error("--folds must be at least 2")
    languages = example_languages(engine_files.BOT / "data", _detector())
    with tempfile.TemporaryDirectory(prefix="nlu-cv-") as tmp:
        out = Path(tmp)
        try:
            seconds = run_cross_validation(args.folds, args.config, out)
        except RuntimeError as exc:
            print(exc)
            return 1
        if args.keep:
            shutil.copytree(out, args.keep, dirs_exist_ok=True)
        print(
            f"\n== NLU cross-validation: {args.folds} folds, {len(languages)} examples, "
            f"{seconds:.0f} s ({args.config.name})"
        )
        print("\n".join(report(out, languages)))
    model = engine_files.model_path()
    if not args.no_latency and model.exists():
        print("\n" + "\n".join(latency(model)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
