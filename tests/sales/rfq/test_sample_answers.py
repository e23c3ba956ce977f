"""Samples wanted or not, read from the clause that names them, in six languages."""

from __future__ import annotations

from datetime import date

import pytest

from sales.rfq.extract import extract

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("EXW, notre transitaire enlève, lettre de crédit à vue, pas besoin d'échantillon", False),
        ("FOB, T/T, no hace falta muestra", False),
        ("CIF, Vorkasse, Muster brauchen wir nicht", False),
        ("FOB, T/T, não precisa de amostra", False),
        ("FOB, T/T, no need for samples", False),
        ("FOB, T/T, 不需要样品", False),
        ("We'd like a sample first. No target price yet, just send your best price.", True),
        ("Nous voulons un échantillon d'abord. Pas de prix cible.", True),
        ("FOB, T/T, samples please", True),
    ],
)
def test_samples_from_their_own_clause(demo_kb, text: str, wanted: bool) -> None:  # type: ignore[no-untyped-def]
    found = extract(text, state={}, expecting=None, today=TODAY, catalog=demo_kb)
    assert found.slots.get("sample_requested") is wanted, found.slots
