from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from sales.pricing import PriceBook, PriceBookError, load_price_book
from sales.pricing.pricebook import parse_price_book
from tools.engine_files import ROOT

from .conftest import FIXTURE_BOOK

RAW: dict[str, Any] = yaml.safe_load(FIXTURE_BOOK.read_text(encoding="utf-8"))


def _broken(edit: Any) -> dict[str, Any]:
    raw = copy.deepcopy(RAW)
    edit(raw)
    return raw


def test_fixture_book_loads(book: PriceBook) -> None:
    panel = book.product("pnl 6060 40w")
    assert panel is not None and panel.sku == "PNL-6060-40W"
    assert panel.packaging.carton_cbm == Decimal("0.059535")
    assert panel.tier_for(Decimal(4999)).label == "1,000+"
    assert panel.tier_for(Decimal(5000)).label == "5,000+"
    assert panel.tier_for(Decimal(10)).label == "500+"
    assert book.zone_code("DE") == "EU"
    assert book.zone_code("BR") == "ROW"  # not listed: default zone
    assert book.price_adjustment_pct("CH") == (Decimal(5), "country CH")
    assert book.price_adjustment_pct("FR") == (Decimal(3), "EU")
    rates = book.duty_rates("FR")
    assert rates is not None and rates[1] == "EU"
    assert rates[0].duty_for("940511") == (Decimal("4.7"), "94")
    assert book.duty_rates("BR") is None


def test_demo_book_loads() -> None:
    demo = load_price_book(Path("sales/pricebook/demo.yaml"))
    assert demo.exporter.name.startswith("Lumora")
    assert {"EUR", "GBP", "AUD", "CAD", "CNY", "JPY", "AED", "BRL"} <= set(demo.currencies.per_usd)
    assert {"KP", "IR", "SY", "CU", "RU", "BY"} <= set(demo.restricted.countries)
    assert demo.zone_code("NO") == "EUO"


@pytest.mark.parametrize("path", [FIXTURE_BOOK, ROOT / "sales" / "pricebook" / "demo.yaml"])
def test_the_book_read_is_the_book_pyyamls_own_safe_loader_reads(path: Path) -> None:
    """load_price_book parses with libyaml where it is there: the same book as PyYAML's
    pure-Python safe loader gives."""
    assert load_price_book(path) == parse_price_book(
        yaml.safe_load(path.read_text(encoding="utf-8"))
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda raw: raw["products"][0]["tiers"][2].update(unit_price=13.50),
            r"products\[PNL-6060-40W\]: tiers\[2\]\.unit_price: tier prices must not increase",
        ),
        (
            lambda raw: raw["products"][1]["tiers"][1].update(min_qty=100),
            r"products\[DL-R150-15W\]: tiers\[1\]\.min_qty: tiers must be in increasing order",
        ),
        (
            lambda raw: raw["products"][2].update(unit_cost=-1),
            r"products\[TUB-T8-18W\]\.unit_cost: Input should be greater than 0",
        ),
        (
            lambda raw: raw["products"][3].update(category="lamp"),
            r"products\[HB-UFO-150W\]\.category: no margins\.categories entry for 'lamp'",
        ),
        (
            lambda raw: raw["products"].append(copy.deepcopy(raw["products"][0])),
            r"products\[PNL-6060-40W\]: duplicate SKU",
        ),
        (
            lambda raw: raw["products"][0]["rush"].update(lead_time_days=30),
            r"products\[PNL-6060-40W\]: rush\.lead_time_days must be shorter",
        ),
        (
            lambda raw: raw["products"][0]["packaging"].update(carton_mm="big"),
            r"products\[PNL-6060-40W\]\.packaging\.carton_mm: .*630 x 630 x 150",
        ),
        (
            lambda raw: raw["zones"]["NA"]["countries"].append("DE"),
            r"zones\[NA\]\.countries: DE is already in zone EU",
        ),
        (
            lambda raw: raw["zones"]["AF"]["countries"].append(False),
            r"zones\.AF\.countries\[3\]: .*quote it",
        ),
        (
            lambda raw: raw["currencies"]["per_usd"].update(XYZ=1.5),
            r"currencies\.per_usd: unknown currency code 'XYZ'",
        ),
        (
            lambda raw: raw["freight"]["zones"].pop("AF"),
            r"zones\[AF\]: no freight\.zones entry",
        ),
        (
            lambda raw: raw["margins"]["categories"]["panel"].update(floor_pct=40),
            r"margins\.categories\.panel: need floor_pct <= target_pct",
        ),
    ],
)
def test_errors_name_the_bad_entry(edit: Any, message: str) -> None:
    with pytest.raises(PriceBookError, match=message):
        parse_price_book(_broken(edit))


def test_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(PriceBookError, match="cannot read"):
        load_price_book(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("products: [\n", encoding="utf-8")
    with pytest.raises(PriceBookError, match="invalid YAML"):
        load_price_book(bad)
    bad.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(PriceBookError, match="mapping at the top level"):
        load_price_book(bad)


def test_book_is_immutable(book: PriceBook) -> None:
    with pytest.raises(ValueError, match="frozen"):
        book.validity_days = 5  # type: ignore[misc]
