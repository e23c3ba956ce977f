from pathlib import Path

import pytest

from knowledge.catalog import load_products, product_sections
from knowledge.errors import KnowledgeSourceError

from .conftest import FIXTURE_SOURCE


def test_yaml_products_are_normalised() -> None:
    products = load_products(FIXTURE_SOURCE / "products.yaml")
    panel = products[0]
    assert panel["sku"] == "PNL-6060-40W"
    assert panel["certifications"] == ["CE", "ROHS", "REACH", "ERP"]
    assert panel["packaging"]["units_per_carton"] == 4
    assert {p["category"] for p in products} >= {"panel", "floodlight", "high_bay"}


def test_csv_products_parse_lists_numbers_and_packaging(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text(
        "sku,name,category,power_w,certifications,cct_options,packaging.units_per_carton,ugr\n"
        "DL-9W,Downlight 9W,Downlight,9,ce;rohs,3000K|4000K,50,<19\n",
        encoding="utf-8",
    )
    [product] = load_products(path)
    assert product["category"] == "downlight"
    assert product["power_w"] == 9
    assert product["certifications"] == ["CE", "ROHS"]
    assert product["cct_options"] == ["3000K", "4000K"]
    assert product["packaging"] == {"units_per_carton": 50}
    assert product["ugr"] == "<19"


def test_duplicate_skus_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "products.yaml"
    path.write_text("products:\n  - {sku: A-1}\n  - {sku: a-1}\n", encoding="utf-8")
    with pytest.raises(KnowledgeSourceError, match="duplicate"):
        load_products(path)


def test_product_without_sku_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "products.yaml"
    path.write_text("products:\n  - {name: nameless}\n", encoding="utf-8")
    with pytest.raises(KnowledgeSourceError, match="sku"):
        load_products(path)


def test_product_sections_cover_every_field_and_name_the_product() -> None:
    panel = load_products(FIXTURE_SOURCE / "products.yaml")[0]
    sections = dict(product_sections(panel))
    assert list(sections) == [
        "overview",
        "specifications",
        "technical data",
        "ordering and logistics",
    ]
    assert all(text.startswith("PNL-6060-40W 600x600 LED Panel 40W") for text in sections.values())
    assert "IP rating: IP20." in sections["specifications"]
    assert "Ugr: <22." in sections["technical data"]  # free-form extra field
    assert "HS code: 940542." in sections["ordering and logistics"]
    assert "units per carton 4" in sections["ordering and logistics"]
