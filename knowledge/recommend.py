"""Recommendations: which catalog records fit a need the buyer states ("a light for a cold store
at -35°C, about 30,000 lm, DALI", "something for tennis courts with interchangeable optics").

The need is read as constraints, each checked against the record: an ambient temperature inside
the operating range, a power or a luminous flux near the one asked, an IP / IK rating at least
the one asked, the certifications and dimming protocols named, a CRI above or a UGR below a
figure, a surge protection of at least so many kV, a market whose rules the record meets, a
mounting height inside the heights the record's summary names ("for 6-8 m mounting heights"),
and the features of ``knowledge/lexicon/needs.yaml`` (tilt, interchangeable optics, aisle
optics, sensor, photocell, wet location, emergency, fire rating, flicker-free,
shatter-resistant, high CRI, low glare, high ambient, economy). The temperature and the market
are hard (a record outside them is left out, unless none is inside); the rest count, one each,
and the search's ranking of the product records for the question's words breaks ties (it
carries needs we have no constraint for: "foundry", "slow-motion replay", "clothing store").
Every record is ranked with the record fields that show why it fits, so the answer can say so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from knowledge.catalog import Product
from knowledge.cert_codes import codes_named
from knowledge.phrases import phrase_pattern
from knowledge.text_tokens import MIN_PART, guess_language

NEEDS_FILE = Path(__file__).resolve().parent / "lexicon" / "needs.yaml"
# How much the search's ranking adds: less than one met constraint, so it only orders records
# that meet as many.
SEARCH_WEIGHT = 0.9
NEAR = 0.2  # a power or flux within 20% of the one asked is "about" it

_CJK = re.compile(r"[\u3400-\u9fff]")
_TEMPERATURE = re.compile(
    r"(?P<sign>[-−–]|minus\s|menos\s|moins\s|零下)?\s?(?P<n>\d{1,3})\s?(?:°\s?c|ºc|℃|度|grad\b)",
    re.IGNORECASE,
)
_SIGNED = re.compile(r"[-−–+]?\d+(?:\.\d+)?")
_WATTS = re.compile(r"(?<![\w.])(\d{1,4})\s?(?:w|watts?|瓦)(?![a-z])", re.IGNORECASE)
_LUMENS = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[,.\s]\d{3})+|\d{2,6})\s?(?:k\s?)?(?:lm|lumens?|lúmenes|lumen|流明)"
    r"(?![a-z])",
    re.IGNORECASE,
)
_IP = re.compile(r"(?<![A-Za-z])IP\s?(\d)(\d)(?!\d)", re.IGNORECASE)
_IK = re.compile(r"(?<![A-Za-z])IK\s?(\d{2})(?!\d)", re.IGNORECASE)
_KV = re.compile(r"(?<![\w.])(\d{1,2}(?:[.,]\d)?)\s?kv(?![a-z])", re.IGNORECASE)
_CRI = re.compile(
    r"(?:cri|irc|ra|显色指数|显色)\s*(?:>|≥|>=|above|over|of|at least|mayor (?:de|que)|"
    r"superior a|por encima de|über|mindestens|von|au-dessus de|supérieur à|d'au moins|"
    r"acima de|maior (?:de|que)|pelo menos|大于|以上)?\s*(\d{2})",
    re.IGNORECASE,
)
_UGR = re.compile(
    r"ugr\s*(?:<|≤|<=|below|under|less than|of|menor (?:de|que)|inferior a|por debajo de|unter|"
    r"kleiner als|von|inférieur à|en dessous de|abaixo de|menor (?:de|que)|小于|低于)?\s*(\d{2})",
    re.IGNORECASE,
)
_DIMMING = {
    "DALI": re.compile(r"(?<![a-z])dali(?![a-z])", re.IGNORECASE),
    "0-10V": re.compile(r"(?<![\d.])0\s?-\s?10\s?v", re.IGNORECASE),
    "1-10V": re.compile(r"(?<![\d.])1\s?-\s?10\s?v", re.IGNORECASE),
    "TRIAC": re.compile(r"(?<![a-z])(?:triac|phase-cut|phasenabschnitt)(?![a-z])", re.IGNORECASE),
}
_PREMIUM = re.compile(r"dlc\s+premium", re.IGNORECASE)
# A mounting height asked: "14 metros de altura", "plafond à 15 m", "6 m de pé-direito", "层高8米"
_HEIGHT_WORDS = re.compile(
    r"(?<!\w)(?:height|high|ceilings?|mounted|mounting|poles?|altura|alto|techo|nave|"
    r"pé-direito|teto|postes?|columnas?|colunas?|báculos?|plafond|hauteur|haut|mâts?|"
    r"candélabres?|hoch|decke|masts?|masten)(?!\w)"
    r"|höhe(?!\w)|高|层高|安装|灯杆",  # "Deckenhöhe", "Hallenhöhe": a compound's head
    re.IGNORECASE,
)
_METRES = re.compile(
    r"(?<![\d.,A-Za-z])(\d{1,2}(?:[.,]\d)?)\s?(?:m|metros?|mètres?|meters?|meter|米)(?![a-z²³])",
    re.IGNORECASE,
)
# The heights a record's summary says it is for: "for 6-8 m mounting heights", "10-12 m poles",
# "for 12-15 m ceilings", "pole heights 4-6 m".
_MADE_FOR_HEIGHTS = re.compile(
    r"(\d+(?:\.\d+)?)\s?-\s?(\d+(?:\.\d+)?)\s?m\s+(?:mounting\s+)?(?:heights?|ceilings?|poles?)"
    r"|(?:pole|mounting)\s+heights?\s+(\d+(?:\.\d+)?)\s?-\s?(\d+(?:\.\d+)?)\s?m",
    re.IGNORECASE,
)
HEIGHT_MARGIN = 1.0  # metres either side of the heights a record is for
# A module size asked: "placas de 1200x300", "60x60 cm", "2x4 ft", "600 x 600 mm"; in mm, sorted.
_SIZE = re.compile(
    r"(?<![\w.,])(\d{1,4}(?:[.,]\d)?)\s?(?:mm|cm)?\s?[x×*]\s?(\d{1,4}(?:[.,]\d)?)"
    r"\s?(mm|cm|ft|feet|foot|pies|pés|fu(?:ß|ss)|'|′)?(?![\w.])",
    re.IGNORECASE,
)
_RECORD_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s?x\s?(\d+(?:\.\d+)?)")
SIZE_TOLERANCE = 0.05  # a 595 x 595 panel is a 600 x 600 module; 2 ft is 610 mm
# A request for what fits: "which light do you recommend", "I need something for", "推荐".
ASKS_FIT = re.compile(
    r"(?<!\w)(?:what (?:would|do|should|could) (?:you|we|i) (?:put|use|fit|install|suggest|"
    r"recommend)|qu[eé] (?:pondr|usar|instalar)(?:ía|ían|íais)|was würden sie (?:nehmen|"
    r"einsetzen|einbauen|verwenden)|que mettriez|qu'installeriez|o que (?:voc[eê]s? )?"
    r"(?:colocaria|usaria|instalaria)m?|"
    r"recommend|recommended|suggest|need (?:a|an|some|something|lights?|lighting)|"
    r"looking for|something for|which (?:light|lamp|luminaire|fixture|product|one)s?|"
    r"what (?:light|lamp|luminaire|fixture|product)s?|suitable|fits?|"
    r"recomienda[ns]?|recomendar(?:ía|ían)?|necesito|necesitamos|busco|buscamos|"
    r"qu[eé] (?:luminaria|luz|lámpara|producto)s?|adecuad[oa]s?|sirve para|"
    r"empfehlen|empfiehlst|empfehlung|brauchen|brauche|suchen|suche|welche[rns]? "
    r"(?:leuchte|lampe|strahler|produkt)|passt|geeignet|"
    r"recommandez|recommanderiez|conseillez|il me faut|il nous faut|je cherche|nous cherchons|"
    r"besoin d|quel(?:le)?s? (?:luminaire|éclairage|produit|lampe)s?|que proposez|"
    r"adapté(?:e|s|es)?|convient|"
    r"recomenda[mr]?|preciso|precisamos|procuro|procuramos|qua(?:l|is) (?:luminária|luz|lâmpada|"
    r"produto)s?|uma luz|serve (?:pra|para)|adequad[oa]s?)(?!\w)"
    r"|(?<!\w)(?:an?|some|un|une|una|um|uma|ein|eine|einen)\s+(?:light|lamp|luminaire|fixture|"
    r"lighting|luz|luminaria|luminária|lámpara|lâmpada|lampe|leuchte|éclairage)\s+"
    r"(?:for|pour|para|pra|für)(?!\w)"
    r"|推荐|适合|适用|用什么灯|什么灯|哪款|哪个|需要.{0,12}灯|你们会用什么|装什么",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Feature:
    key: str
    fields: tuple[str, ...]
    match: re.Pattern[str] | None
    words: tuple[str, ...]


@dataclass
class Fit:
    """A record ranked for a need: the constraints it meets and the fields that show it."""

    product: Product
    met: int
    reasons: list[str] = field(default_factory=list)
    search_rank: int | None = None

    @property
    def score(self) -> float:
        bonus = SEARCH_WEIGHT / (1 + self.search_rank) if self.search_rank is not None else 0.0
        return self.met + bonus


@cache
def features() -> tuple[Feature, ...]:
    data = yaml.safe_load(NEEDS_FILE.read_text(encoding="utf-8")) or {}
    return tuple(
        Feature(
            key=key,
            fields=tuple(entry["fields"]),
            match=re.compile(entry["match"]) if entry.get("match") else None,
            words=tuple(str(word).lower() for word in entry["words"]),
        )
        for key, entry in data.items()
    )


def _says(text: str, word: str) -> bool:
    if _CJK.search(word):
        return word in text
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


# German writes a feature inflected ("flimmerfreie", "schwenkbaren") or as the first part of a
# compound ("Gangoptik": an aisle optic, "Notlichtfunktion"); the part is a word of this many
# letters or more, the rest at least MIN_PART letters (a linking "s" allowed between them).
_GERMAN_ENDINGS = ("e", "en", "er", "es", "em")
MIN_FEATURE_PART = 4


def _german_words(question: str) -> list[str]:
    """The words of a German question (its stop words point to German), else none."""
    words = re.findall(r"[^\W\d_]+", question.lower())
    return words if guess_language(words) == "de" else []


def _german_says(words: list[str], word: str) -> bool:
    """``word`` (one word) inflected or as the first part of a compound among ``words``."""
    if len(word) < MIN_FEATURE_PART or not word.isalpha():
        return False
    for own in words:
        rest = own[len(word) :] if own.startswith(word) else None
        if rest is None or not rest:
            continue
        if rest in _GERMAN_ENDINGS or len(rest.removeprefix("s")) >= MIN_PART:
            return True
    return False


def stated_features(question: str) -> list[Feature]:
    text = question.lower()
    german = _german_words(question)
    return [
        f
        for f in features()
        if any(_says(text, word) or (german and _german_says(german, word)) for word in f.words)
    ]


def has_feature(product: Product, feature: Feature) -> str | None:
    """The field of ``product`` that shows it has ``feature``, if it has it."""
    for name in feature.fields:
        value = product.get(name)
        if value in (None, "", [], False):
            continue
        if feature.match and not feature.match.search(
            " ".join(map(str, value)) if isinstance(value, list) else str(value)
        ):
            continue
        return name
    return None


def temperature_asked(question: str) -> float | None:
    match = _TEMPERATURE.search(question)
    if not match:
        return None
    value = float(match.group("n"))
    return -value if match.group("sign") else value


def operating_range(product: Product) -> tuple[float, float] | None:
    numbers = _SIGNED.findall(str(product.get("operating_temp") or "").replace("−", "-"))
    if len(numbers) < 2:
        return None
    return float(numbers[0]), float(numbers[1])


def _number(text: str) -> float:
    return float(re.sub(r"[,.\s]", "", text))


def _first_number(value: Any) -> float | None:
    found = re.search(r"\d+(?:\.\d+)?", str(value or ""))
    return float(found.group(0)) if found else None


def _near(value: float | None, wanted: float) -> bool:
    return value is not None and abs(value - wanted) <= NEAR * wanted


@dataclass
class Need:
    temperature: float | None = None
    watts: float | None = None
    lumens: float | None = None
    ip: tuple[int, int] | None = None
    ik: int | None = None
    codes: tuple[str, ...] = ()
    premium: bool = False
    dimming: tuple[str, ...] = ()
    cri: int | None = None
    ugr: int | None = None
    surge_kv: float | None = None
    height: float | None = None  # mounting height in metres
    size: tuple[float, float] | None = None  # a module's two sides in mm, smaller first
    features: tuple[Feature, ...] = ()

    def stated(self) -> bool:
        return self.count() > 0

    def count(self) -> int:
        """How many constraints are stated."""
        return sum(
            value not in (None, (), False)
            for value in (
                self.temperature,
                self.watts,
                self.lumens,
                self.ip,
                self.ik,
                self.codes,
                self.premium,
                self.dimming,
                self.cri,
                self.ugr,
                self.surge_kv,
                self.height,
                self.size,
                self.features,
            )
        )


def read_need(question: str, certification_codes: Sequence[str] = ()) -> Need:
    """The constraints ``question`` states."""
    lumens = _LUMENS.search(question)
    lumen_value = None
    if lumens:
        lumen_value = _number(lumens.group(1))
        if re.search(r"\d\s?k\s?(?:lm|lumen)", lumens.group(0), re.IGNORECASE):
            lumen_value *= 1000
    # a wattage that is part of a model number, or the lamp being replaced, is not asked
    watts = next(
        (
            m
            for m in _WATTS.finditer(question)
            if not re.search(r"[A-Z]-$", question[: m.start()])
            and not _replaced(question[: m.start()])
        ),
        None,
    )
    ip = _IP.search(question)
    ik = _IK.search(question)
    surge = _KV.search(question)
    cri = _CRI.search(question)
    ugr = _UGR.search(question)
    codes = codes_named(question, certification_codes)
    return Need(
        temperature=temperature_asked(question),
        watts=float(watts.group(1)) if watts else None,
        lumens=lumen_value,
        ip=(int(ip.group(1)), int(ip.group(2))) if ip else None,
        ik=int(ik.group(1)) if ik else None,
        codes=codes,
        premium=bool(_PREMIUM.search(question)),
        dimming=tuple(name for name, pattern in _DIMMING.items() if pattern.search(question)),
        cri=int(cri.group(1)) if cri and 50 <= int(cri.group(1)) <= 99 else None,
        ugr=int(ugr.group(1)) if ugr and 10 <= int(ugr.group(1)) <= 30 else None,
        surge_kv=float(surge.group(1).replace(",", ".")) if surge else None,
        height=height_asked(question),
        size=size_asked(question),
        features=tuple(stated_features(question)),
    )


REPLACED_FILE = NEEDS_FILE.with_name("replaced.yaml")
REPLACED_REACH = 40  # characters between a replacement word and the old lamp's wattage


@cache
def _replacement_words() -> re.Pattern[str]:
    words = yaml.safe_load(REPLACED_FILE.read_text(encoding="utf-8"))
    return phrase_pattern(str(w).lower() for w in words)


def _replaced(before: str) -> bool:
    """A replacement word shortly before: what follows is the old lamp ("replacing old 58W")."""
    return _replacement_words().search(before[-REPLACED_REACH:]) is not None


def height_asked(question: str) -> float | None:
    """The mounting height in metres a question states ("a hall 14 m high"), if any."""
    if not _HEIGHT_WORDS.search(question):
        return None
    found = _METRES.search(question)
    return float(found.group(1).replace(",", ".")) if found else None


def size_asked(question: str) -> tuple[float, float] | None:
    """A module size the question states, in mm, smaller side first: "1200x300" (mm), "60x60"
    (cm, both under 200), "2x4" or "2'x4'" (feet, both under 10).

    >>> size_asked("placas de 1200x300 en los pasillos"), size_asked("60x60 cm panels")
    ((300.0, 1200.0), (600.0, 600.0))
    """
    found = _SIZE.search(question)
    if not found:
        return None
    a, b = (float(v.replace(",", ".")) for v in found.group(1, 2))
    unit = (found.group(3) or "").lower()
    if unit == "mm" or (not unit and min(a, b) >= 200):
        scale = 1.0
    elif unit == "cm" or (not unit and max(a, b) >= 10):
        scale = 10.0
    else:  # feet ("2x4", "2'x4'")
        scale = 304.8
    low, high = sorted((a * scale, b * scale))
    return (low, high) if low >= 100 else None  # "3x5W", "2x18" lamps are no module


def record_size(product: Product) -> tuple[float, float] | None:
    """A rectangular record's two sides in mm ("1195 x 295 x 30"), smaller first; None for a
    round one ("Ø150 x 45")."""
    found = _RECORD_SIZE.match(str(product.get("dimensions_mm") or ""))
    if not found:
        return None
    low, high = sorted(float(v) for v in found.groups())
    return low, high


def _same_size(own: tuple[float, float] | None, wanted: tuple[float, float]) -> bool:
    return own is not None and all(
        abs(have - want) <= SIZE_TOLERANCE * want for have, want in zip(own, wanted, strict=True)
    )


def made_for_heights(product: Product) -> tuple[float, float] | None:
    """The mounting heights (metres) a record's summary says it is for, if it says."""
    found = _MADE_FOR_HEIGHTS.search(str(product.get("summary") or ""))
    if not found:
        return None
    low, high = (float(v) for v in found.groups() if v is not None)
    return low, high


@dataclass(frozen=True)
class Profile:
    """What the checks read from a record, parsed once (a catalog of 25,000 variants is
    ranked per question)."""

    power: float | None
    flux: float | None
    ip: tuple[int, int] | None
    ik: int | None
    certifications: frozenset[str]
    premium: bool
    dimming: str
    cri: float | None
    ugr: float | None
    surge_kv: float | None
    span: tuple[float, float] | None
    heights: tuple[float, float] | None
    size: tuple[float, float] | None


_PROFILES: dict[int, tuple[Product, Profile]] = {}


def profile(product: Product) -> Profile:
    cached = _PROFILES.get(id(product))
    if cached is not None and cached[0] is product:
        return cached[1]
    own_ip = _IP.search(str(product.get("ip_rating") or ""))
    own_ik = _IK.search(str(product.get("ik_rating") or ""))
    power, flux = product.get("power_w"), product.get("luminous_flux_lm")
    made = Profile(
        power=float(power) if isinstance(power, int | float) else None,
        flux=float(flux) if isinstance(flux, int | float) else None,
        ip=(int(own_ip.group(1)), int(own_ip.group(2))) if own_ip else None,
        ik=int(own_ik.group(1)) if own_ik else None,
        certifications=frozenset(product.get("certifications") or []),
        premium="premium" in str(product.get("dlc_level") or "").lower(),
        dimming=" ".join(map(str, product.get("dimming") or [])).upper(),
        cri=_first_number(re.sub(r"\(.*?\)", "", str(product.get("cri") or ""))),
        ugr=_first_number(product.get("ugr")),
        surge_kv=_first_number(product.get("surge_protection")),
        span=operating_range(product),
        heights=made_for_heights(product),
        size=record_size(product),
    )
    _PROFILES[id(product)] = (product, made)
    return made


def _for_height(heights: tuple[float, float] | None, wanted: float) -> bool:
    return (
        heights is not None and heights[0] - HEIGHT_MARGIN <= wanted <= heights[1] + HEIGHT_MARGIN
    )


def _soft_checks(product: Product, need: Need) -> tuple[int, list[str]]:
    """How many of the soft constraints ``product`` meets, and the fields that show them."""
    met = 0
    reasons: list[str] = []
    own = profile(product)

    def meets(ok: bool, name: str) -> None:
        nonlocal met
        if ok:
            met += 1
            if name not in reasons:
                reasons.append(name)

    if need.watts is not None:
        meets(_near(own.power, need.watts), "power_w")
    if need.lumens is not None:
        meets(_near(own.flux, need.lumens), "luminous_flux_lm")
    if need.ip is not None:
        meets(
            own.ip is not None and own.ip[0] >= need.ip[0] and own.ip[1] >= need.ip[1],
            "ip_rating",
        )
    if need.ik is not None:
        meets(own.ik is not None and own.ik >= need.ik, "ik_rating")
    for code in need.codes:
        meets(code in own.certifications, "certifications")
    if need.premium:
        meets(own.premium, "dlc_level")
    for protocol in need.dimming:
        meets(protocol in own.dimming, "dimming")
    if need.cri is not None:
        meets(own.cri is not None and own.cri >= need.cri, "cri")
    if need.ugr is not None:
        meets(own.ugr is not None and own.ugr <= need.ugr, "ugr")
    if need.surge_kv is not None:
        meets(own.surge_kv is not None and own.surge_kv >= need.surge_kv, "surge_protection")
    if need.height is not None:
        meets(_for_height(own.heights, need.height), "mounting_heights")  # named in the summary
    if need.size is not None:
        meets(_same_size(own.size, need.size), "dimensions_mm")
    for feature in need.features:
        shown = has_feature(product, feature)
        meets(shown is not None, shown or "")
    return met, [name for name in reasons if name]


class _Table:
    """The profiles of a sequence of records as arrays, so that a need is checked against a
    catalog of thousands at once; codes, dimming protocols and features as they are asked."""

    def __init__(self, products: Sequence[Product]) -> None:
        self.products = products
        profiles = [profile(p) for p in products]
        self.index = {str(p["sku"]): i for i, p in enumerate(products)}

        def column(values: list[float | None]) -> np.ndarray:
            return np.array([np.nan if v is None else v for v in values], dtype=float)

        self.power = column([x.power for x in profiles])
        self.flux = column([x.flux for x in profiles])
        self.ip0 = column([x.ip[0] if x.ip else None for x in profiles])
        self.ip1 = column([x.ip[1] if x.ip else None for x in profiles])
        self.ik = column([x.ik for x in profiles])
        self.cri = column([x.cri for x in profiles])
        self.ugr = column([x.ugr for x in profiles])
        self.surge = column([x.surge_kv for x in profiles])
        self.low = column([x.span[0] if x.span else None for x in profiles])
        self.high = column([x.span[1] if x.span else None for x in profiles])
        self.premium = np.array([x.premium for x in profiles], dtype=bool)
        self.height_low = column([x.heights[0] if x.heights else None for x in profiles])
        self.height_high = column([x.heights[1] if x.heights else None for x in profiles])
        self.side_low = column([x.size[0] if x.size else None for x in profiles])
        self.side_high = column([x.size[1] if x.size else None for x in profiles])
        self._profiles = profiles
        self._asked: dict[tuple[str, str], np.ndarray] = {}

    def holds(self, code: str) -> np.ndarray:
        return self._flags(("code", code), lambda p, x: code in x.certifications)

    def dims(self, protocol: str) -> np.ndarray:
        return self._flags(("dimming", protocol), lambda p, x: protocol in x.dimming)

    def has(self, feature: Feature) -> np.ndarray:
        return self._flags(
            ("feature", feature.key), lambda p, x: has_feature(p, feature) is not None
        )

    def _flags(self, key: tuple[str, str], test: Any) -> np.ndarray:
        if key not in self._asked:
            self._asked[key] = np.array(
                [test(p, x) for p, x in zip(self.products, self._profiles, strict=True)],
                dtype=bool,
            )
        return self._asked[key]


_TABLES: dict[tuple[int, ...], _Table] = {}
MAX_TABLES = 16


def _table(products: Sequence[Product]) -> _Table:
    key = tuple(map(id, products))
    table = _TABLES.get(key)
    if table is None or any(a is not b for a, b in zip(table.products, products, strict=True)):
        if len(_TABLES) >= MAX_TABLES:
            _TABLES.pop(next(iter(_TABLES)))
        table = _TABLES[key] = _Table(list(products))
    return table


def _near_all(values: np.ndarray, wanted: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.abs(values - wanted) <= NEAR * wanted


def _met(table: _Table, need: Need) -> np.ndarray:
    """How many of the soft constraints each record meets (comparisons with NaN are false)."""
    met = np.zeros(len(table.products), dtype=int)
    with np.errstate(invalid="ignore"):
        if need.watts is not None:
            met += _near_all(table.power, need.watts)
        if need.lumens is not None:
            met += _near_all(table.flux, need.lumens)
        if need.ip is not None:
            met += (table.ip0 >= need.ip[0]) & (table.ip1 >= need.ip[1])
        if need.ik is not None:
            met += table.ik >= need.ik
        for code in need.codes:
            met += table.holds(code)
        if need.premium:
            met += table.premium
        for protocol in need.dimming:
            met += table.dims(protocol)
        if need.cri is not None:
            met += table.cri >= need.cri
        if need.ugr is not None:
            met += table.ugr <= need.ugr
        if need.surge_kv is not None:
            met += table.surge >= need.surge_kv
        if need.height is not None:
            met += (table.height_low - HEIGHT_MARGIN <= need.height) & (
                need.height <= table.height_high + HEIGHT_MARGIN
            )
        if need.size is not None:
            low, high = need.size
            met += (np.abs(table.side_low - low) <= SIZE_TOLERANCE * low) & (
                np.abs(table.side_high - high) <= SIZE_TOLERANCE * high
            )
    for feature in need.features:
        met += table.has(feature)
    return met


def constraints_met(products: Sequence[Product], need: Need) -> np.ndarray:
    """How many of the constraints of ``need`` each of ``products`` meets, an ambient
    temperature inside its operating range counted as one (a description of one record: "the
    UFO that copes with 70°C", "the economy street light", "the 0-10V driver of 150 W")."""
    if not products:
        return np.zeros(0, dtype=int)
    table = _table(products)
    met = _met(table, need) if need.stated() else np.zeros(len(products), dtype=int)
    if need.temperature is not None:
        with np.errstate(invalid="ignore"):
            met = met + ((table.low <= need.temperature) & (need.temperature <= table.high))
    return met


def rank(
    products: Sequence[Product],
    need: Need,
    search_order: Sequence[str] = (),
    sold_in: set[str] | None = None,
    keep: int | None = None,
) -> list[Fit]:
    """``products`` best first for ``need``: inside the hard constraints (temperature; the
    market, given as the SKUs ``sold_in`` it), then by constraints met, then by the search's
    order (``search_order``, SKUs best first); the best ``keep`` only, when given."""
    if not products:
        return []
    table = _table(products)
    pool = np.ones(len(products), dtype=bool)
    hard: list[str] = []
    if need.temperature is not None:
        with np.errstate(invalid="ignore"):
            inside = (table.low <= need.temperature) & (need.temperature <= table.high)
        if inside.any():
            pool, hard = inside, ["operating_temp"]
    if sold_in is not None:
        sold = pool & np.array([str(p["sku"]) in sold_in for p in products], dtype=bool)
        if sold.any():
            pool = sold
            hard.append("certifications")
    met = _met(table, need) if need.stated() else np.zeros(len(products), dtype=int)
    bonus = np.zeros(len(products))
    position: dict[str, int] = {}
    for sku in search_order:
        if sku not in position and sku in table.index:
            position[sku] = len(position)
            bonus[table.index[sku]] = SEARCH_WEIGHT / (1 + position[sku])
    score = np.where(pool, met + bonus, -np.inf)
    order = np.argsort(-score, kind="stable")[: int(pool.sum())]
    fits = []
    for i in order[:keep]:
        product = products[int(i)]
        count, reasons = _soft_checks(product, need)
        fits.append(
            Fit(
                product=product,
                met=count,
                reasons=[*hard, *(r for r in reasons if r not in hard)],
                search_rank=position.get(str(product["sku"])),
            )
        )
    return fits
