"""Several products in one message: each keeps its own count and its own specs (found by the
adversarial buyers: a model number after the next count was taken for the product before it,
and that item dropped)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sales.rfq.extract import extract

TODAY = date(2026, 11, 21)


def _items(kb: Any, text: str) -> list[tuple[str, str | None]]:
    found = extract(text, state={}, expecting=None, today=TODAY, catalog=kb)
    return [(i["quantity"], i["sku"]) for i in found.slots.get("items") or []]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Queremos preços para 5.000 peças de painéis de 40W 600x600, 10 mil peças de "
            "FL-SL-100W e 3.000 unidades DL-R150-12W.",
            [("5000", "PNL-6060-40W"), ("10000", "FL-SL-100W"), ("3000", "DL-R150-12W")],
        ),
        (
            "Buenos días, por favor coticen 3.000 unidades de paneles LED 600x600 de 40W, 10 mil "
            "unidades HB-UFO-150W y 8000 pzas de SL-M-100W.",
            [("3000", "PNL-6060-40W"), ("10000", "HB-UFO-150W"), ("8000", "SL-M-100W")],
        ),
        (
            "We'd like prices for four thousand pieces of 600x600 UGR<19 office panels, 30W and "
            "3k pcs slim flood lights, 100W.",
            [("4000", "PNL-6060-30W-UGR19"), ("3000", "FL-SL-100W")],
        ),
        (
            "Hello, please quote four thousand pieces 600x600 UGR<19 office panels, 30W and 10k "
            "of SL-M-100W.",
            [("4000", "PNL-6060-30W-UGR19"), ("10000", "SL-M-100W")],
        ),
        (
            "We'd like prices for 10k recessed round downlights 12W and 10k T8-G-1200-18W.",
            [("10000", "DL-R150-12W"), ("10000", "T8-G-1200-18W")],
        ),
        (
            "Guten Tag, wir brauchen ein Angebot für 2'500 Stück Einlegepanels 600x600 mit 40W "
            "und 2'500 Stück DL-R150-12W.",
            [("2500", "PNL-6060-40W"), ("2500", "DL-R150-12W")],
        ),
        (
            "Wir hätten gern Preise für 4000 FL-SL-100W, 4000 LED-Straßenleuchten 100W und 10000 "
            "runde Einbau-Downlights 12W.",
            [("4000", "FL-SL-100W"), ("4000", "SL-M-100W"), ("10000", "DL-R150-12W")],
        ),
        (
            "请报价：600x600 40W面板灯1500件和八千只1200mm 18W的T8玻璃灯管。",
            [("1500", "PNL-6060-40W"), ("8000", "T8-G-1200-18W")],
        ),
        (
            "您好，我们需要八千只200W UFO工矿灯和40W 600x600平板灯八千只，请报价。",
            [("8000", "HB-UFO-200W"), ("8000", "PNL-6060-40W")],
        ),
        (
            "你好，想询价3000套T8玻璃灯管1200mm 18W和200W UFO工矿灯一万支。",
            [("3000", "T8-G-1200-18W"), ("10000", "HB-UFO-200W")],
        ),
    ],
)
def test_each_product_keeps_its_count_and_its_specs(demo_kb, text: str, expected: list) -> None:  # type: ignore[no-untyped-def,type-arg]
    assert _items(demo_kb, text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("We'd like prices for 10k recessed round downlights 12W.", "recessed round downlights"),
        ("Bonjour, merci de chiffrer lampadères LED 100W.", "lampadaires"),
        ("Il nous faut 300 projecteurs LED 100W.", "projecteurs"),
        ("Bom dia, por favor cotem tubso T8 de vidro de 1200 mm e 18W.", "tubos"),
    ],
)
def test_counts_and_request_words_are_no_part_of_the_products_name(  # type: ignore[no-untyped-def]
    demo_kb, text: str, words: str
) -> None:
    found = extract(text, state={}, expecting=None, today=TODAY, catalog=demo_kb)
    (product, *_) = found.slots.get("items") or [found.slots["product"]]
    assert product["description"] == words
