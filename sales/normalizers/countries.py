"""Countries and destinations: "Deutschland", "UK", "the States", "Jebel Ali", "Santos, Brazil",
"Hamburgo, Alemania", "发往汉堡".

Country names come from pycountry (ISO 3166 names and codes), babel (CLDR territory names
in the languages below, among them all six the buyers write in) and
``data/country_aliases.yaml`` (what neither spells, e.g. "UK", "Holland", "the States"); ports
and cities, with their local names ("Hambourg", "Róterdam", "鹿特丹"), from
``data/ports.yaml``. Unknown text gets up to three close suggestions (difflib over all known
names). Chinese names are found inside unspaced text ("发往汉堡").
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale

from i18n import Msg
from i18n.formatting import babel_locale
from i18n.lexicon import alternation, patterns
from sales.normalizers._data import load_table
from sales.normalizers._text import clean, clip, fold, too_long
from sales.normalizers.cities import find_city
from sales.normalizers.local_text import Localized, list_text
from sales.normalizers.result import Parsed
from sales.normalizers.word_edges import has_han

NAME_LOCALES = ("en", "es", "de", "fr", "pt", "it", "nl", "pl", "tr", "ru", "ar", "zh", "zh_Hant")
NAME_LOCALES += ("ja", "ko", "vi", "id", "th")
# Two-letter codes that are also English words count only when written in capitals.
_WORD_CODES = frozenset(
    {"AM", "AN", "AS", "AT", "BE", "BY", "DO", "GO", "HI", "ID", "IN", "IS", "IT", "LA", "MA"}
    | {"ME", "MY", "NE", "NO", "OR", "PA", "PE", "SO", "TO"}
)


def _words(code: str, *, han: bool | None = None) -> str:
    """The lexicon's words of ``code`` (``i18n/lexicon/<lang>.yaml``: place_words)."""
    return alternation("place_words", code, han=han)


_DESTINATION_PREFIX = re.compile(
    rf"^(?:(?:{_words('destination', han=False)})\s*:?\s+"
    rf"|(?:{_words('destination', han=True)})[:：]?\s*)",
    re.I,
)
_PORT_SUFFIX = re.compile(
    rf"(?:\s+(?:{_words('port', han=False)})|{_words('port', han=True)})$", re.I
)
_SPLIT = re.compile(r"\s*[,;(/]\s*|\s+-\s+")
_PLACE_OK = re.compile(r"^[^\W\d_][\w .'’&-]*$")


@dataclass(frozen=True, slots=True)
class Destination:
    country: str  # ISO 3166-1 alpha-2
    place: str | None = None  # city or port, as we write it


@dataclass(frozen=True, slots=True)
class _Port:
    name: str
    country: str


def _key(text: str) -> str:
    text = fold(text).replace("’", "'")
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"[.]", "", text)
    return re.sub(r"[\s\-]+", " ", text).strip()


@cache
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}

    def add(name: str | None, code: str) -> None:
        if name:
            index.setdefault(_key(name), code)

    known = {c.alpha_2 for c in pycountry.countries}
    aliases: dict[str, list[str]] = load_table("country_aliases.yaml")
    for code, names in aliases.items():
        for name in names:
            add(name, code)
    for country in pycountry.countries:
        for attr in ("common_name", "name", "official_name"):
            add(getattr(country, attr, None), country.alpha_2)
        add(country.alpha_3, country.alpha_2)
    for locale in NAME_LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            # a name of three letters or fewer in another locale ("Séc", Vietnamese for Czechia)
            # is too often a code of something else ("SEC", a certification scheme)
            if code in known and len(_key(name)) > 3:
                add(name, code)
    return index


@cache
def _port_index() -> dict[str, _Port]:
    index: dict[str, _Port] = {}
    for row in load_table("ports.yaml"):
        port = _Port(row["name"], row["country"])
        for name in [row["name"], *row.get("aliases", [])]:
            index.setdefault(_key(name), port)
    return index


@cache
def country_names(code: str) -> frozenset[str]:
    """Every name of country ``code`` we read: the everyday names of
    ``data/country_aliases.yaml``, its ISO 3166 names and CLDR's in each of ``NAME_LOCALES``.

    >>> sorted(n for n in country_names("DE") if n.startswith("D"))
    ['Deutschland', 'Duitsland']
    """
    aliases: dict[str, list[str]] = load_table("country_aliases.yaml")
    names = set(aliases.get(code, ()))
    country = pycountry.countries.get(alpha_2=code)
    if country is not None:
        for attr in ("common_name", "name", "official_name"):
            name = getattr(country, attr, None)
            if name:
                names.add(str(name))
    for locale in NAME_LOCALES:
        name = Locale.parse(locale).territories.get(code)
        if name:
            names.add(str(name))
    return frozenset(names)


def country_name(code: str, locale: str = "en") -> str:
    """'DE' -> 'Germany' (or 'Deutschland' for locale 'de'); unknown codes come back as given."""
    return Locale.parse(locale).territories.get(code.upper(), code)


def is_country_name(word: str) -> bool:
    """'Brasil', 'Deutschland', 'Saudi Arabia': a country's name in one of our languages."""
    return len(word) > 3 and _key(word) in _country_index()


def _code(text: str) -> str | None:
    text = text.strip()
    if re.fullmatch(r"[A-Za-z]{2}", text):
        if text.upper() in _WORD_CODES and not text.isupper():
            return None
        country = pycountry.countries.get(alpha_2=text.upper())
        if country:
            return str(country.alpha_2)
    return _country_index().get(_key(text))


def _port(text: str) -> _Port | None:
    """A port or city named by a whole answer: our list first, then the world's cities."""
    index = _port_index()
    bare = _PORT_SUFFIX.sub("", text.strip())
    if port := index.get(_key(text)) or index.get(_key(bare)):
        return port
    city = find_city(bare)
    return _Port(city.name, city.country) if city else None


def _suggestions(text: str, *, ports: bool) -> list[str]:
    names: dict[str, str] = {}
    for key, code in _country_index().items():
        names.setdefault(key, country_text(code))
    if ports:
        for key, port in _port_index().items():
            names.setdefault(key, port.name)
    close = difflib.get_close_matches(_key(text), list(names), n=10, cutoff=0.75)
    return list(dict.fromkeys(names[key] for key in close))[:3]


def country_text(code: str) -> Localized:
    """A country's name, said in the buyer's language ("Germany", "Alemania", "德国")."""
    return Localized(country_name(code), lambda lang: country_name(code, babel_locale(lang)))


def _unknown(raw: str, *, ports: bool) -> Parsed[Destination]:
    suggestions = _suggestions(raw, ports=ports)
    what = "destination" if ports else "country"
    if suggestions:
        message = Msg(
            f"validation.{what}.unknown_suggest",
            text=clip(raw),
            suggestions=list_text(suggestions),
        )
    else:
        message = Msg(f"validation.{what}.unknown", text=clip(raw))
    return Parsed.failure(message, suggestions)


def parse_country(text: str) -> Parsed[str]:
    """'Deutschland' / 'DE' / 'the States' / '英国' -> ISO alpha-2 code, or an error."""
    raw = clean(text)
    if not raw or too_long(raw):
        return Parsed.failure(Msg("validation.country.empty"))
    code = _code(raw.rstrip(".!。"))
    if code:
        return Parsed.success(code)
    failed = _unknown(raw, ports=False)
    return Parsed.failure(failed.error or "", failed.suggestions)


def parse_destination(text: str) -> Parsed[Destination]:
    """'Hamburg' / 'CIF port: Santos, Brazil' / 'Germany' / 'Houston, TX' -> Destination."""
    raw = clean(text)
    if not raw or too_long(raw):
        return Parsed.failure(Msg("validation.destination.empty"))
    body = _DESTINATION_PREFIX.sub("", raw.rstrip(".!)。")).strip()
    if port := _port(body):  # before countries: Norfolk is the US port, not Norfolk Island
        return Parsed.success(Destination(port.country, port.name))
    if code := _code(body):
        return Parsed.success(Destination(code))
    parts = [p for p in _SPLIT.split(body) if p]
    if len(parts) >= 2:
        if found := _place_and_country(", ".join(parts[:-1]), parts[-1]):
            return Parsed.success(found)
        for part in parts:  # "Houston, TX": a known port and a state we don't need
            if port := _port(part):
                return Parsed.success(Destination(port.country, port.name))
    words = body.split()
    for cut in range(len(words) - 1, 0, -1):  # "Lagos Nigeria", "Hamburg Germany"
        if found := _place_and_country(" ".join(words[:cut]), " ".join(words[cut:])):
            return Parsed.success(found)
    return _unknown(raw, ports=True)


def _place_and_country(place_text: str, country_text: str) -> Destination | None:
    code = _code(country_text)
    if code is None:
        return None
    port = _port(place_text)
    if port and port.country != code and len(country_text.strip()) == 2:
        return Destination(port.country, port.name)  # "Los Angeles, CA" is California
    if port and port.country == code:
        return Destination(code, port.name)
    place = _PORT_SUFFIX.sub("", place_text).strip()
    if not _PLACE_OK.match(place) or len(place) > 80:
        return None
    return Destination(code, place if not place.islower() else place.title())


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    destination: Destination


_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_MAX_NGRAM = 4
# Origin-side names that are not where a buyer wants the goods delivered.
_NOT_DESTINATIONS = frozenset({"CN"})


def find_places(text: str) -> list[PlaceMention]:
    """Ports, cities and country names mentioned in free text, longest match first.

    Two-letter codes are not scanned for ("IN", "CE" and "DE" are too often other words);
    a buyer answering the destination question is read with `parse_destination` instead.
    Chinese names are found anywhere in the text: Chinese has no spaces between words.
    """
    words = [
        (m.start(), m.end(), m.group(0).rstrip("."))
        for m in _WORD.finditer(text)
        if not has_han(m.group(0))
    ]
    ports, countries = _port_index(), _country_index()
    found: list[PlaceMention] = []
    taken: set[int] = set()
    for size in range(_MAX_NGRAM, 0, -1):
        for i in range(len(words) - size + 1):
            span = range(i, i + size)
            if taken.intersection(span):
                continue
            start, end = words[i][0], words[i + size - 1][1]
            phrase = text[start:end].rstrip(".")
            if len(phrase) < 3 or (size == 1 and not phrase[:1].isupper()):
                continue
            key = _key(phrase)
            port = ports.get(key)
            if port is not None:
                found.append(PlaceMention(start, end, Destination(port.country, port.name)))
                taken.update(span)
                continue
            code = countries.get(key) if len(key) > 3 or phrase.isupper() else None
            if code and code not in _NOT_DESTINATIONS:
                found.append(PlaceMention(start, end, Destination(code, None)))
                taken.update(span)
    found = [_with_city_before(text, m, found) for m in found]
    found.extend(_han_places(text))
    return sorted(found, key=lambda m: m.start)


# The capitalised words right before a country ("Recife, Brasil", "Frankfurt am Main,
# Deutschland", "DAP Linz, Austria"): a city we do not list, kept as the place. Small
# lower-case words may join a name's parts ("Rio de Janeiro", "Frankfurt am Main").
_CAPITALISED = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
_JOINERS = r"am|an|de|do|da|dos|das|del|di|du|des|sur|upon|on|im|la|le|les|los|las|el"
_CITY_BEFORE = re.compile(
    rf"(?P<city>{_CAPITALISED}(?:[ -](?:(?:{_JOINERS})[ -])*{_CAPITALISED}){{0,3}})"
    r"(?:\s*,\s*|\s+)$"
)
_CODE_WORD = re.compile(r"^[A-Z]{2,4}$")  # "DAP Linz": an Incoterm or other code before it
_JOINED_NAME = re.compile(
    rf"{_CAPITALISED}(?:[ -](?:{_JOINERS})[ -]{_CAPITALISED})*$"
)  # the last name with its joined parts: "Main" -> "Frankfurt am Main"
# "ship to Porto Alegre, Brazil": after these, the capitalised words are all the city's.
_TO_WORD = re.compile(rf"(?i)(?:^|\s)(?:{_words('to')})$")
# Company names are not cities ("Casa Lumière Comércio Ltda, Brasil").
_COMPANY_WORDS = frozenset(
    {"ltd", "ltda", "lda", "gmbh", "ag", "kg", "sa", "sas", "sarl", "sl", "srl", "inc", "llc"}
    | {"bv", "nv", "plc", "spa", "co", "corp", "limited", "eireli", "me", "sprl"}
)
# Greetings and courtesy words that may stand before a country ("Bonjour, Maroc"), folded.
_NOT_CITIES = frozenset(patterns("place_words")["greetings"])


def _with_city_before(text: str, mention: PlaceMention, found: list[PlaceMention]) -> PlaceMention:
    """A country named right after an unknown city ("Recife, Brasil") gets that city."""
    if mention.destination.place is not None:
        return mention
    before = text[max(0, mention.start - 60) : mention.start]
    match = _CITY_BEFORE.search(before)
    if match is None:
        return mention
    start = mention.start - len(before) + match.start("city")
    city_text = match["city"]
    lead = before[: match.start("city")].rstrip()
    if lead and lead[-1] not in ",;:.()" and not _TO_WORD.search(lead):
        # inside a sentence: only the name just before the country ("Lieferung Linz, Österreich")
        joined = _JOINED_NAME.search(city_text)
        if joined is None:
            return mention
        start += joined.start()
        city_text = joined.group(0)
    if any(other.start < mention.start and other.end > start for other in found):
        return mention  # a port or country we know ("Hamburg, Germany" is found as such)
    words = city_text.split(" ")
    while words and _CODE_WORD.match(words[0]):
        start += len(words[0]) + 1
        words = words[1:]
    city = " ".join(words)
    if not city or _code(city) is not None or fold(words[0]) in _NOT_CITIES:
        return mention
    if any(fold(w).replace(".", "") in _COMPANY_WORDS for w in words):
        return mention
    found_here = _place_and_country(city, text[mention.start : mention.end])
    if found_here is None or found_here.country != mention.destination.country:
        return mention
    return PlaceMention(start, mention.end, found_here)


@cache
def _han_names() -> tuple[re.Pattern[str] | None, dict[str, Destination]]:
    names: dict[str, Destination] = {}
    for key, port in _port_index().items():
        if has_han(key):
            names.setdefault(key, Destination(port.country, port.name))
    for key, code in _country_index().items():
        if has_han(key) and code not in _NOT_DESTINATIONS:
            names.setdefault(key, Destination(code, None))
    if not names:
        return None, names
    ordered = sorted(names, key=len, reverse=True)  # 印度尼西亚 before 印度
    return re.compile("|".join(re.escape(name) for name in ordered)), names


def _han_places(text: str) -> list[PlaceMention]:
    pattern, names = _han_names()
    if pattern is None or not has_han(text):
        return []
    return [PlaceMention(m.start(), m.end(), names[m.group(0)]) for m in pattern.finditer(text)]
