"""A count written right after a model number, as Chinese buyers write it ("PNL-6060-40W3000套"):
the model and the count, over every model of the catalog that ends in a letter."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sales.rfq.extract import extract

TODAY = date(2026, 12, 7)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pick=st.integers(min_value=0, max_value=10_000),
    count=st.integers(min_value=2, max_value=99).map(lambda n: n * 100),
    measure=st.sampled_from(["个", "套", "只", "pcs"]),
    template=st.sampled_from(
        [
            "请报价：{sku}{count}{measure}。",
            "你好，想询价{sku}{count}{measure}",
            "请报价：{count}{sku}。",
        ]
    ),
)
def test_a_count_glued_to_a_model_number(  # type: ignore[no-untyped-def]
    demo_kb, pick: int, count: int, measure: str, template: str
) -> None:
    skus = sorted(p["sku"] for p in demo_kb.products if p["sku"][-1:].isalpha())
    sku = skus[pick % len(skus)]
    text = template.format(sku=sku, count=count, measure=measure)
    found = extract(text, state={}, expecting=None, today=TODAY, catalog=demo_kb)
    items = found.slots.get("items") or []
    assert [(i["sku"], i["quantity"]) for i in items] == [(sku, str(count))], (text, found.slots)


@pytest.mark.parametrize(
    ("text", "items", "required_by"),
    [
        (
            "We need 200pcs of PNL-6060-40W by 21st March 2027",
            [("PNL-6060-40W", "200")],
            "2027-03-21",
        ),
        ("500panels FL-SL-100W, 2nd May 2027", [("FL-SL-100W", "500")], "2027-05-02"),
    ],
)
def test_a_unit_glued_to_a_count_and_ordinals_left_alone(  # type: ignore[no-untyped-def]
    demo_kb, text: str, items: list[tuple[str, str]], required_by: str
) -> None:
    found = extract(text, state={}, expecting=None, today=TODAY, catalog=demo_kb)
    assert [(i["sku"], i["quantity"]) for i in found.slots.get("items") or []] == items, found.slots
    assert found.slots.get("required_by") == required_by, found.slots


@pytest.mark.parametrize(
    "template",
    ["{n} of {sku}", "{n} x {sku}", "{n} {sku}", "{n} de {sku}", "{n} von {sku}"],
)
@pytest.mark.parametrize(("n", "count"), [("8000", "8000"), ("3k", "3000"), ("2.500", "2500")])
def test_a_bare_count_before_a_model_number(  # type: ignore[no-untyped-def]
    demo_kb, template: str, n: str, count: str
) -> None:
    text = "Hi, I need a quote for " + template.format(n=n, sku="HB-UFO-200W") + " and "
    text += template.format(n="300", sku="DRV-DALI-40W") + "."
    found = extract(text, state={}, expecting=None, today=TODAY, catalog=demo_kb)
    items = [(i["sku"], i["quantity"]) for i in found.slots.get("items") or []]
    assert items == [("HB-UFO-200W", count), ("DRV-DALI-40W", "300")], (text, found.slots)
