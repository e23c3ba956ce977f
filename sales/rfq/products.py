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
from typing import Any, Protocol

from sales.normalizers._text import fold
from sales.normalizers.word_edges import END, whole

Product = Mapping[str, Any]


class Catalog(Protocol):
    def product(self, sku: str) -> Product | None: ...

    def find_skus(self, text: str) -> list[str]: ...

    @property
    def products(self) -> Sequence[Product]: ...


# Category words in the six languages, in lower case and mostly without accents; matching
# folds both sides (case, accents, ß), so "Painéis" finds "paineis" and "Straßenleuchten"
# finds "straßenleuchten".
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "panel": (
        "panel", "panels", "flat panel", "troffer", "panel led", "led panel", "led panels",
        "paneles", "paneles led", "led-panel", "led-panels", "einbaupanel", "panneau",
        "panneaux", "panneau led", "panneaux led", "dalle led", "dalles led", "painel",
        "paineis", "painel led", "paineis led", "einlegepanel", "einlegepanels",
        "einlegeleuchte", "einlegeleuchten", "rasterleuchte", "rasterleuchten", "dalle", "dalles",
        "面板灯", "平板灯",
    ),
    "downlight": (
        "downlight", "downlights", "down light", "down lights", "spot", "spots",
        "foco empotrable", "focos empotrables", "einbaustrahler", "einbauleuchte",
        "einbauleuchten", "spot encastrable", "spots encastrables", "encastre", "encastres",
        "spot encastre", "spots encastres", "downlight embutido", "downlights embutidos",
        "plafon", "plafons", "plafom", "plafon led", "plafons led", "plafones", "plafonnier",
        "plafonniers", "aufbauleuchte", "aufbauleuchten", "筒灯", "吸顶灯",
    ),
    "tube": (
        "tube", "tubes", "t8", "t5", "tubo", "tubos", "tubo led", "tubos led", "rohre", "rohren",
        "led-rohre", "led-rohren", "leuchtstoffrohre", "tube led", "tubes led",
        "lampada tubular", "lampadas tubulares", "灯管", "日光灯管",
    ),
    "high_bay": (
        "high bay", "high bays", "highbay", "highbays", "ufo", "campana", "campanas",
        "campana high bay", "campanas high bay", "campanas industriales", "hallenstrahler",
        "hallenleuchte", "hallenleuchten", "hallentiefstrahler", "cloche", "cloches",
        "cloche industrielle", "cloches industrielles", "luminaria industrial",
        "luminarias industriales", "luminaria high bay", "luminarias high bay", "工矿灯",
        "天棚灯",
    ),
    "floodlight": (
        "floodlight", "floodlights", "flood light", "flood lights", "reflector", "reflectores",
        "proyector", "proyectores", "fluter", "flutlicht", "flutlichtstrahler", "led-fluter",
        "projecteur", "projecteurs", "refletor", "refletores", "projetor", "projetores",
        "投光灯", "泛光灯",
    ),
    "street_light": (
        "street light", "street lights", "streetlight", "streetlights", "road light", "roadway",
        "cobra", "farola", "farolas", "luminaria vial", "luminarias viales",
        "alumbrado publico", "straßenleuchte", "straßenleuchten", "strassenleuchte",
        "strassenleuchten", "straßenlampe", "straßenlampen", "lampadaire", "lampadaires",
        "eclairage public", "luminaire routier", "luminaires routiers", "luminaria publica",
        "luminarias publicas", "iluminacao publica", "路灯",
    ),
    "driver": (
        "driver", "drivers", "power supply", "fuente de alimentacion",
        "fuentes de alimentacion", "controlador", "controladores", "treiber", "led-treiber",
        "netzteil", "netzteile", "betriebsgerat", "betriebsgerate", "alimentation",
        "alimentations", "alimentation led", "fonte de alimentacao", "fontes de alimentacao",
        "emergency module", "emergency modules", "emergency kit", "emergency kits",
        "emergency pack", "emergency packs", "emergency driver", "emergency drivers",
        "modulo de emergencia", "modulos de emergencia", "kit de emergencia", "kits de emergencia",
        "notlichtmodul", "notlichtmodule", "notlicht-set", "notlichtset", "notlicht-modul",
        "module de secours", "modules de secours", "kit de secours", "kits de secours",
        "应急电源", "应急模块", "应急包", "驱动电源", "电源", "驱动",
    ),
}  # fmt: skip
# Words that select a variant; a plain request prefers the plain product.
VARIANT_WORDS: dict[str, tuple[str, ...]] = {
    "emergency": (
        "emergency", "emergencia", "emergencias", "notlicht", "notbeleuchtung", "notlichtmodul",
        "notlichtmodule", "notlicht-set", "notlichtset", "notstrom", "notleuchte", "secours",
        "de secours",
        "bloc autonome", "应急",
    ),
    "economy": (
        "economy", "cheap", "budget", "eco", "economico", "economica", "barato", "barata",
        "gunstig", "economique", "economicos", "经济型", "经济款",
    ),
    "ugr": (
        "ugr", "office", "low glare", "anti-glare", "anti glare", "oficina", "antideslumbrante",
        "buro", "blendfrei", "entblendet", "bureau", "anti-eblouissement", "escritorio",
        "antiofuscamento", "防眩", "办公室",
    ),
    "north america": (
        "north america", "usa", "us market", "canada", "2x4", "2x2", "ft", "ul", "etl", "dlc",
        "cobra", "canless", "type a+b", "norteamerica", "estados unidos", "nordamerika",
        "amerique du nord", "america do norte", "北美",
    ),
    "high temperature": (
        "high temperature", "high-temp", "70°c", "ta 70", "alta temperatura", "hochtemperatur",
        "haute temperature", "高温",
    ),
    "fire-rated": (
        "fire rated", "fire-rated", "firerated", "ignifugo", "cortafuegos", "brandschutz",
        "coupe-feu", "corta-fogo", "防火",
    ),
    "edge-lit": ("edge-lit", "edge lit", "iluminacion lateral", "seitlich", "侧发光"),
    "dali": ("dali",),
    "sports": (
        "sports", "stadium", "modular", "deportes", "deportivo", "estadio", "sport", "stadion",
        "stade", "esportes", "esportivo", "estadio", "体育", "球场", "体育场",
    ),
    "linear": ("linear", "lineal", "lineaire", "线性", "条形"),
    "cob": ("cob",),
    "glass": ("glass", "vidrio", "glas", "verre", "vidro", "玻璃"),
    "aluminium-pc": (
        "aluminium", "aluminum", "shatter", "pc tube", "aluminio", "aluminio-pc", "铝",
    ),
    "high efficiency": (
        "high efficiency", "160 lm/w", "high-efficiency", "alta eficiencia", "hocheffizient",
        "haute efficacite", "高光效",
    ),
    "surface": (
        "surface", "superficie", "adosado", "aufbau", "aufputz", "en saillie", "sobrepor",
        "plafon", "plafons", "plafom", "plafones", "plafonnier", "plafonniers", "aufbauleuchte",
        "aufbauleuchten", "明装", "吸顶",
    ),
    "slim": ("slim", "extraplano", "flach", "extra-plat", "extra plat", "fino", "超薄"),
}  # fmt: skip
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


def category_of(text: str) -> str | None:
    lowered = fold(text)
    best: tuple[int, str] | None = None
    for category, words in CATEGORY_WORDS.items():
        for word in words:
            found = _word(fold(word)).search(lowered)
            if found and (best is None or found.start() < best[0]):
                best = (found.start(), category)
    return best[1] if best else None


def _has_word(text: str, word: str) -> bool:
    return _word(word).search(text) is not None


def _variants(text: str) -> set[str]:
    lowered = fold(text)
    return {
        name
        for name, words in VARIANT_WORDS.items()
        if any(_has_word(lowered, fold(w)) for w in words)
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
    sizes = _size_tokens(text)
    if sizes:
        candidates = [p for p in candidates if _fits(p, sizes)]
    wanted = _variants(text) | _variants(features)
    if not watts and len(candidates) > 1:
        having = [p for p in candidates if wanted and not wanted - _variants(_product_text(p))]
        if len(having) == 1:
            return ProductMatch(str(having[0]["sku"]), category)
        return ProductMatch(None, category)  # "panels": which one? keep the words
    ranked = sorted(
        (len(has - wanted), len(str(p.get("sku", ""))), str(p["sku"]))
        for p in candidates
        if not wanted - (has := _variants(_product_text(p)))
    )
    if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
        return ProductMatch(None, category)  # nothing fits, or two fit equally well
    return ProductMatch(ranked[0][2], category)
