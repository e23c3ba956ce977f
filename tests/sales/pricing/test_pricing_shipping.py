from __future__ import annotations

from decimal import Decimal

import pytest

from sales.pricing import PriceBook
from sales.pricing.shipping import Load, line_load, plan_freight

D = Decimal


def _plan(book: PriceBook, cbm: str, kg: str, *, samples: bool = False, zone: str = "EU"):
    return plan_freight(
        Load(1, D(cbm), D(kg)),
        origin=book.origin,
        port=book.origin.ports["Ningbo"],
        freight=book.freight,
        zone=book.freight.zones[zone],
        samples_only=samples,
    )


@pytest.mark.parametrize(
    ("cbm", "kg", "mode", "boxes"),
    [
        ("2", "300", "LCL", ()),
        ("14.9", "2000", "LCL", ()),  # LCL 968.5 + origin/destination < a 20GP's 2,810
        ("20", "4000", "FCL", (("20GP", 1),)),  # above the LCL limit: one 20GP
        ("30", "5000", "FCL", (("40HQ", 1),)),  # one 40HQ beats two 20GP
        ("70", "9000", "FCL", (("20GP", 1), ("40HQ", 1))),
        ("130", "20000", "FCL", (("40HQ", 2),)),
        ("12", "24000", "FCL", (("40HQ", 1),)),  # too heavy for one 20GP (21 t)
    ],
)
def test_mode_and_container_choice(
    book: PriceBook, cbm: str, kg: str, mode: str, boxes: tuple[tuple[str, int], ...]
) -> None:
    plan = _plan(book, cbm, kg)
    assert (plan.mode, plan.containers) == (mode, boxes)


def test_lcl_is_charged_on_weight_or_measure(book: PriceBook) -> None:
    light = _plan(book, "4", "1000")
    heavy = _plan(book, "4", "9000")  # 9 t > 4 CBM: charged on 9 W/M
    assert light.chargeable == D("4") and heavy.chargeable == D("9")
    assert heavy.main_freight == D("65") * 9


def test_courier_for_samples_on_chargeable_weight(book: PriceBook) -> None:
    plan = _plan(book, "0.1", "5", samples=True)  # volumetric 20 kg > 5 kg actual
    assert (plan.mode, plan.chargeable, plan.main_freight) == ("courier", D("20.0"), D("180.0"))
    too_big = _plan(book, "3", "900", samples=True)
    assert too_big.mode == "LCL"


def test_line_load_rounds_cartons_up(book: PriceBook) -> None:
    panel = book.product("PNL-6060-40W")
    assert panel is not None
    load = line_load(panel, D(501))
    assert load.cartons == 126 and load.gross_kg == D("1512.0")
    sample = line_load(panel, D(1), sample=True)
    assert sample.gross_kg == D("3.0")
