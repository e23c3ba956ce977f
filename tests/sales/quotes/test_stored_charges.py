"""Charges of stored quotes: kept as data, and read back from the labels of quotes stored before
charges kept their parameters, so that an old quote's PDF is still said in every language."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from i18n import LANGUAGES
from sales.pricing import Incoterm, PriceBook, PricingRequest, RequestLine, load_price_book, price
from sales.pricing.charge_text import charge_text
from sales.pricing.models import Charge
from sales.quotes.stored_charges import legacy_params, stored_params

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 11, 21)

# The labels the pricing engine stored before charges kept their parameters (as written then).
OLD_LABELS = [
    ("export_clearance", "Export customs clearance and documents"),
    ("origin_haulage", "Inland haulage, factory to Ningbo"),
    ("origin_terminal", "Terminal handling at Ningbo"),
    ("courier", "Express courier to Hamburg (12.5 kg chargeable)"),
    ("sea_freight", "Ocean freight Ningbo to Hamburg (LCL, 3.25 W/M)"),
    ("sea_freight", "Ocean freight Shenzhen to Los Angeles (FCL 1 x 40HQ + 2 x 20GP)"),
    ("destination_delivery", "Destination handling and delivery to Hamburg"),
    ("unloading", "Unloading at destination"),
    ("insurance", "Cargo insurance, ICC (C), 110% of CIF value at 0.30%"),
    ("insurance", "Cargo insurance, all risks, 110% of CIF value at 0.25%"),
    ("import_clearance", "Import customs clearance (broker)"),
    ("import_duty", "Import duty, estimate (EU TARIC: HS 9405 4.7%, HS default 2%; CIF basis)"),
    ("import_duty", "Import duty, estimate (US HTS: no rate; FOB basis)"),
    ("import_vat", "Import VAT 19%, estimate"),
]


def _trailing_zeros_dropped(text: str) -> str:
    """'0.30%' and '0.3%' are the same rate (the old labels kept the price book's spelling)."""
    return re.sub(r"(\d+\.\d*?)0+(?!\d)", r"\1", text).replace(".%", "%")


@pytest.fixture(scope="module")
def charges() -> list[Charge]:
    book: PriceBook = load_price_book(ROOT / "sales" / "pricebook" / "demo.yaml")
    lines = (
        RequestLine("PNL-6060-40W", "panel", Decimal(2000)),
        RequestLine("HB-UFO-150W", "high bay", Decimal(300)),
    )
    requests = [
        PricingRequest(lines=lines, destination_country=country, destination_place=place, **terms)
        for country, place, terms in [
            ("DE", "Hamburg", {"incoterm": Incoterm.DDP, "currency": "EUR"}),
            ("DE", "Hamburg", {"incoterm": Incoterm.DPU, "include_duty_estimate": True}),
            ("GB", "Felixstowe", {"incoterm": Incoterm.CIF, "incoterm_place": "Felixstowe"}),
            ("AU", "Sydney", {"incoterm": Incoterm.DDP}),
            ("US", "Los Angeles", {"incoterm": Incoterm.CIP}),
        ]
    ]
    return [
        charge
        for request in requests
        for quote in [price(request, book, today=TODAY)]
        for charge in (*quote.charges, *quote.buyer_estimates)
    ]


def test_the_engine_keeps_each_charge_as_data(charges: list[Charge]) -> None:
    assert {"sea_freight", "insurance", "import_duty", "import_vat"} <= {c.kind for c in charges}
    for charge in charges:
        assert charge.params is not None
        assert charge.label == charge_text(charge.kind, charge.params, "en")


def test_a_label_of_the_engine_reads_back_to_the_same_words(charges: list[Charge]) -> None:
    """Read from its English label, a charge is said as from its parameters, in every language."""
    for charge in charges:
        assert charge.params is not None
        found = legacy_params(charge.kind, charge.label)
        assert found is not None, charge.label
        for language in LANGUAGES:
            said = charge_text(charge.kind, found, language)
            assert said == charge_text(charge.kind, charge.params, language)


@pytest.mark.parametrize(("kind", "label"), OLD_LABELS)
def test_old_labels_are_said_in_every_language(kind: str, label: str) -> None:
    params = legacy_params(kind, label)
    assert params is not None
    assert _trailing_zeros_dropped(charge_text(kind, params, "en")) == _trailing_zeros_dropped(
        label
    )
    german = charge_text(kind, params, "de")
    assert german != label and "{" not in german


def test_labels_of_no_known_form_are_printed_as_stored() -> None:
    assert legacy_params("sea_freight", "Ocean freight by arrangement") is None
    assert legacy_params("handling", "Special handling") is None
    assert legacy_params("sea_freight", "Ocean freight A to B (FCL several boxes)") is None


def test_stored_params_prefer_what_was_stored() -> None:
    kinds, labels = ["origin_terminal"], ["Terminal handling at Ningbo"]
    assert stored_params({"charge_params": [{"port": "Xiamen"}]}, kinds, labels) == [
        {"port": "Xiamen"}
    ]
    # an old quote: no charge_params, or a list that does not match its charges
    assert stored_params({}, kinds, labels) == [{"port": "Ningbo"}]
    assert stored_params({"charge_params": []}, kinds, labels) == [{"port": "Ningbo"}]
