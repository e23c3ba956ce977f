"""Matching the buyer's product words to a catalog SKU ("600x600 40W panels" -> PNL-6060-40W).

Deterministic: an exact model number wins; otherwise the category named (panel, high bay...),
the wattage and size tokens narrow the catalog, and variant words (emergency, economy, UGR,
North America...) pick among what is left. When that does not single out one product the SKU
stays unknown (null) and the buyer's words are kept: a made-up match would be worse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Product = Mapping[str, Any]


class Catalog(Protocol):
    def product(self, sku: str) -> Product | None: ...

    def find_skus(self, text: str) -> list[str]: ...

    @property
    def products(self) -> Sequence[Product]: ...


CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "panel": (
        "panel",
        "panels",
        "flat panel",
        "troffer",
        "面板灯",
        "平板灯",
        "panel led",
        "paneles",
    ),
    "downlight": ("downlight", "downlights", "down light", "down lights", "筒灯", "spot", "spots"),
    "tube": ("tube", "tubes", "t8", "t5", "灯管", "tubo", "tubos", "röhre", "röhren"),
    "high_bay": ("high bay", "high bays", "highbay", "highbays", "ufo", "工矿灯", "campana"),
    "floodlight": (
        "floodlight",
        "floodlights",
        "flood light",
        "flood lights",
        "投光灯",
        "reflector",
        "proyector",
        "fluter",
    ),
    "street_light": (
        "street light",
        "street lights",
        "streetlight",
        "streetlights",
        "road light",
        "roadway",
        "cobra",
        "路灯",
        "farola",
        "farolas",
        "straßenleuchte",
    ),
    "driver": (
        "driver",
        "drivers",
        "power supply",
        "电源",
        "驱动",
        "fuente",
        "treiber",
        "netzteil",
    ),
}
# Words that select a variant; a plain request prefers the plain product.
VARIANT_WORDS: dict[str, tuple[str, ...]] = {
    "emergency": ("emergency", "应急"),
    "economy": ("economy", "cheap", "budget", "eco"),
    "ugr": ("ugr", "office", "low glare", "anti-glare", "anti glare"),
    "north america": (
        "north america",
        "usa",
        "us market",
        "canada",
        "2x4",
        "2x2",
        "ft",
        "ul",
        "etl",
        "dlc",
        "cobra",
        "canless",
        "type a+b",
    ),
    "high temperature": ("high temperature", "high-temp", "70°c", "ta 70"),
    "fire-rated": ("fire rated", "fire-rated", "firerated"),
    "edge-lit": ("edge-lit", "edge lit"),
    "dali": ("dali",),
    "sports": ("sports", "stadium", "modular"),
    "linear": ("linear",),
    "cob": ("cob",),
    "glass": ("glass",),
    "aluminium-pc": ("aluminium", "aluminum", "shatter", "pc tube"),
    "high efficiency": ("high efficiency", "160 lm/w", "high-efficiency"),
    "surface": ("surface",),
    "slim": ("slim",),
}
_WATTS = re.compile(r"(\d{1,4})\s*(?:w\b|watts?\b|瓦)", re.I)
_SIZE = re.compile(
    r"\b(\d{3,4})\s*[x×*]\s*(\d{3,4})\b|\b(\d{3,4})\s*mm\b|\b(\d)\s*(?:ft|feet|foot)\b", re.I
)


@dataclass(frozen=True)
class ProductMatch:
    sku: str | None
    category: str | None


def _word(word: str) -> re.Pattern[str]:
    """``word`` as a whole word (or phrase)."""
    return re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])")


def category_of(text: str) -> str | None:
    lowered = text.lower()
    best: tuple[int, str] | None = None
    for category, words in CATEGORY_WORDS.items():
        for word in words:
            found = _word(word).search(lowered)
            if found and (best is None or found.start() < best[0]):
                best = (found.start(), category)
    return best[1] if best else None


def _has_word(text: str, word: str) -> bool:
    return _word(word).search(text) is not None


def _variants(text: str) -> set[str]:
    lowered = text.lower()
    return {
        name for name, words in VARIANT_WORDS.items() if any(_has_word(lowered, w) for w in words)
    }


def _product_text(product: Product) -> str:
    return f"{product.get('sku', '')} {product.get('name', '')}".lower()


def _size_tokens(text: str) -> set[str]:
    tokens: set[str] = set()
    for match in _SIZE.finditer(text):
        if match.group(1):
            tokens.add(f"{match.group(1)}x{match.group(2)}")
        elif match.group(3):
            tokens.add(f"{match.group(3)} mm")
        elif match.group(4):
            tokens.add(f"{match.group(4)} ft")
    return tokens


def _fits(product: Product, sizes: set[str]) -> bool:
    name = _product_text(product).replace(" x ", "x").replace("×", "x")
    name = name.replace("4 ft", "1200 mm 4 ft")
    return all(size in name or size.replace(" ", "") in name for size in sizes)


def match_product(
    text: str, catalog: Catalog, *, context_category: str | None = None
) -> ProductMatch:
    """``context_category``: what the buyer is talking about ("add the 60W too" after panels)."""
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
    sizes = _size_tokens(text)
    if sizes:
        candidates = [p for p in candidates if _fits(p, sizes)]
    if not watts and len(candidates) > 1:
        return ProductMatch(None, category)  # "panels": which one? keep the words
    wanted = _variants(text)
    ranked = sorted(
        (len(has - wanted), len(str(p.get("sku", ""))), str(p["sku"]))
        for p in candidates
        if not wanted - (has := _variants(_product_text(p)))
    )
    if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
        return ProductMatch(None, category)  # nothing fits, or two fit equally well
    return ProductMatch(ranked[0][2], category)
