"""Matching the buyer's product words to a catalog SKU ("600x600 40W panels" -> PNL-6060-40W).

Deterministic: an exact model number wins; otherwise the category named (panel, high bay...),
the wattage and size tokens narrow the catalog, and variant words (emergency, economy, UGR,
North America...) pick among what is left. When that does not single out one product the SKU
stays unknown (null) and the buyer's words are kept: a made-up match would be worse.

Buyers name products in English, Chinese, Spanish, German, Portuguese and French ("paneles",
"Einbaustrahler", "面板灯", "projecteurs"); matching ignores case and accents, and Chinese words
are found without spaces around them ("40W面板灯").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from i18n import LANGUAGES
from sales.normalizers._text import fold
from sales.normalizers.word_edges import END, alternatives, whole

Product = Mapping[str, Any]


class Catalog(Protocol):
    def product(self, sku: str) -> Product | None: ...

    def find_skus(self, text: str) -> list[str]: ...

    @property
    def products(self) -> Sequence[Product]: ...


# What buyers call each category and variant, one data file per language
# (sales/rfq/product_words/<lang>.yaml, and any.yaml for codes every language uses). Matching
# folds both sides (case, accents, ß), so "Painéis" finds "paineis" and "Straßenleuchten" finds
# "straßenleuchten".
WORDS_DIR = Path(__file__).with_name("product_words")
_MIN_COMPOUND_HEAD = 5


@dataclass(frozen=True)
class ProductWords:
    categories: dict[str, tuple[str, ...]]
    variants: dict[str, tuple[str, ...]]
    # category words that also end compounds ("Röhren" of "Glasröhren"), with their category
    compound_heads: dict[str, str]


def load_words(directory: Path = WORDS_DIR) -> ProductWords:
    categories: dict[str, list[str]] = {}
    variants: dict[str, list[str]] = {}
    heads: dict[str, str] = {}
    for name in (*LANGUAGES, "any"):
        raw = yaml.load((directory / f"{name}.yaml").read_text("utf-8"), Loader=yaml.BaseLoader)
        for category, words in (raw.get("categories") or {}).items():
            categories.setdefault(category, []).extend(map(str, words))
            if raw.get("compounds") == "true":
                heads.update(
                    (w, category)
                    for w in map(str, words)
                    if len(w) >= _MIN_COMPOUND_HEAD and fold(w).isalpha()
                )
        for variant, words in (raw.get("variants") or {}).items():
            variants.setdefault(variant, []).extend(map(str, words))
    return ProductWords(
        {k: tuple(dict.fromkeys(v)) for k, v in categories.items()},
        {k: tuple(dict.fromkeys(v)) for k, v in variants.items()},
        heads,
    )


WORDS = load_words()
CATEGORY_WORDS = WORDS.categories
VARIANT_WORDS = WORDS.variants
_WATTS = re.compile(rf"(\d{{1,4}})\s*(?:w{END}|watts?{END}|vatios?{END}|瓦)", re.I)
_SIZE = re.compile(
    r"(?<![\d.])(\d{3,4})\s*[x×*]\s*(\d{3,4})(?!\d)|(?<![\d.])(\d{3,4})\s*mm(?![a-z])"
    r"|(?<![\d.])(\d)\s*(?:ft|feet|foot|pies|fuß|pieds|pés)(?![a-z])"
    r"|(?<![\d.])(\d{2,3})\s*cm(?![a-z])",
    re.I,
)


@dataclass(frozen=True)
class ProductMatch:
    sku: str | None
    category: str | None


@cache
def _word(word: str) -> re.Pattern[str]:
    """``word`` as a whole word (or phrase); a Chinese word needs no spaces around it."""
    return re.compile(whole(word))


_LETTERS = re.compile(r"[^\W\d_]+")
_HAN = re.compile(r"[\u3400-\u9fff]")
# A compound names its head's category when the head has a word of three letters or more before
# it ("glas|röhren"), and the whole is no word of ours.
_MIN_COMPOUND_MODIFIER = 3


@cache
def compound_heads() -> tuple[tuple[str, str], ...]:
    """The category words that end compounds, folded, longest first, with their category."""
    heads = {fold(word): category for word, category in WORDS.compound_heads.items()}
    return tuple(sorted(heads.items(), key=lambda kv: len(kv[0]), reverse=True))


def _split_compound(word: str) -> tuple[str, str] | None:
    """("glas", "rohren") for "glasrohren" (folded): a modifier, and a category word as head."""
    for head, _ in compound_heads():
        if len(word) - len(head) >= _MIN_COMPOUND_MODIFIER and word.endswith(head):
            return word[: -len(head)], head
    return None


def compound_category(word: str) -> str | None:
    """The category of a compound ending with a category word ("Glasröhren": tube,
    "Deckeneinbauleuchten": downlight), in languages that write compounds (the data's
    ``compounds: true``)."""
    split = _split_compound(fold(word))
    return dict(compound_heads())[split[1]] if split else None


def _unglued(folded: str, *, modifiers: bool = True) -> str:
    """Folded text with each compound that ends with a category word written as two words
    ("glasrohren" -> "glas rohren"), so that its head and its modifier ("glas": the glass
    variant) are found as words; without ``modifiers`` as its head alone (the head names the
    category: "ufoeinlegeleuchte" is a panel, whatever "ufo" means on its own)."""

    def split(token: re.Match[str]) -> str:
        word = token.group()
        parts = None if word in _folded_words() else _split_compound(word)
        if not parts:
            return word
        return " ".join(parts) if modifiers else parts[1]

    return _LETTERS.sub(split, folded)


@cache
def _folded_words() -> frozenset[str]:
    """Every category word, folded: words of ours are not split ("hallenstrahler")."""
    return frozenset(fold(w) for words in CATEGORY_WORDS.values() for w in words)


@cache
def _category_words() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every category word (folded, longest first) and each word's category
    (the first category listing it)."""
    owner: dict[str, str] = {}
    for category, words in CATEGORY_WORDS.items():
        for word in words:
            owner.setdefault(fold(word), category)
    return re.compile(alternatives(list(owner))), owner


_CLAUSE_END = re.compile(r"[,.;:!?，。；：！？、]")


def category_of(text: str) -> str | None:
    """The category the text names first: a category word, or a compound ending with one."""
    pattern, owner = _category_words()
    folded = _unglued(fold(text), modifiers=False)
    found = pattern.search(folded)
    # Chinese names its head last: "路灯电源" is a street light's driver, and so is
    # "路灯配的那款可以NFC编程的电源" (a later range word of the clause after a 的); "带电源的路灯"
    # is a street light
    # ... as a compound of range words does: "straßenleuchten-treiber", "street light driver"
    while (
        found
        and not _HAN.match(found.group(0))
        and folded[found.end() : found.end() + 1] in ("-", " ")
        and (head := pattern.match(folded, found.end() + 1))
    ):
        found = head
    while found and _HAN.match(found.group(0)):
        if head := pattern.match(folded, found.end()):
            found = head
            continue
        later = pattern.search(folded, found.end())
        between = folded[found.end() : later.start()] if later else ""
        if (
            later
            and _HAN.match(later.group(0))
            and "的" in between
            and not _CLAUSE_END.search(between)
        ):
            found = later
            continue
        break
    return owner[found.group(0)] if found else None


def _has_word(text: str, word: str) -> bool:
    return _word(word).search(text) is not None


def variants_of(text: str) -> set[str]:
    """The variant words (``product_words/*.yaml``: economy, emergency, UGR, sports...) ``text``
    names, by variant."""
    lowered = _unglued(fold(text))
    return {
        name
        for name, words in VARIANT_WORDS.items()
        if any(_has_word(lowered, fold(w)) for w in words)
    }


def _product_text(product: Product) -> str:
    return f"{product.get('sku', '')} {product.get('name', '')}".lower()


def size_tokens(text: str) -> set[str]:
    """The sizes ``text`` names: "600x600", "1200 mm", "4 ft" ("150 cm" as "1500 mm")."""
    tokens: set[str] = set()
    for match in _SIZE.finditer(text):
        if match.group(1):
            tokens.add(f"{match.group(1)}x{match.group(2)}")
        elif match.group(3):
            tokens.add(f"{match.group(3)} mm")
        elif match.group(4):
            tokens.add(f"{match.group(4)} ft")
        elif match.group(5):
            tokens.add(f"{int(match.group(5)) * 10} mm")  # "150 cm" tubes
    return tokens


def _fits(product: Product, sizes: set[str]) -> bool:
    name = _product_text(product).replace(" x ", "x").replace("×", "x")
    name = name.replace("4 ft", "1200 mm 4 ft")
    return all(size in name or size.replace(" ", "") in name for size in sizes)


def match_product(
    text: str, catalog: Catalog, *, context_category: str | None = None, features: str = ""
) -> ProductMatch:
    """``context_category``: what the buyer is talking about ("add the 60W too" after panels).

    ``features``: words said about the product after "with" ("panels with a 3-hour emergency
    pack"); only their variant words count. A variant that only one product of the category
    has names it even without a wattage ("emergency panels": PNL-6060-40W-EM).
    """
    skus = catalog.find_skus(text)
    if skus:
        product = catalog.product(skus[0])
        return ProductMatch(skus[0], product.get("category") if product else None)
    category = category_of(text) or (context_category if _WATTS.search(text) else None)
    if category is None:
        return ProductMatch(None, None)
    candidates = [p for p in catalog.products if p.get("category") == category]
    watts = {int(w) for w in _WATTS.findall(text)}
    if watts:
        candidates = [p for p in candidates if int(p.get("power_w") or -1) in watts]
    sizes = size_tokens(text)
    if sizes:
        candidates = [p for p in candidates if _fits(p, sizes)]
    wanted = variants_of(text) | variants_of(features)
    if not watts and len(candidates) > 1:
        having = [p for p in candidates if wanted and not wanted - variants_of(_product_text(p))]
        if len(having) == 1:
            return ProductMatch(str(having[0]["sku"]), category)
        return ProductMatch(None, category)  # "panels": which one? keep the words
    ranked = sorted(
        (len(has - wanted), len(str(p.get("sku", ""))), str(p["sku"]))
        for p in candidates
        if not wanted - (has := variants_of(_product_text(p)))
    )
    if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
        return ProductMatch(None, category)  # nothing fits, or two fit equally well
    return ProductMatch(ranked[0][2], category)
