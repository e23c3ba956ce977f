"""Target markets: their certification rules and how they are named in several languages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import KnowledgeSourceError

EU_MEMBERS = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
# Names of markets that are not a country's (the EU, a city standing for its country);
# countries' names are ``sales.normalizers.countries.country_names``.
MARKET_NAMES: dict[str, tuple[str, ...]] = {
    code: tuple(names)
    for code, names in yaml.load(
        (Path(__file__).with_name("market_names.yaml")).read_text(encoding="utf-8"),
        Loader=yaml.BaseLoader,
    ).items()
}


@dataclass(frozen=True)
class Market:
    code: str
    name: str
    required: tuple[str, ...]
    accepted_alternatives: dict[str, tuple[str, ...]]
    recommended: tuple[str, ...]
    voltage: str
    note: str
    local_schemes: tuple[str, ...] = ()  # national approvals outside our code list (SASO, BIS...)


@dataclass(frozen=True)
class ComplianceCheck:
    market: Market
    have: tuple[str, ...]  # required certifications the product holds
    via_alternative: dict[str, str]  # required code -> accepted alternative the product holds
    missing: tuple[str, ...]  # required certifications the product lacks
    recommended_missing: tuple[str, ...]

    @property
    def compliant(self) -> bool:
        return not self.missing


def _codes(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = re.split(r"[,;/]|\bor\b", value)
    return tuple(str(item).strip().upper() for item in value if str(item).strip())


def _alternatives(value: Any) -> dict[str, tuple[str, ...]]:
    """Accepts {REQUIRED: ALT | [ALT, ...] | {codes|accepted: [...], ...}}."""
    if not isinstance(value, dict):
        return {}
    result: dict[str, tuple[str, ...]] = {}
    for required, alternatives in value.items():
        if isinstance(alternatives, dict):
            alternatives = (
                alternatives.get("codes")
                or alternatives.get("accepted")
                or alternatives.get("alternatives")
                or alternatives.get("certifications")
                or []
            )
        result[str(required).upper()] = tuple(
            code.split()[0] for code in _codes(alternatives) if code.split()
        )
    return result


def load_markets(path: Path) -> dict[str, dict[str, Any]]:
    """The raw ``markets:`` mapping (ISO code -> record), with codes upper-cased."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeSourceError(f"{path}: invalid YAML: {exc}") from exc
    markets = data.get("markets") if isinstance(data, dict) else None
    if not isinstance(markets, dict):
        raise KnowledgeSourceError(f"{path}: expected a 'markets:' mapping")
    return {str(code).upper(): dict(record or {}) for code, record in markets.items()}


# A scheme's name in a market's rules: capitalised words of three or more letters ("ENERGY STAR",
# "INMETRO", "ICES-005"); "LED" and "EU" are no schemes.
_SCHEME_NAME = re.compile(
    r"(?<![\w-])[A-Z][A-Z0-9]{2,}(?:-[A-Z0-9]+)*(?:\s[A-Z][A-Z0-9]{2,})*(?![\w-])"
)
_NOT_SCHEMES = frozenset({"LED", "EMC", "OPEN", "METI"})  # a foundation and a ministry


class MarketDirectory:
    """Market rules from markets.yaml plus multilingual name recognition."""

    def __init__(self, raw: dict[str, dict[str, Any]]) -> None:
        self.raw = raw
        self.markets: dict[str, Market] = {code: self._market(code) for code in raw}
        self._patterns = self._build_patterns()
        self._schemes: frozenset[str] | None = None

    def scheme_names(self) -> frozenset[str]:
        """Names of the national schemes the markets' rules mention outside our code list
        ("ENERGY STAR", "SASO", "INMETRO", "PSE"): the capitalised names in ``local_schemes``,
        without market names and the generic "LED"."""
        if self._schemes is None:
            names = {
                match.group(0)
                for market in self.markets.values()
                for scheme in market.local_schemes
                for match in _SCHEME_NAME.finditer(scheme)
            }
            self._schemes = frozenset(
                name for name in names if name not in _NOT_SCHEMES and not self.find(name)
            )
        return self._schemes

    def _market(self, code: str, seen: frozenset[str] = frozenset()) -> Market:
        """The market's own rules merged with those of the group it ``inherits`` from."""
        record = self.raw[code]
        parent_code = str(record.get("inherits") or "").upper()
        parent = (
            self._market(parent_code, seen | {code})
            if parent_code in self.raw and parent_code not in seen
            else None
        )
        alternatives = dict(parent.accepted_alternatives) if parent else {}
        alternatives.update(_alternatives(record.get("accepted_alternatives")))
        return Market(
            code=code,
            name=str(record.get("name") or code),
            required=_merge(parent.required if parent else (), _codes(record.get("required"))),
            accepted_alternatives=alternatives,
            recommended=_merge(
                parent.recommended if parent else (), _codes(record.get("recommended"))
            ),
            voltage=str(record.get("voltage") or (parent.voltage if parent else "")),
            note=str(record.get("note") or ""),
            local_schemes=_merge(
                parent.local_schemes if parent else (),
                tuple(str(item) for item in record.get("local_schemes") or ()),
            ),
        )

    def __contains__(self, code: str) -> bool:
        return self.resolve(code) is not None

    def get(self, name_or_code: str) -> Market | None:
        code = self.resolve(name_or_code)
        return self.markets.get(code) if code else None

    def resolve(self, name_or_code: str) -> str | None:
        """ISO code of a market given its code or a name in any supported language."""
        text = name_or_code.strip()
        if text.upper() in self.markets:
            return text.upper()
        found = self.find(text)
        return found[0] if found else None

    def find(self, text: str) -> list[str]:
        """Codes of the markets named in ``text``, in order of mention; when it names none, the
        markets of the cities it names as a destination ("importar a Monterrey": MX)."""
        hits: list[tuple[int, str]] = []
        for code, pattern in self._patterns:
            match = pattern.search(text)
            if match:
                hits.append((match.start(), code))
        if not hits:
            hits = [
                (at, market)
                for at, country in _destination_countries(text)
                if (market := self._covering(country)) is not None
            ]
        ordered: list[str] = []
        for _, code in sorted(hits):
            if code not in ordered:
                ordered.append(code)
        return ordered

    def _build_patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        aliases: dict[str, set[str]] = {code: set() for code in self.markets}
        for code, market in self.markets.items():
            aliases[code].update(_names_for(code))
            aliases[code].add(market.name)
        if "EU" in self.markets:
            for member in EU_MEMBERS - set(self.markets):
                aliases["EU"].update(_names_for(member))
        patterns: list[tuple[str, re.Pattern[str]]] = []
        for code, names in aliases.items():
            words = sorted(
                {name for name in names if name and len(name) > 1}, key=len, reverse=True
            )
            case_insensitive = [re.escape(name) for name in words if not _is_code_like(name)]
            case_sensitive = [re.escape(name) for name in words if _is_code_like(name)]
            case_sensitive.append(re.escape(code))
            alternatives = []
            if case_insensitive:
                alternatives.append("(?i:" + "|".join(case_insensitive) + ")")
            alternatives.append("|".join(case_sensitive))
            boundary_l, boundary_r = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
            patterns.append(
                (code, re.compile(boundary_l + "(?:" + "|".join(alternatives) + ")" + boundary_r))
            )
        return patterns

    def _covering(self, country: str) -> str | None:
        """The market whose rules apply in ``country`` (itself, or the EU for a member)."""
        if country in self.markets:
            return country
        if country in EU_MEMBERS and "EU" in self.markets:
            return "EU"
        return None

    def unknown_countries(self, text: str) -> list[str]:
        """Codes of countries ``text`` names that our market rules do not cover (not a market,
        not a member of a group we have rules for), in order of mention: "Chile", "Kolumbien";
        when it names no country, those of the cities it names as a destination."""
        hits = sorted(
            (match.start(), code)
            for code, pattern in self._unknown_patterns()
            if (match := pattern.search(text))
        )
        if not hits and not self.find(text):
            hits = [
                (at, country)
                for at, country in _destination_countries(text)
                if self._covering(country) is None
            ]
        return list(dict.fromkeys(code for _, code in hits))

    def _unknown_patterns(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        covered = set(self.markets)
        if "EU" in self.markets:
            covered |= EU_MEMBERS
        return _unknown_country_patterns(frozenset(covered))

    def groups(self, code: str) -> frozenset[str]:
        """``code`` plus the groups it belongs to (its ``inherits`` chain; EU for members)."""
        found = {code}
        current = code
        while current in self.raw:
            parent = str(self.raw[current].get("inherits") or "").upper()
            if not parent or parent in found:
                break
            found.add(parent)
            current = parent
        if code in EU_MEMBERS:
            found.add("EU")
        return frozenset(found)

    def check(
        self, certifications: list[str] | tuple[str, ...], market_code: str
    ) -> ComplianceCheck:
        market = self.markets[market_code]
        held = {code.upper() for code in certifications}
        have: list[str] = []
        via: dict[str, str] = {}
        missing: list[str] = []
        for required in market.required:
            if required in held:
                have.append(required)
                continue
            alternative = next(
                (alt for alt in market.accepted_alternatives.get(required, ()) if alt in held), None
            )
            if alternative:
                via[required] = alternative
            else:
                missing.append(required)
        recommended_missing = tuple(code for code in market.recommended if code not in held)
        return ComplianceCheck(market, tuple(have), via, tuple(missing), recommended_missing)

    def satisfies(self, certifications: list[str] | tuple[str, ...], market_code: str) -> bool:
        return self.check(certifications, market_code).compliant


def _destination_countries(text: str) -> list[tuple[int, str]]:
    """Where ``text`` names a city as a destination, and the city's country code."""
    from sales.normalizers.cities import cities_named

    return [(at, city.country) for at, city in cities_named(text)]


def _merge(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))


def _is_code_like(name: str) -> bool:
    """Short all-caps names (UK, USA, EU) only match in capitals, not "us" or "eu"."""
    return name.replace(".", "").replace(" ", "").isupper() and len(name) <= 6


_CJK_NAME = re.compile(r"[\u3400-\u9fff]{2,}")


@cache
def _names_for(code: str) -> frozenset[str]:
    from sales.normalizers.countries import country_names

    return country_names(code) | frozenset(MARKET_NAMES.get(code, ()))


@cache
def _unknown_country_patterns(covered: frozenset[str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(code, the pattern of its names) of every country not in ``covered``: compiled once per
    process for a set of markets (about 220 patterns, 2 s of CPU), not once per directory
    loaded."""
    import pycountry

    patterns = []
    for country in pycountry.countries:
        code = country.alpha_2
        if code in covered:
            continue
        names = sorted(
            {n for n in _names_for(code) if len(n) > 3 or _CJK_NAME.fullmatch(n)},
            key=len,
            reverse=True,
        )
        if names:
            pattern = "|".join(re.escape(name) for name in names)
            patterns.append(
                (
                    code,
                    re.compile(rf"(?<![^\W\u3400-\u9fff])(?i:{pattern})(?![^\W\u3400-\u9fff])"),
                )
            )
    return tuple(patterns)
