"""The answer to "which product?" is the sentence naming it, not the chit-chat around it."""

from __future__ import annotations

from datetime import date

import pytest

from sales.rfq.extract import extract

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "description"),
    [
        (
            "T8 Glasröhren 1200 mm 18W. Unsere Kunden sind vor allem Supermärkte und Büros.",
            "T8 Glasröhren 1200 mm 18W",
        ),
        ("Hi there. We need LED panels 600x600.", "LED panels 600x600"),
        ("Paneles LED 60x60. Nuestros clientes son oficinas.", "Paneles LED 60x60"),
        ("面板灯60x60。我们的客户主要是超市。", "面板灯60x60"),
    ],
)
def test_the_sentence_naming_the_product_is_the_product(
    demo_kb, text: str, description: str
) -> None:  # type: ignore[no-untyped-def]
    found = extract(text, state={}, expecting="product", today=TODAY, catalog=demo_kb)
    product = found.slots.get("product") or (found.slots.get("items") or [{}])[0]
    said = product.get("description") or ""
    assert said and description.startswith(said), found.slots  # no chit-chat in it
