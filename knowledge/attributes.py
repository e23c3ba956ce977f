"""Product attributes a buyer can ask about, and the words for them in en/zh/es/de/fr/pt.

The table is data, ``knowledge/attributes.yaml`` (read once, on import): per attribute the
record fields that answer it and the words for it.

>>> find_attributes("What is the IP rating? And the Schutzart?")
['ip_rating']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from i18n.lexicon import words as lexicon_words
from knowledge.phrases import phrase_pattern

TABLE = Path(__file__).with_name("attributes.yaml")


@dataclass(frozen=True)
class Attribute:
    key: str
    fields: tuple[str, ...]  # record fields that answer it, main field first
    words: tuple[str, ...]  # en, zh, es, de, fr, pt phrasings (matched case-insensitively)
    values: tuple[str, ...] = ()  # regexes of values that name it ("3000K" asks the CCT)


def _load(path: Path = TABLE) -> tuple[Attribute, ...]:
    raw: dict[str, dict[str, list[str]]] = yaml.load(
        path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader
    )
    return tuple(
        Attribute(
            key, tuple(entry["fields"]), tuple(entry["words"]), tuple(entry.get("values", ()))
        )
        for key, entry in raw.items()
    )


ATTRIBUTES: tuple[Attribute, ...] = _load()
BY_KEY = {attribute.key: attribute for attribute in ATTRIBUTES}
_CJK = re.compile(r"[\u3400-\u9fff]")
# Plural endings a Latin attribute word may carry in a question (en/es/pt/fr "s", "es"; de "n",
# "en"): the table lists the singular.
_PLURAL = "s|es|n|en"
# A misspelt word ("warrenty", "lifetme") still names its attribute when it is one edit away
# from a single-word attribute word at least this long (shorter words are too close to others:
# "weight" / "height") and has its first letter (people seldom mistype the first letter; words
# that differ there are mostly other words: "Welligkeit" is ripple, "Helligkeit" brightness).
TYPO_MIN_LENGTH = 8
_WORD = re.compile(r"[^\W\d_]+")


SUPERLATIVES_FILE = Path(__file__).resolve().parent / "lexicon" / "superlatives.yaml"


@cache
def superlatives() -> dict[str, tuple[str, str]]:
    """Each superlative word (``lexicon/superlatives.yaml``), lower case: (the attribute it
    asks, "min" or "max")."""
    data = yaml.load(SUPERLATIVES_FILE.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return {
        str(word).lower(): (key, direction)
        for key, directions in data.items()
        for direction, words in directions.items()
        for word in words
    }


def superlative_asked(text: str, key: str) -> str | None:
    """ "min" or "max" when ``text`` asks for the extreme of attribute ``key`` ("lightest").

    >>> superlative_asked("which is your lightest street light?", "weight_kg")
    'min'
    """
    for start, end, found in attribute_spans(text):
        if found == key and (asked := superlatives().get(text[start:end].lower())):
            return asked[1]
    return None


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    owner: dict[str, str] = {}
    for attribute in ATTRIBUTES:
        for word in attribute.words:
            owner.setdefault(word.lower(), attribute.key)
    for word, (key, _) in superlatives().items():  # "lightest" asks the weight
        owner.setdefault(word, key)
    # a Latin word needs its own edges, also next to Chinese ("的surge protection是"), and may
    # carry a plural ending ("prazos", "montages", "Optiken")
    return phrase_pattern(owner, latin_ending=_PLURAL), owner


@cache
def _single_words() -> dict[int, dict[str, str]]:
    """Single-word Latin attribute words long enough for the typo match, and their key, by
    length (a word one edit away has the same length or one more or less)."""
    _, owner = _pattern()
    by_length: dict[int, dict[str, str]] = {}
    for word, key in owner.items():
        if len(word) >= TYPO_MIN_LENGTH and _WORD.fullmatch(word) and not _CJK.search(word):
            by_length.setdefault(len(word), {})[word] = key
    return by_length


def one_edit_apart(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one substitution, insertion, deletion or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def _owner_of(word: str, owner: dict[str, str]) -> str:
    """The key of a matched word, its plural ending taken off where the table lists it bare."""
    word = word.lower()
    if word in owner:
        return owner[word]
    for ending in sorted(_PLURAL.split("|"), key=len, reverse=True):
        if word.endswith(ending) and word[: -len(ending)] in owner:
            return owner[word[: -len(ending)]]
    raise KeyError(word)


def find_attributes(text: str) -> list[str]:
    """Keys of the attributes asked about in ``text``, in order of mention (longest phrase wins;
    a plural or a word misspelt by one letter counts)."""
    keys: list[str] = []
    for _, _, key in attribute_spans(text):
        if key not in keys:
            keys.append(key)
    return keys


def attribute_spans(text: str) -> list[tuple[int, int, str]]:
    """Where ``text`` names an attribute: (start, end, key) of each mention, in text order.

    >>> attribute_spans("IP rating and weight?")
    [(0, 9, 'ip_rating'), (14, 20, 'weight_kg')]
    """
    return list(_spans(text))


@lru_cache(maxsize=256)
def _spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """``attribute_spans``, kept for the last questions: one answer asks it of the same
    question several times, and the scan over every attribute word is the costly part."""
    others = [(start, end) for start, end, _ in other_properties(text)]
    found = [
        (start, end, _owner_of(text[start:end], _pattern()[1]))
        for start, end in _longest_phrases(text)
        if all(end <= a or start >= b for a, b in others)  # "storage temperature": not ours
    ]
    covered = [(start, end) for start, end, _ in found]
    singles = _single_words()
    for match in _WORD.finditer(text):
        word = match.group(0).lower()
        if len(word) < TYPO_MIN_LENGTH - 1 or any(
            start <= match.start() < end for start, end in covered
        ):
            continue
        near = [
            key
            for length in (len(word) - 1, len(word), len(word) + 1)
            for candidate, key in singles.get(length, {}).items()
            # a misspelling keeps the first letter: "Welligkeit" (ripple) is no "Helligkeit"
            if candidate[0] == word[0] and one_edit_apart(word, candidate)
        ]
        if near:
            found.append((match.start(), match.end(), near[0]))
    for attribute in ATTRIBUTES:
        for value in attribute.values:
            if match := re.search(value, text, re.IGNORECASE):
                found.append((match.start(), match.end(), attribute.key))
    asked = [span for span in found if not set_aside(text, span[0])]
    return tuple(sorted(asked, key=lambda item: item[0]))


NOT_ASKED_FILE = Path(__file__).resolve().parent / "lexicon" / "not_asked.yaml"


@cache
def _set_aside_pattern() -> re.Pattern[str]:
    """A cue of ``lexicon/not_asked.yaml`` (and a determiner after it) ending where it is
    searched: ``search(text, 0, start)`` finds it right before ``start``."""
    data = yaml.safe_load(NOT_ASKED_FILE.read_text(encoding="utf-8"))
    cues = phrase_pattern(map(str, data["cues"])).pattern
    not_after = "".join(f"(?<!{re.escape(str(w))})" for w in data.get("not_after") or ())
    determiners = phrase_pattern(lexicon_words("determiners")).pattern
    return re.compile(rf"{not_after}(?:{cues})(?:\s+(?:{determiners}))?[\s'’]*$", re.IGNORECASE)


def set_aside(text: str, start: int) -> bool:
    """Whether the attribute named at ``start`` of ``text`` is set aside, not asked: "MTBF
    in hours, not the lifetime", "功率因数，不是功率".

    >>> set_aside("MTBF in hours, not the lifetime", 23), set_aside("the lifetime?", 4)
    (True, False)
    """
    return _set_aside_pattern().search(text, 0, start) is not None


OTHER_PROPERTIES_FILE = Path(__file__).resolve().parent / "lexicon" / "other_properties.yaml"


@cache
def _other_properties() -> re.Pattern[str]:
    data = yaml.safe_load(OTHER_PROPERTIES_FILE.read_text(encoding="utf-8"))
    return phrase_pattern(str(w).lower() for ws in data.values() for w in ws)


def other_properties(text: str) -> list[tuple[int, int, str]]:
    """Where ``text`` names a property no record gives although its name holds an attribute's
    word (``lexicon/other_properties.yaml``): (start, end, the phrase as written).

    >>> other_properties("storage temperature range of DRV-CC-40W?")
    [(0, 25, 'storage temperature range')]
    """
    return [(m.start(), m.end(), m.group(0)) for m in _other_properties().finditer(text)]


def _longest_phrases(text: str) -> list[tuple[int, int]]:
    """The attribute phrases of ``text`` that no longer one overlaps: "how many hours of
    backup" is the backup time ("hours of backup"), not the lifetime ("how many hours")."""
    pattern = _pattern()[0]
    candidates = []
    for found in pattern.finditer(text):
        candidates.append(found.span())
        # a phrase that starts inside this one and runs past it
        for start in range(found.start() + 1, found.end()):
            if not (_CJK.match(text, start) or text[start - 1] in " -/"):
                continue  # a phrase starts at a word's start
            if (match := pattern.match(text, start)) and match.end() > found.end():
                candidates.append(match.span())
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(candidates, key=lambda span: (span[0] - span[1], span[0])):
        if all(end <= a or start >= b for a, b in chosen):
            chosen.append((start, end))
    return sorted(chosen)


OWNERS_FILE = Path(__file__).resolve().parent / "lexicon" / "owners.yaml"


@cache
def _owner_patterns() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str], tuple[str, ...]]:
    """(a Latin owner after an attribute, a Chinese owner before "的", the product's own
    words, the Chinese ones) from lexicon/owners.yaml, all languages together."""
    data = yaml.safe_load(OWNERS_FILE.read_text(encoding="utf-8"))

    def words(kind: str, *, chinese: bool) -> list[str]:
        found = {str(w) for ws in data[kind].values() for w in ws}
        return sorted((w for w in found if bool(_CJK.search(w)) == chinese), key=len, reverse=True)

    def alternation(items: list[str]) -> str:
        return "|".join(re.escape(w) for w in items)

    link = rf"(?:{alternation(words('connectors', chinese=False))})"
    article = rf"(?:{alternation(words('articles', chinese=False))})"
    gap = r"(?:\s+|(?<='))"
    after = re.compile(rf"\s+{link}{gap}(?:{article}{gap})?(?P<owner>[^\W_][\w-]*)", re.IGNORECASE)
    linked = alternation(words("connectors", chinese=True))
    before = re.compile(rf"(?P<owner>[\u3400-\u9fff]{{1,4}}|[A-Za-z0-9-]+)(?:{linked})$")
    product = frozenset(w.lower() for w in words("product", chinese=False))
    return after, before, product, tuple(words("product", chinese=True))


def owned_elsewhere(text: str) -> list[tuple[int, int, int, str]]:
    """Attributes ``text`` asks of something the question names besides the product: (start,
    end, where the owner starts, owner) of each "attribute of <owner>" phrase whose owner is not
    one of the product's own words ("the lamp", "这款灯"). The caller decides about owners it
    knows (model numbers, ranges, markets, figures).

    >>> owned_elsewhere("What is the lifetime of the surge protector?")
    [(12, 33, 28, 'surge')]
    >>> owned_elsewhere("What is the lifetime of the lamp?")
    []
    """
    after, before, product, chinese = _owner_patterns()
    found: list[tuple[int, int, int, str]] = []
    for start, end, _key in attribute_spans(text):
        if match := after.match(text, end):
            owner = match.group("owner")
            if owner.lower() not in product and not owner[:1].isdigit():
                found.append((start, match.end(), match.start("owner"), owner))
        elif match := before.search(text, 0, start):
            owner = match.group("owner")
            if not owner.endswith(chinese) and not owner[:1].isdigit():
                found.append((match.start(), end, match.start(), owner))
    return found
