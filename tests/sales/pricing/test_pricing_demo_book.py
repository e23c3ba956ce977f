"""The demo price book is complete for the demo catalogue and sane in every zone."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from sales.pricing import Incoterm, PriceBook, PricingRequest, RequestLine, load_price_book, price

from .conftest import TODAY

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "sales" / "pricebook" / "demo.yaml"
CATALOGUE = ROOT / "knowledge" / "demo" / "products.yaml"


@pytest.fixture(scope="module")
def demo() -> PriceBook:
    return load_price_book(DEMO)


@pytest.fixture(scope="module")
def catalogue() -> list[dict[str, Any]]:
    if not CATALOGUE.exists():
        pytest.skip("knowledge/demo/products.yaml is not there")
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["products"]


def test_same_skus_and_shipping_facts_as_the_catalogue(
    demo: PriceBook, catalogue: list[dict[str, Any]]
) -> None:
    assert [p["sku"] for p in catalogue] == [p.sku for p in demo.products]
    for item in catalogue:
        product = demo.product(item["sku"])
        assert product is not None
        assert product.category == item["category"], item["sku"]
        assert product.moq == item["moq"], item["sku"]
        assert product.lead_time_days == item["lead_time_days"], item["sku"]
        assert product.sample.lead_time_days == item["sample_lead_time_days"], item["sku"]
        assert product.hs_code == item["hs_code"], item["sku"]
        packaging = item["packaging"]
        assert product.packaging.units_per_carton == packaging["units_per_carton"], item["sku"]
        assert product.packaging.carton_mm == packaging["carton_mm"], item["sku"]
        assert product.packaging.carton_gross_kg == Decimal(str(packaging["carton_gross_kg"]))


def test_every_list_price_is_above_floor_in_every_zone(demo: PriceBook) -> None:
    countries = {code: zone.countries[0] for code, zone in demo.zones.items() if zone.countries}
    for product in demo.products:
        for country in countries.values():
            for tier in product.tiers:
                line = RequestLine(product.sku, product.name, tier.min_qty)
                quote = price(PricingRequest((line,), country), demo, today=TODAY)
                assert quote.lines[0].margin_pct is not None
                floor = demo.margins.categories[product.category].floor_pct
                assert quote.lines[0].margin_pct >= floor, (product.sku, country, tier)


def test_a_typical_demo_quote(demo: PriceBook) -> None:
    request = PricingRequest(
        lines=(
            RequestLine("PNL-6060-40W", "600x600 panel 40W", Decimal(2000)),
            RequestLine("HB-UFO-150W", "UFO high bay 150W", Decimal(300)),
        ),
        destination_country="DE",
        destination_place="Hamburg",
        incoterm=Incoterm.CIF,
        currency="EUR",
    )
    quote = price(request, demo, today=TODAY)
    assert quote.in_policy, quote.policy.reasons
    assert {c.kind for c in quote.charges} >= {"sea_freight", "insurance"}
