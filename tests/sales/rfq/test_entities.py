"""RFQ facts from the NLU's entities: only the gaps the text reader left, read by the
normalisers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sales.rfq.entities import fill_gaps, spans
from sales.rfq.extract import Extraction, extract

TODAY = date(2026, 11, 21)


def entity(
    text: str,
    phrase: str,
    label: str,
    value: str | None = None,
    confidence: float = 0.98,
    occurrence: int = 0,
) -> dict[str, Any]:
    """A Rasa entity over the ``occurrence``-th ``phrase`` of ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return {
        "entity": label,
        "start": start,
        "end": start + len(phrase),
        "value": value if value is not None else phrase,
        "extractor": "DIETClassifier",
        "confidence_entity": confidence,
    }


def fill(
    kb: Any,
    text: str,
    entities: list[dict[str, Any]],
    *,
    found: Extraction | None = None,
    state: dict[str, Any] | None = None,
    expecting: str | None = None,
) -> tuple[Extraction, list[str]]:
    found = found if found is not None else Extraction()
    filled = fill_gaps(
        found,
        entities,
        text=text,
        state=state or {},
        expecting=expecting,
        today=TODAY,
        catalog=kb,
    )
    return found, filled


ZH = (
    "我们需要五千个面板灯，CIF汉堡，要CE和RoHS认证，2027年3月15日前到货，信用证付款，"
    "邮箱li@guangming.example"
)


def zh_entities() -> list[dict[str, Any]]:
    return [
        entity(ZH, "五千个", "quantity"),
        entity(ZH, "面板灯", "product"),
        entity(ZH, "CIF", "incoterm"),
        entity(ZH, "汉堡", "place", value="Hamburg"),
        entity(ZH, "CE", "certification"),
        entity(ZH, "RoHS", "certification"),
        entity(ZH, "2027年3月15日", "date"),
        entity(ZH, "信用证", "payment_terms", value="L/C"),
        entity(ZH, "li@guangming.example", "email"),
    ]


def test_every_entity_becomes_its_fact_through_the_normalisers(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found, filled = fill(demo_kb, ZH, zh_entities())
    assert filled == [
        "certifications",
        "destination",
        "email",
        "incoterm",
        "items",
        "payment_detail",
        "payment_terms",
        "required_by",
    ]
    [item] = found.slots["items"]
    assert (item["quantity"], item["unit"], item["category"]) == ("5000", "pcs", "panel")
    assert item["description"] == "面板灯"
    assert found.slots["destination"] == {"country": "DE", "place": "Hamburg"}
    assert found.slots["incoterm"] == "CIF"
    assert found.slots["certifications"] == ["CE", "ROHS"]
    assert found.slots["required_by"] == "2027-03-15"
    assert found.slots["payment_terms"] == "LC"
    assert found.slots["email"] == "li@guangming.example"


def test_the_text_reader_stays_primary(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = Extraction(slots={"destination": {"country": "NL", "place": "Rotterdam"}})
    found, filled = fill(demo_kb, ZH, zh_entities(), found=found)
    assert found.slots["destination"] == {"country": "NL", "place": "Rotterdam"}
    assert "destination" not in filled


def test_known_facts_are_never_overwritten(demo_kb) -> None:  # type: ignore[no-untyped-def]
    state = {
        "incoterm": "FOB",
        "certifications": [],  # "no certificates needed" was answered already
        "items": [{"description": "tubes", "sku": None, "category": "tube", "quantity": "10"}],
    }
    _, filled = fill(demo_kb, ZH, zh_entities(), state=state)
    assert not {"incoterm", "certifications", "items"} & set(filled)


def test_entities_agree_with_the_text_reader_on_an_english_request(demo_kb) -> None:  # type: ignore[no-untyped-def]
    text = (
        "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS, "
        "by 15 March 2027"
    )
    entities = [
        entity(text, "5,000 pcs", "quantity"),
        entity(text, "600x600 40W panels", "product"),
        entity(text, "Hamburg", "place"),
        entity(text, "CIF", "incoterm"),
        entity(text, "CE", "certification"),
        entity(text, "RoHS", "certification"),
        entity(text, "15 March 2027", "date"),
    ]
    by_text = extract(text, state={}, expecting=None, today=TODAY, catalog=demo_kb)
    by_entities, _ = fill(demo_kb, text, entities)
    for slot in ("items", "destination", "incoterm", "certifications", "required_by"):
        assert by_entities.slots[slot] == by_text.slots[slot], slot


def test_a_port_of_loading_is_not_the_destination(demo_kb) -> None:  # type: ignore[no-untyped-def]
    text = "Please quote 200 pcs HB-UFO-150W, FOB Ningbo"
    found, _ = fill(
        demo_kb, text, [entity(text, "FOB", "incoterm"), entity(text, "Ningbo", "place")]
    )
    assert found.slots["incoterm"] == "FOB"
    assert "destination" not in found.slots


def test_place_and_country_make_one_destination(demo_kb) -> None:  # type: ignore[no-untyped-def]
    text = "need pricing on 400 pcs shipped to Santos Brazil"
    found, _ = fill(
        demo_kb, text, [entity(text, "Santos", "place"), entity(text, "Brazil", "place")]
    )
    assert found.slots["destination"] == {"country": "BR", "place": "Santos"}


def test_unreadable_and_unsure_entities_are_left_out(demo_kb) -> None:  # type: ignore[no-untyped-def]
    text = "ship to Atlantis by end of April 2027"
    found, filled = fill(
        demo_kb,
        text,
        [
            entity(text, "Atlantis", "place"),
            entity(text, "end of April 2027", "date", confidence=0.3),
        ],
    )
    assert filled == []
    assert found.slots == {}


def test_while_contact_details_are_asked_only_an_email_is_taken(demo_kb) -> None:  # type: ignore[no-untyped-def]
    text = "Lagos Lighting Ltd, buyer@lagoslighting.example"
    _, filled = fill(
        demo_kb,
        text,
        [entity(text, "Lagos", "place"), entity(text, "buyer@lagoslighting.example", "email")],
        expecting="company",
    )
    assert filled == ["email"]


def test_a_filled_field_loses_its_error(demo_kb) -> None:  # type: ignore[no-untyped-def]
    text = "Lieferung nach Hamburg"
    found = Extraction(errors={"destination": "Which port?"})
    found, _ = fill(demo_kb, text, [entity(text, "Hamburg", "place")], found=found)
    assert found.slots["destination"]["place"] == "Hamburg"
    assert "destination" not in found.errors


def test_each_product_takes_the_quantity_beside_it(demo_kb) -> None:  # type: ignore[no-untyped-def]
    text = "2000 T8 1200mm tubes and 300 100W floodlights, plus PNL-6060-40W, 500 pcs"
    found, _ = fill(
        demo_kb,
        text,
        [
            entity(text, "2000", "quantity"),
            entity(text, "T8 1200mm tubes", "product"),
            entity(text, "300", "quantity"),
            entity(text, "100W floodlights", "product"),
            entity(text, "PNL-6060-40W", "product"),
            entity(text, "500 pcs", "quantity"),
        ],
    )
    assert [(i["category"], i["quantity"]) for i in found.slots["items"]] == [
        ("tube", "2000"),
        ("floodlight", "300"),
        ("panel", "500"),
    ]
    assert found.slots["items"][2]["sku"] == "PNL-6060-40W"


def test_a_quantity_completes_the_product_asked_about_before(demo_kb) -> None:  # type: ignore[no-untyped-def]
    pending = {"description": "high bays", "sku": None, "category": "high_bay"}
    text = "unos 5.000 piezas"
    found, _ = fill(
        demo_kb,
        text,
        [entity(text, "5.000 piezas", "quantity")],
        state={"product": pending},
        found=Extraction(errors={"quantity": "How many?"}),
        expecting="quantity",
    )
    assert found.slots["items"] == [
        {**pending, "quantity": "5000", "unit": "pcs", "target_price": None}
    ]
    assert found.slots["product"] is None
    assert "quantity" not in found.errors


@pytest.mark.parametrize("known", ["state", "text"])
def test_a_target_price_goes_on_the_last_item(demo_kb, known: str) -> None:  # type: ignore[no-untyped-def]
    items = [
        {"description": "tubes", "sku": None, "category": "tube", "quantity": "10", "unit": "pcs",
         "target_price": None},
    ]  # fmt: skip
    text = "Zielpreis USD 12,50 pro Stück"
    state = {"items": items} if known == "state" else {}
    found = Extraction(slots={"items": items}) if known == "text" else Extraction()
    found, filled = fill(
        demo_kb,
        text,
        [entity(text, "USD 12,50 pro Stück", "target_price")],
        state=state,
        found=found,
    )
    assert found.slots["items"][-1]["target_price"] == {"amount": "12.50", "currency": "USD"}
    assert items[0]["target_price"] is None  # the state's items are not changed in place
    assert "items" in filled


def test_spans_are_deduplicated_and_in_text_order() -> None:
    text = "CIF Hamburg"
    both = [entity(text, "Hamburg", "place"), entity(text, "CIF", "incoterm")]
    twice = [*both, {**both[0], "extractor": "RegexEntityExtractor"}]
    found = spans(twice, text)
    assert [(s.entity, s.text) for s in found] == [("incoterm", "CIF"), ("place", "Hamburg")]


def test_a_synonym_value_is_tried_before_the_buyers_words() -> None:
    text = "运往汉堡"
    [span] = spans([entity(text, "汉堡", "place", value="Hamburg")], text)
    assert span.readings() == ["Hamburg", "汉堡"]


def test_a_phrase_tagged_in_pieces_is_read_whole(demo_kb) -> None:  # type: ignore[no-untyped-def]
    text = "Please send a proforma, 30% T/T deposit, 70% before shipment, by 15 March 2027"
    pieces = [
        entity(text, "30", "payment_terms"),
        entity(text, "T/T deposit", "payment_terms"),
        entity(text, "70", "payment_terms"),
        entity(text, "before shipment", "payment_terms"),
        entity(text, "15", "date"),
        entity(text, "March 2027", "date"),
    ]
    found, _ = fill(demo_kb, text, pieces)
    assert found.slots["payment_terms"] == "TT"
    assert found.slots["payment_detail"] == "30% deposit, 70% before shipment"
    assert found.slots["required_by"] == "2027-03-15"
