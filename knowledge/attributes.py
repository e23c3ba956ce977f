"""Product attributes a buyer can ask about, and the words for them in en/zh/es/de/fr/pt.

The table is data, ``knowledge/attributes.yaml`` (read once, on import): per attribute the
record fields that answer it and the words for it.

>>> find_attributes("What is the IP rating? And the Schutzart?")
['ip_rating']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

TABLE = Path(__file__).with_name("attributes.yaml")


@dataclass(frozen=True)
class Attribute:
    key: str
    fields: tuple[str, ...]  # record fields that answer it, main field first
    words: tuple[str, ...]  # en, zh, es, de, fr, pt phrasings (matched case-insensitively)


def _load(path: Path = TABLE) -> tuple[Attribute, ...]:
    raw: dict[str, dict[str, list[str]]] = yaml.load(
        path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader
    )
    return tuple(
        Attribute(key, tuple(entry["fields"]), tuple(entry["words"])) for key, entry in raw.items()
    )


ATTRIBUTES: tuple[Attribute, ...] = _load()
BY_KEY = {attribute.key: attribute for attribute in ATTRIBUTES}
_CJK = re.compile(r"[\u3400-\u9fff]")


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    owner: dict[str, str] = {}
    for attribute in ATTRIBUTES:
        for word in attribute.words:
            owner.setdefault(word.lower(), attribute.key)
    alternatives = []
    for word in sorted(owner, key=len, reverse=True):
        escaped = re.escape(word)
        # a Latin word needs its own edges, also next to Chinese ("的surge protection是")
        latin = rf"(?<![^\W\u3400-\u9fff]){escaped}(?![^\W\u3400-\u9fff])"
        alternatives.append(escaped if _CJK.search(word) else latin)
    return re.compile("|".join(alternatives), re.IGNORECASE), owner


def find_attributes(text: str) -> list[str]:
    """Keys of the attributes asked about in ``text``, in order of mention (longest phrase wins)."""
    pattern, owner = _pattern()
    found: list[str] = []
    for match in pattern.finditer(text):
        key = owner[match.group(0).lower()]
        if key not in found:
            found.append(key)
    return found
