"""NLU cross-validation scoring (bench/nlu_metrics.py) and the bench's report, from Rasa's
per-example result files (no engine needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.nlu_bench import report
from bench.nlu_metrics import (
    by_language,
    entity_scores,
    example_languages,
    examples_of,
    file_language,
    intent_scores,
    plain_text,
    read_results,
)


@pytest.mark.parametrize(
    ("example", "text"),
    [
        ("[5,000 pcs](quantity) of [panels](product)", "5,000 pcs of panels"),
        ('we need [UL listed]{"entity": "certification", "value": "UL"}', "we need UL listed"),
        ("运往[汉堡](place:Hamburg)", "运往汉堡"),
        ("no entities here", "no entities here"),
        ("a [bracket] without annotation", "a [bracket] without annotation"),
    ],
)
def test_plain_text_drops_the_annotations(example: str, text: str) -> None:
    assert plain_text(example) == text


def test_language_of_a_file() -> None:
    assert file_language(Path("bot/data/nlu_zh.yml")) == "zh"
    assert file_language(Path("bot/data/rfq_nlu.yml")) is None
    assert file_language(Path("bot/data/nlu.yml")) is None


def write(path: Path, intents: dict[str, list[str]], extra: str = "") -> Path:
    blocks = "".join(
        f"  - intent: {name}\n    examples: |\n" + "".join(f"      - {e}\n" for e in examples)
        for name, examples in intents.items()
    )
    path.write_text(f'version: "3.1"\n\nnlu:\n{blocks}{extra}', encoding="utf-8")
    return path


def test_examples_of_a_file_skip_lookups_and_rules(tmp_path: Path) -> None:
    path = write(
        tmp_path / "nlu.yml",
        {"inform": ["[CIF](incoterm) please", "Hamburg"]},
        "  - lookup: place\n    examples: |\n      - Hamburg\n"
        "rules:\n  - rule: x\n    steps:\n      - intent: inform\n",
    )
    assert examples_of(path) == ["CIF please", "Hamburg"]


def test_languages_come_from_the_files_and_the_detector(tmp_path: Path) -> None:
    write(tmp_path / "nlu.yml", {"greet": ["hello", "hola, buenos días"]})
    write(tmp_path / "nlu_es.yml", {"greet": ["hola", "hello"]})
    (tmp_path / "entities").mkdir()
    write(tmp_path / "entities" / "nlu_zh.yml", {"greet": ["你好"]})
    detected = {"hola, buenos días": "es"}
    languages = example_languages(tmp_path, lambda text: detected.get(text))
    # a language file decides, also for a text that an English file has too
    assert languages == {"hola": "es", "hello": "es", "你好": "zh", "hola, buenos días": "es"}


def intent(text: str, wanted: str, got: str) -> dict[str, Any]:
    return {"text": text, "intent": wanted, "intent_prediction": {"name": got, "confidence": 0.9}}


def test_intent_scores() -> None:
    scores, accuracy = intent_scores(
        [
            intent("a", "greet", "greet"),
            intent("b", "greet", "goodbye"),
            intent("c", "goodbye", "goodbye"),
            intent("d", "inform", "inform"),
        ]
    )
    assert accuracy == 0.75
    assert scores.precision("greet") == 1.0
    assert scores.recall("greet") == 0.5
    assert scores.f1("goodbye") == pytest.approx(2 / 3)
    # (2/3 * 2 + 2/3 * 1 + 1 * 1) / 4
    assert scores.weighted_f1() == pytest.approx((4 / 3 + 2 / 3 + 1) / 4)


def span(start: int, end: int, label: str, extractor: str | None = None) -> dict[str, Any]:
    entity: dict[str, Any] = {"start": start, "end": end, "entity": label, "value": "x"}
    if extractor:
        entity["extractor"] = extractor
    return entity


def test_entity_scores_count_exact_spans_of_one_extractor() -> None:
    results = [
        {
            "text": "5000 pcs to Hamburg",
            "entities": [span(0, 8, "quantity"), span(12, 19, "place")],
            "predicted_entities": [
                span(0, 4, "quantity", "DIETClassifier"),  # too short: a miss and a false hit
                span(12, 19, "place", "DIETClassifier"),
                span(12, 19, "place", "RegexEntityExtractor"),  # another extractor: ignored
            ],
        },
        {
            "text": "CIF",
            "entities": [],
            "predicted_entities": [span(0, 3, "place", "DIETClassifier")],
        },
    ]
    scores = entity_scores(results, "DIETClassifier")
    assert (scores.tp["place"], scores.fp["place"], scores.fn["place"]) == (1, 1, 0)
    assert (scores.tp["quantity"], scores.fp["quantity"], scores.fn["quantity"]) == (0, 1, 1)
    assert scores.f1("place") == pytest.approx(2 / 3)
    assert scores.weighted_f1() == pytest.approx((2 / 3 * 1 + 0 * 1) / 2)


def test_results_are_grouped_by_language() -> None:
    groups = by_language(
        [
            intent("hola", "greet", "greet"),
            intent("你好 ", "greet", "greet"),
            intent("?", "x", "x"),
        ],
        {"hola": "es", "你好": "zh"},
    )
    assert {lang: len(results) for lang, results in groups.items()} == {"es": 1, "zh": 1, "?": 1}


def rasa_output(folder: Path) -> Path:
    """What `rasa test nlu --cross-validation --successes` leaves in its --out folder."""
    (folder / "intent_successes.json").write_text(
        json.dumps([intent("hello", "greet", "greet"), intent("你好", "greet", "greet")])
    )
    (folder / "intent_errors.json").write_text(json.dumps([intent("hola", "greet", "goodbye")]))
    (folder / "DIETClassifier_successes.json").write_text(
        json.dumps(
            [
                {
                    "text": "你好",
                    "entities": [span(0, 2, "place")],
                    "predicted_entities": [span(0, 2, "place", "DIETClassifier")],
                }
            ]
        )
    )
    (folder / "intent_report.json").write_text(json.dumps({"weighted avg": {"f1-score": 0.5}}))
    return folder


def test_read_results_joins_successes_and_errors(tmp_path: Path) -> None:
    out = rasa_output(tmp_path)
    assert [r["text"] for r in read_results(out, "intent")] == ["hello", "你好", "hola"]
    assert read_results(out, "RegexEntityExtractor") == []


def test_report_has_a_line_per_language(tmp_path: Path) -> None:
    lines = report(rasa_output(tmp_path), {"hello": "en", "你好": "zh", "hola": "es"})
    table = {
        line.split()[0]: line.split()[1:]
        for line in lines
        if line[:3] in ("all", "en ", "zh ", "es ")
    }
    # greet: precision 1, recall 2/3; goodbye (predicted once, never wanted) weighs nothing
    assert table["all"][:3] == ["3", "0.800", "0.667"]  # examples, intent F1, accuracy
    assert table["en"] == ["1", "1.000", "1.000", "-"]
    assert table["zh"] == ["1", "1.000", "1.000", "1.000"]
    assert table["es"] == ["1", "0.000", "0.000", "-"]
    assert any(
        line.startswith("Rasa's own weighted F1") and "intents 0.500" in line for line in lines
    )
