"""The price book: what we sell at what price, and what shipping a quote costs.

``load_price_book(path)`` reads the YAML format documented in ``sales/pricebook/README.md``
and returns a validated, immutable ``PriceBook``. Errors name the bad entry, e.g.
``products[PNL-6060-40W].tiers[2].unit_price: tier prices must not increase with quantity``.
All money in the book is in its base currency (USD).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from sales.pricing.incoterms import Incoterm
from sales.pricing.money import minor_units

Money = Annotated[Decimal, Field(ge=0)]
Percent = Annotated[Decimal, Field(ge=-100, le=100)]
Days = Annotated[int, Field(ge=0)]
ContainerType = Literal["20GP", "40HQ"]
_CARTON = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×*]\s*(\d+(?:\.\d+)?)\s*[x×*]\s*(\d+(?:\.\d+)?)\s*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_MM3_PER_CBM = Decimal(1_000_000_000)


# The duty rate key for the HS codes a destination does not list.
DEFAULT_HS = "default"


class PriceBookError(ValueError):
    """The price book file is missing, not YAML, or fails validation."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Exporter(_Frozen):
    name: str
    address_lines: tuple[str, ...]
    country: str = "CN"
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    tax_id: str | None = None


class Tier(_Frozen):
    min_qty: Annotated[Decimal, Field(gt=0)]
    unit_price: Annotated[Decimal, Field(gt=0)]

    @property
    def label(self) -> str:
        return f"{self.min_qty:,.0f}+"


class Rush(_Frozen):
    lead_time_days: Annotated[int, Field(gt=0)]
    premium_pct: Annotated[Decimal, Field(gt=0, le=100)]


class Sample(_Frozen):
    price: Annotated[Decimal, Field(gt=0)]
    lead_time_days: Days
    max_qty: Annotated[int, Field(gt=0)] = 5


class Packaging(_Frozen):
    units_per_carton: Annotated[int, Field(gt=0)]
    carton_mm: str
    carton_gross_kg: Annotated[Decimal, Field(gt=0)]
    cartons_per_pallet: Annotated[int, Field(gt=0)] | None = None

    @field_validator("carton_mm")
    @classmethod
    def _dims(cls, value: str) -> str:
        if not _CARTON.match(value):
            raise ValueError(f"carton_mm must look like '630 x 630 x 150', got {value!r}")
        return value

    @property
    def carton_cbm(self) -> Decimal:
        match = _CARTON.match(self.carton_mm)
        assert match is not None  # validated above
        length, width, height = (Decimal(part) for part in match.groups())
        return length * width * height / _MM3_PER_CBM


class Product(_Frozen):
    sku: str
    name: str
    category: str
    unit: str = "pcs"
    unit_cost: Annotated[Decimal, Field(gt=0)]
    moq: Annotated[int, Field(gt=0)]
    tiers: tuple[Tier, ...] = Field(min_length=1)
    lead_time_days: Annotated[int, Field(gt=0)]
    rush: Rush | None = None
    sample: Sample
    hs_code: str
    packaging: Packaging

    @field_validator("hs_code")
    @classmethod
    def _hs(cls, value: str) -> str:
        digits = value.replace(".", "").replace(" ", "")
        if not digits.isdigit() or len(digits) < 4:
            raise ValueError(f"hs_code must be at least 4 digits like '9405.11', got {value!r}")
        return value

    @model_validator(mode="after")
    def _tiers_and_lead_times(self) -> Product:
        previous: Tier | None = None
        for index, tier in enumerate(self.tiers):
            if previous is not None:
                if tier.min_qty <= previous.min_qty:
                    raise ValueError(f"tiers[{index}].min_qty: tiers must be in increasing order")
                if tier.unit_price > previous.unit_price:
                    raise ValueError(
                        f"tiers[{index}].unit_price: tier prices must not increase with quantity"
                    )
            previous = tier
        if self.tiers[0].min_qty > self.moq:
            raise ValueError("tiers[0].min_qty must not be above the MOQ (price the MOQ)")
        if self.rush is not None and self.rush.lead_time_days >= self.lead_time_days:
            raise ValueError("rush.lead_time_days must be shorter than lead_time_days")
        return self

    @property
    def hs_digits(self) -> str:
        return self.hs_code.replace(".", "").replace(" ", "")

    def tier_for(self, quantity: Decimal) -> Tier:
        """The highest tier whose threshold ``quantity`` reaches (the first one below it)."""
        chosen = self.tiers[0]
        for tier in self.tiers:
            if quantity >= tier.min_qty:
                chosen = tier
            else:
                break
        return chosen


class MarginBand(_Frozen):
    floor_pct: Percent
    target_pct: Percent
    stretch_pct: Percent

    @model_validator(mode="after")
    def _ordered(self) -> MarginBand:
        if not (self.floor_pct <= self.target_pct <= self.stretch_pct < 100):
            raise ValueError("need floor_pct <= target_pct <= stretch_pct < 100")
        return self


class MarginPolicy(_Frozen):
    quote_floor_pct: Percent
    categories: dict[str, MarginBand]


class Zone(_Frozen):
    name: str
    countries: tuple[str, ...]
    price_adjustment_pct: Percent = Decimal(0)
    currency: str | None = None  # the region's usual currency, informative only


class Currencies(_Frozen):
    as_of: date
    source: str
    per_usd: dict[str, Annotated[Decimal, Field(gt=0)]]

    @field_validator("per_usd")
    @classmethod
    def _known(cls, rates: dict[str, Decimal]) -> dict[str, Decimal]:
        for code in rates:
            minor_units(code)  # ValueError names the unknown code
        return rates

    def has_rate(self, currency: str) -> bool:
        return currency == "USD" or currency in self.per_usd

    def rate(self, currency: str) -> Decimal:
        """Units of ``currency`` per 1 USD; KeyError if the book has no rate for it."""
        if currency == "USD":
            return Decimal(1)
        return self.per_usd[currency]

    def convert(self, amount: Decimal, source: str, target: str) -> Decimal:
        """Unrounded conversion through USD."""
        if source == target:
            return amount
        return amount / self.rate(source) * self.rate(target)


class PortCharges(_Frozen):
    """Inland haulage from the factory to one origin port."""

    haulage_per_cbm: Money
    haulage_min: Money
    haulage_per_container: dict[ContainerType, Money]


class Origin(_Frozen):
    factory: str
    default_port: str
    ports: dict[str, PortCharges]
    export_clearance: Money
    documentation: Money
    thc_per_cbm: Money
    thc_min: Money
    thc_per_container: dict[ContainerType, Money]

    @model_validator(mode="after")
    def _default_port(self) -> Origin:
        if self.default_port not in self.ports:
            raise ValueError(f"default_port {self.default_port!r} is not one of ports")
        return self


class Container(_Frozen):
    usable_cbm: Annotated[Decimal, Field(gt=0)]
    max_payload_kg: Annotated[Decimal, Field(gt=0)]


class ZoneFreight(_Frozen):
    transit_days: Days
    lcl_per_wm: Money
    lcl_min: Money
    fcl: dict[ContainerType, Money]
    courier_per_kg: Money
    courier_min: Money
    courier_transit_days: Days
    destination_per_cbm: Money
    destination_min: Money
    destination_per_container: dict[ContainerType, Money]
    unloading_per_cbm: Money
    unloading_per_container: Money
    import_brokerage: Money


class Freight(_Frozen):
    lcl_max_cbm: Annotated[Decimal, Field(gt=0)]
    courier_max_kg: Annotated[Decimal, Field(gt=0)]
    courier_kg_per_cbm: Annotated[Decimal, Field(gt=0)]
    containers: dict[ContainerType, Container]
    zones: dict[str, ZoneFreight]

    @field_validator("containers")
    @classmethod
    def _both_sizes(cls, containers: dict[str, Container]) -> dict[str, Container]:
        if set(containers) != {"20GP", "40HQ"}:
            raise ValueError("containers must define both 20GP and 40HQ")
        return containers


class Insurance(_Frozen):
    cover_pct: Annotated[Decimal, Field(ge=100, le=200)]
    rate_pct: dict[Incoterm, Annotated[Decimal, Field(gt=0, lt=10)]]
    default_rate_pct: Annotated[Decimal, Field(gt=0, lt=10)]
    min_premium: Money

    def rate_for(self, incoterm: Incoterm) -> Decimal:
        return self.rate_pct.get(incoterm, self.default_rate_pct)


class DutyRates(_Frozen):
    basis: Literal["CIF", "FOB"]
    vat_pct: Annotated[Decimal, Field(ge=0, le=100)]
    vat_label: str = "VAT"
    duty_pct: dict[str, Annotated[Decimal, Field(ge=0, le=300)]]
    note: str | None = None

    @field_validator("duty_pct")
    @classmethod
    def _prefixes(cls, rates: dict[str, Decimal]) -> dict[str, Decimal]:
        for prefix in rates:
            if prefix != DEFAULT_HS and not prefix.isdigit():
                raise ValueError(f"duty_pct keys are HS prefixes like '94' or '8539': {prefix!r}")
        return rates

    def duty_for(self, hs_digits: str) -> tuple[Decimal, str] | None:
        """Longest HS prefix match (chapter '94', heading '9405', ...), else 'default'."""
        for length in range(len(hs_digits), 1, -1):
            rate = self.duty_pct.get(hs_digits[:length])
            if rate is not None:
                return rate, hs_digits[:length]
        if DEFAULT_HS in self.duty_pct:
            return self.duty_pct[DEFAULT_HS], DEFAULT_HS
        return None


class Duties(_Frozen):
    as_of: date
    note: str
    destinations: dict[str, DutyRates]  # keyed by country code or zone code


class Restricted(_Frozen):
    review_note: str
    countries: dict[str, str]  # country code -> reason
    places: dict[str, str] = Field(default_factory=dict)  # place keyword -> reason


class PaymentTerms(_Frozen):
    default: str
    standard: tuple[str, ...]


class PriceBook(_Frozen):
    format_version: Literal[1]
    name: str
    base_currency: Literal["USD"]
    validity_days: Annotated[int, Field(gt=0, le=365)]
    default_incoterm: Incoterm
    exporter: Exporter
    payment_terms: PaymentTerms
    standard_terms: tuple[str, ...] = ()
    products: tuple[Product, ...] = Field(min_length=1)
    margins: MarginPolicy
    zones: dict[str, Zone]
    default_zone: str
    country_adjustments: dict[str, Percent] = Field(default_factory=dict)
    currencies: Currencies
    origin: Origin
    freight: Freight
    insurance: Insurance
    duties: Duties
    restricted: Restricted

    _by_sku: dict[str, Product] = PrivateAttr(default_factory=dict)
    _zone_of: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _cross_references(self) -> PriceBook:
        seen: set[str] = set()
        for product in self.products:
            key = sku_key(product.sku)
            if key in seen:
                raise ValueError(f"products[{product.sku}]: duplicate SKU")
            seen.add(key)
            if product.category not in self.margins.categories:
                raise ValueError(
                    f"products[{product.sku}].category: no margins.categories entry for "
                    f"{product.category!r}"
                )
        if self.default_zone not in self.zones:
            raise ValueError(f"default_zone {self.default_zone!r} is not one of zones")
        owner: dict[str, str] = {}
        for code, zone in self.zones.items():
            if code not in self.freight.zones:
                raise ValueError(f"zones[{code}]: no freight.zones entry for this zone")
            for country in zone.countries:
                if not _COUNTRY.match(country):
                    raise ValueError(f"zones[{code}].countries: {country!r} is not ISO alpha-2")
                if country in owner:
                    raise ValueError(
                        f"zones[{code}].countries: {country} is already in zone {owner[country]}"
                    )
                owner[country] = code
        for country in [*self.country_adjustments, *self.restricted.countries]:
            if not _COUNTRY.match(country):
                raise ValueError(f"{country!r} is not an ISO 3166 alpha-2 country code")
        for code, rates in self.duties.destinations.items():
            if code not in self.zones and not _COUNTRY.match(code):
                raise ValueError(f"duties.destinations[{code}]: not a zone or a country code")
            if DEFAULT_HS not in rates.duty_pct and not rates.duty_pct:
                raise ValueError(f"duties.destinations[{code}].duty_pct is empty")
        per_box: list[tuple[str, dict[str, Decimal]]] = [
            ("origin.thc_per_container", self.origin.thc_per_container),
            *(
                (f"origin.ports[{name}].haulage_per_container", port.haulage_per_container)
                for name, port in self.origin.ports.items()
            ),
        ]
        for code, freight in self.freight.zones.items():
            per_box.append((f"freight.zones[{code}].fcl", freight.fcl))
            per_box.append(
                (
                    f"freight.zones[{code}].destination_per_container",
                    freight.destination_per_container,
                )
            )
        for where, prices in per_box:
            for container in self.freight.containers:
                if container not in prices:
                    raise ValueError(f"{where}: no rate for {container}")
        return self

    def model_post_init(self, context: Any, /) -> None:
        self._by_sku.update({sku_key(product.sku): product for product in self.products})
        for code, zone in self.zones.items():
            self._zone_of.update(dict.fromkeys(zone.countries, code))

    def product(self, sku: str) -> Product | None:
        """The product for ``sku``, tolerant of case, spaces and punctuation."""
        return self._by_sku.get(sku_key(sku))

    def zone_code(self, country: str) -> str:
        """The freight / price zone of an ISO country code (``default_zone`` if unlisted)."""
        return self._zone_of.get(country, self.default_zone)

    def price_adjustment_pct(self, country: str) -> tuple[Decimal, str]:
        """Regional adjustment in percent and where it came from ('EU', 'country CH')."""
        if country in self.country_adjustments:
            return self.country_adjustments[country], f"country {country}"
        zone = self.zone_code(country)
        return self.zones[zone].price_adjustment_pct, zone

    def duty_rates(self, country: str) -> tuple[DutyRates, str] | None:
        """Duty/tax table for ``country``: its own entry, else its zone's, else None."""
        if country in self.duties.destinations:
            return self.duties.destinations[country], country
        zone = self.zone_code(country)
        if zone in self.duties.destinations:
            return self.duties.destinations[zone], zone
        return None


_SKU_NOISE = re.compile(r"[^0-9A-Za-z]+")


def sku_key(sku: str) -> str:
    """'pnl 6060 40w' and 'PNL-6060-40W' -> 'PNL606040W'."""
    return _SKU_NOISE.sub("", sku).upper()


# libyaml's parser where PyYAML was built with it (the same safe constructors, the same data):
# the demo book parses in 0.02 s of CPU instead of 0.18 s, at each app start and in each test
# that prices or boots the app.
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_price_book(path: Path | str) -> PriceBook:
    """Read and validate a YAML price book; PriceBookError names the bad entry."""
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except OSError as exc:
        raise PriceBookError(f"{path}: cannot read price book: {exc}") from exc
    except yaml.YAMLError as exc:
        raise PriceBookError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise PriceBookError(f"{path}: expected a mapping at the top level")
    return parse_price_book(raw, source=str(path))


def parse_price_book(raw: dict[str, Any], *, source: str = "<price book>") -> PriceBook:
    """Validate an already-parsed price book mapping (see ``load_price_book``)."""
    try:
        return PriceBook.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = _describe_location(raw, error["loc"])
            message = _clean_message(error["msg"])
            if isinstance(error.get("input"), bool) or False in error["loc"]:
                message += ' (YAML read a bare NO/YES/ON/OFF as true/false: quote it, "NO")'
            problems.append(f"{where}: {message}" if where else message)
        raise PriceBookError(f"{source}: invalid price book:\n  " + "\n  ".join(problems)) from None


def _describe_location(raw: Any, loc: tuple[int | str, ...]) -> str:
    """('products', 3, 'tiers', 0) -> 'products[PNL-6060-40W].tiers[0]'."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(item, bool):
            node = None
            parts.append(f"[{item}]")
        elif isinstance(item, int):
            label = str(item)
            if isinstance(node, list) and 0 <= item < len(node):
                node = node[item]
                if isinstance(node, dict) and node.get("sku"):
                    label = str(node["sku"])
            else:
                node = None
            parts.append(f"[{label}]")
        else:
            node = node.get(item) if isinstance(node, dict) else None
            parts.append(f".{item}" if parts else str(item))
    return "".join(parts)


def _clean_message(message: str) -> str:
    return message.removeprefix("Value error, ")
