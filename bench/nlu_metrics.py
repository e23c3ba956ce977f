"""Scores of NLU cross-validation, overall and per language, from Rasa's per-example results.

`rasa test nlu --cross-validation --successes` writes every test-fold prediction:
``intent_successes.json`` / ``intent_errors.json`` (text, intent, intent_prediction) and
``<extractor>_successes.json`` / ``<extractor>_errors.json`` (text, entities, predicted_entities;
an example is listed when it has a target or a predicted entity). The language of an example is
the language of its training file: ``nlu_<lang>.yml``, else English, except where the language
detector is sure that a line of a shared file is in another language (a few Spanish, German and
Chinese lines sit in the English files on purpose).

Entity scores are per span: a prediction counts when its start, end and label all match a target.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ENGLISH = "en"
LANGUAGE_FILE = re.compile(r"^nlu_(?P<lang>[a-z]{2})\.ya?ml$")
# "[5,000 pcs](quantity)", "[UL listed]{"entity": "certification", "value": "UL"}",
# "[x]{...}" or "[x](entity:value)": the plain text is what is inside the brackets
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+?)\](?:\([^)]*\)|\{[^}]*\})")


def plain_text(example: str) -> str:
    """A training example without its entity annotations, as Rasa sees its text."""
    return ANNOTATION.sub(lambda m: m.group("text"), example).strip()


def file_language(path: Path) -> str | None:
    """``nlu_zh.yml`` -> "zh"; None for the shared (English) files."""
    match = LANGUAGE_FILE.match(path.name)
    return match.group("lang") if match else None


def examples_of(path: Path) -> list[str]:
    """The plain texts of the NLU examples of one Rasa YAML file (none for stories, rules)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    texts: list[str] = []
    for block in data.get("nlu") or []:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                texts.append(plain_text(line[2:]))
    return texts


def example_languages(
    data_dir: Path, detect: Callable[[str], str | None] = lambda text: None
) -> dict[str, str]:
    """Plain example text -> language, for every NLU file under ``data_dir``.

    A language file decides for its examples; a line of a shared file is English unless
    ``detect`` names another language. A text in two files keeps the first language found,
    language files first.
    """
    files = sorted(data_dir.rglob("*.yml"))
    files.sort(key=lambda p: file_language(p) is None)
    languages: dict[str, str] = {}
    for path in files:
        language = file_language(path)
        for text in examples_of(path):
            if text not in languages:
                languages[text] = language or detect(text) or ENGLISH
    return languages


@dataclass
class Scores:
    """Precision, recall, F1 per label and their support-weighted average."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def labels(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def support(self, label: str) -> int:
        return self.tp[label] + self.fn[label]

    def precision(self, label: str) -> float:
        found = self.tp[label] + self.fp[label]
        return self.tp[label] / found if found else 0.0

    def recall(self, label: str) -> float:
        wanted = self.support(label)
        return self.tp[label] / wanted if wanted else 0.0

    def f1(self, label: str) -> float:
        p, r = self.precision(label), self.recall(label)
        return 2 * p * r / (p + r) if p + r else 0.0

    def total_support(self) -> int:
        return sum(self.support(label) for label in self.labels())

    def weighted_f1(self) -> float:
        total = self.total_support()
        if not total:
            return 0.0
        return sum(self.f1(label) * self.support(label) for label in self.labels()) / total


def intent_scores(results: Iterable[Mapping[str, Any]]) -> tuple[Scores, float]:
    """Per-intent scores and accuracy of intent predictions (one result per example)."""
    scores = Scores()
    right = total = 0
    for result in results:
        wanted = result["intent"]
        got = (result.get("intent_prediction") or {}).get("name") or "None"
        total += 1
        if got == wanted:
            right += 1
            scores.tp[wanted] += 1
        else:
            scores.fn[wanted] += 1
            scores.fp[got] += 1
    return scores, (right / total if total else 0.0)


def _spans(
    entities: Iterable[Mapping[str, Any]], extractor: str | None
) -> set[tuple[int, int, str]]:
    return {
        (int(e["start"]), int(e["end"]), str(e["entity"]))
        for e in entities
        if extractor is None or e.get("extractor") in (None, extractor)
    }


def entity_scores(results: Iterable[Mapping[str, Any]], extractor: str | None) -> Scores:
    """Per-label span scores of entity predictions (targets vs. the extractor's predictions)."""
    scores = Scores()
    for result in results:
        targets = _spans(result.get("entities") or [], None)
        predicted = _spans(result.get("predicted_entities") or [], extractor)
        for _, _, label in targets & predicted:
            scores.tp[label] += 1
        for _, _, label in predicted - targets:
            scores.fp[label] += 1
        for _, _, label in targets - predicted:
            scores.fn[label] += 1
    return scores


def by_language(
    results: Iterable[Mapping[str, Any]], languages: Mapping[str, str]
) -> dict[str, list[Mapping[str, Any]]]:
    """Results grouped by the language of their example ("?" when the text is unknown)."""
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for result in results:
        groups[languages.get(str(result.get("text", "")).strip(), "?")].append(result)
    return dict(groups)


def read_results(out: Path, name: str) -> list[dict[str, Any]]:
    """``<name>_successes.json`` and ``<name>_errors.json`` of a `rasa test` output folder."""
    results: list[dict[str, Any]] = []
    for suffix in ("successes", "errors"):
        path = out / f"{name}_{suffix}.json"
        if path.exists():
            results.extend(json.loads(path.read_text(encoding="utf-8")))
    return results
