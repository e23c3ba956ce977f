"""Reading RFQ facts from buyers' free text, against the demo catalog."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sales.rfq.extract import extract

TODAY = date(2026, 11, 21)
PANELS = {
    "description": "600x600 40W panels",
    "sku": "PNL-6060-40W",
    "category": "panel",
    "quantity": "5000",
    "unit": "pcs",
    "target_price": None,
}


def run(kb: Any, text: str, state: dict[str, Any] | None = None, expecting: str | None = None):  # type: ignore[no-untyped-def]
    return extract(text, state=state or {}, expecting=expecting, today=TODAY, catalog=kb)


def test_everything_in_one_message(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS, "
        "by 15 March 2027",
    )
    assert found.slots["items"] == [PANELS]
    assert found.slots["destination"] == {"country": "DE", "place": "Hamburg"}
    assert found.slots["incoterm"] == "CIF"
    assert found.slots["required_by"] == "2027-03-15"
    assert found.slots["certifications"] == ["CE", "ROHS"]
    assert not found.errors


def test_several_items_contact_and_terms(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "Hi, I'm Carlos from Iluminación Ibérica S.L. in Valencia. We'd like 2000 T8 1200mm 18W "
        "glass tubes and 300 100W floodlights, DDP Valencia, payment T/T, need samples first",
    )
    items = found.slots["items"]
    assert [(i["sku"], i["quantity"]) for i in items] == [
        ("T8-G-1200-18W", "2000"),
        ("FL-SL-100W", "300"),
    ]
    assert found.slots["incoterm"] == "DDP"
    assert found.slots["destination"] == {"country": "ES", "place": "Valencia"}
    assert found.slots["payment_terms"] == "TT"
    assert found.slots["sample_requested"] is True
    assert found.slots["company"] == "Iluminación Ibérica S.L."
    assert found.slots["contact_name"] == "Carlos"


def test_fob_port_is_not_the_destination(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "Please quote 200 pcs HB-UFO-150W, FOB Ningbo, delivery to Durban South Africa by end "
        "of Q1 2027, we are an electrical contractor",
    )
    assert found.slots["incoterm"] == "FOB"
    assert found.slots["destination"] == {"country": "ZA", "place": "Durban"}
    assert found.slots["required_by"] == "2027-03-31"
    assert found.slots["business_type"] == "contractor"
    assert found.slots["items"][0]["sku"] == "HB-UFO-150W"


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("5k pcs of PNL-6060-40W", "5000", "pcs"),
        ("5.000 Stück PNL-6060-40W", "5000", "pcs"),
        ("five thousand pieces of PNL-6060-40W", "5000", "pcs"),
        ("PNL-6060-40W, 1,200 units", "1200", "pcs"),
        ("3 x 40HQ containers of SL-M-100W", "3", "containers"),
    ],
)
def test_quantity_phrasings(demo_kb, text: str, quantity: str, unit: str) -> None:  # type: ignore[no-untyped-def]
    (item,) = run(demo_kb, text).slots["items"]
    assert (item["quantity"], item["unit"]) == (quantity, unit)


def test_specifications_are_not_quantities(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "do you have 4000K 600x600 panels with 40W and 1200mm tubes")
    assert "items" not in found.slots and "quantity" not in found.slots


def test_corrections_add_and_remove(demo_kb) -> None:  # type: ignore[no-untyped-def]
    state = {"items": [PANELS]}
    assert run(demo_kb, "actually 8,000 pieces", state).slots["items"][0]["quantity"] == "8000"
    added = run(demo_kb, "add 500 pcs of HB-UFO-100W too", state).slots["items"]
    assert [i["sku"] for i in added] == ["PNL-6060-40W", "HB-UFO-100W"]
    assert run(demo_kb, "remove the panels", state).slots["items"] == []
    moved = run(demo_kb, "change the destination to Rotterdam", state).slots
    assert moved == {"destination": {"country": "NL", "place": "Rotterdam"}}


def test_answers_to_the_question_asked(demo_kb) -> None:  # type: ignore[no-untyped-def]
    state = {"items": [PANELS]}
    assert run(demo_kb, "Hamburg", state, "destination").slots["destination"]["country"] == "DE"
    assert run(demo_kb, "FOB Ningbo", state, "incoterm").slots == {
        "incoterm": "FOB",
        "incoterm_place": "Ningbo",
    }
    assert run(demo_kb, "L/C at sight", state, "payment_terms").slots["payment_terms"] == "LC"
    assert run(demo_kb, "yes please", state, "sample_requested").slots["sample_requested"] is True
    assert run(demo_kb, "none needed", state, "certifications").slots["certifications"] == []
    assert run(demo_kb, "we're wholesalers", state, "business_type").slots["business_type"] == (
        "wholesaler"
    )
    assert run(demo_kb, "end of April 2027", state, "required_by").slots["required_by"] == (
        "2027-04-30"
    )
    contact = run(
        demo_kb,
        "Jana Weber, Nordlicht Handels GmbH, jana.weber@nordlicht.example, +49 40 1234567",
        state,
        "contact_name",
    ).slots
    assert contact["contact_name"] == "Jana Weber"
    assert contact["company"] == "Nordlicht Handels GmbH"
    assert contact["email"] == "jana.weber@nordlicht.example"
    assert contact["phone"] == "+49401234567"


@pytest.mark.parametrize(
    ("slot", "text", "words"),
    [
        ("email", "jana.weber@", "@"),
        ("destination", "Atlantis", "country"),
        ("required_by", "15 March 2020", "past"),
        ("quantity", "lots of them", "quantity"),
        ("payment_terms", "PayPal", "PayPal"),
    ],
)
def test_unreadable_answers_give_a_reason(demo_kb, slot: str, text: str, words: str) -> None:  # type: ignore[no-untyped-def]
    state = {"product": {"description": "x", "sku": None, "category": None}}
    found = run(demo_kb, text, state, slot)
    assert slot not in found.slots or found.slots[slot] is None
    assert words.lower() in found.errors[slot].lower()


def test_product_then_quantity(demo_kb) -> None:  # type: ignore[no-untyped-def]
    product = run(demo_kb, "the 150W UFO high bay", {}, "product").slots["product"]
    assert product["sku"] == "HB-UFO-150W"
    done = run(demo_kb, "300", {"product": product}, "quantity").slots
    assert done["items"][0]["quantity"] == "300" and done["product"] is None


def test_unknown_product_keeps_the_buyers_words(demo_kb) -> None:  # type: ignore[no-untyped-def]
    product = run(demo_kb, "E27 filament bulbs 4W amber", {}, "product").slots["product"]
    assert product == {"description": "E27 filament bulbs 4W amber", "sku": None}


def test_markup_is_not_taken_as_a_name(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "<img src=x onerror=alert(1)>", {}, "company")
    assert "company" not in found.slots
    assert "plain text" in found.errors["company"]


def test_a_company_named_like_a_business_type_is_still_the_company(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "Thabo Nkosi, Highveld Electrical Wholesalers, thabo@highveld.example, wholesaler",
        {},
        "contact_name",
    )
    assert found.slots["company"] == "Highveld Electrical Wholesalers"
    assert found.slots["contact_name"] == "Thabo Nkosi"
    assert found.slots["business_type"] == "wholesaler"


def test_yes_to_the_terms_question_answers_the_samples_part(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "yes", {"items": [PANELS]}, "incoterm")
    assert found.slots == {"sample_requested": True}
    assert not found.errors


def test_a_correction_while_asked_for_the_contact_is_no_name(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = extract(
        "Sorry, I meant DDP Vancouver, not FOB.",
        state={"incoterm": "FOB", "destination": {"country": "CA", "place": "Vancouver"}},
        expecting="contact_name",
        today=date(2026, 11, 21),
        catalog=demo_kb,
    )
    assert found.slots["incoterm"] == "DDP"
    assert not {"contact_name", "company"} & set(found.slots)
    assert not found.errors


def test_a_filler_word_before_the_contact_is_no_name(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = extract(
        "Sure, Ethan Campbell, Cascadia Lighting Ltd., ethan@cascadialighting.example",
        state={},
        expecting="contact_name",
        today=date(2026, 11, 21),
        catalog=demo_kb,
    )
    assert found.slots["contact_name"] == "Ethan Campbell"
    assert found.slots["company"] == "Cascadia Lighting Ltd."


TUBES = {**PANELS, "description": "LED tubes", "sku": "TUB-T8-18W", "category": "tube"}
DRIVERS = {**PANELS, "description": "drivers", "sku": "DRV-CC-40W", "category": "driver"}


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("change the tubes to 10k", "10000"),
        ("please change the tubes to 2,5k", "2500"),
        ("actually the tubes: 8000", "8000"),
        ("bitte die Röhren auf 12.000 ändern", "12000"),
    ],
)
def test_a_count_after_the_product_in_a_correction(demo_kb, text: str, quantity: str) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, text, {"items": [dict(TUBES), dict(DRIVERS)]})
    tubes, drivers = found.slots["items"]
    assert tubes["quantity"] == quantity and drivers["quantity"] == DRIVERS["quantity"]


@pytest.mark.parametrize("text", ["Tira os drivers", "remove the drivers", "quitar los drivers"])
def test_removing_an_item_in_other_words(demo_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, text, {"items": [dict(TUBES), dict(DRIVERS)]})
    assert [i["sku"] for i in found.slots["items"]] == ["TUB-T8-18W"]


def test_a_correction_while_the_date_is_asked_is_no_bad_date(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "Actually, change the quantity to 2,500 pieces",
        {"items": [dict(TUBES)]},
        expecting="required_by",
    )
    assert found.slots["items"][0]["quantity"] == "2500"
    assert found.errors == {}


def test_several_products_each_with_its_count_price_and_marks(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "We need 2,000 PNL-6060-40W at USD 12.50 with CE and 500 flood lites 100W at 30 USD "
        "each with UL",
    )
    panels, floods = found.slots["items"]
    assert (panels["sku"], panels["quantity"]) == ("PNL-6060-40W", "2000")
    assert panels["target_price"] == {"amount": "12.50", "currency": "USD"}
    assert (floods["category"], floods["quantity"]) == ("floodlight", "500")
    assert floods["target_price"] == {"amount": "30", "currency": "USD"}
    assert (panels["certifications"], floods["certifications"]) == (["CE"], ["UL"])


def test_a_price_is_no_count(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "Necesitamos 3.000 paneles 60x60 a 11 EUR y 400 campanas UFO 150W")
    panels, high_bays = found.slots["items"]
    assert panels["target_price"] == {"amount": "11", "currency": "EUR"}
    assert (high_bays["quantity"], high_bays["target_price"]) == ("400", None)


def test_a_container_count_is_containers(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "1x40HQ of T8 tubes 18W plus 200 drivers")
    tubes, drivers = found.slots["items"]
    assert (tubes["quantity"], tubes["unit"]) == ("1", "containers")
    assert (drivers["quantity"], drivers["unit"]) == ("200", "pcs")


def test_a_price_after_the_items_for_a_named_one(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb, "Quote 2,5k Downligts 12W and 300 UFO high bays 150W, target 45 USD for them"
    )
    downlights, high_bays = found.slots["items"]
    assert (downlights["category"], downlights["quantity"]) == ("downlight", "2500")
    assert downlights["target_price"] is None
    assert high_bays["target_price"] == {"amount": "45", "currency": "USD"}


@pytest.mark.parametrize(
    ("text", "place"),
    [("FOB Shenzhen", "Shenzhen"), ("bitte FOB Ningbo statt FCA", "Ningbo"), ("EXW", None)],
)
def test_an_origin_term_keeps_its_port_of_loading(demo_kb, text: str, place: str | None) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, text, {"items": [dict(PANELS)]}, expecting="incoterm")
    assert found.slots["incoterm_place"] == place
    assert "destination" not in found.slots  # the port of loading is no destination


def test_a_delivered_term_after_an_origin_one_forgets_the_port_of_loading(demo_kb) -> None:  # type: ignore[no-untyped-def]
    state = {"items": [dict(PANELS)], "incoterm": "FOB", "incoterm_place": "Shenzhen"}
    found = run(demo_kb, "actually CIF Hamburg", state)
    assert (found.slots["incoterm"], found.slots["incoterm_place"]) == ("CIF", None)


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("2 x 40-Fuß-Container PNL-6060-40W", "2", "containers"),
        ("einen 20-Fuß-Container Panels", "1", "containers"),
        ("un conteneur de 20 pieds de PNL-6060-40W", "1", "containers"),
        ("dos contenedores de 40 pies de paneles", "2", "containers"),
    ],
)
def test_containers_in_other_languages(demo_kb, text: str, quantity: str, unit: str) -> None:  # type: ignore[no-untyped-def]
    (item,) = run(demo_kb, text).slots["items"]
    assert (item["quantity"], item["unit"]) == (quantity, unit)


def test_a_model_number_is_no_count_of_the_next_product(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "5000 T8-G-1200-18W and 10k of UFO high bay lights 200W")
    tubes, high_bays = found.slots["items"]
    assert tubes["quantity"] == "5000"
    assert (high_bays["sku"], high_bays["quantity"]) == ("HB-UFO-200W", "10000")


def test_the_count_after_no_is_the_old_one(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "En realidad son 2,5k, no 10 mil unidades.", {"items": [dict(PANELS)]})
    assert found.slots["items"][0]["quantity"] == "2500"


@pytest.mark.parametrize("text", ["CE and SEC", "just SEC certification", "CE e SEC para Lisboa"])
def test_a_scheme_in_capitals_is_no_place(demo_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, text, {"items": [dict(PANELS)]}, expecting="certifications")
    assert "SEC" in found.slots["certifications"]
    assert (found.slots.get("destination") or {}).get("country") in (None, "PT")


def test_a_chinese_date_with_hao(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "2027年10月25号", {"items": [dict(PANELS)]}, expecting="required_by")
    assert found.slots["required_by"] == "2027-10-25"


def test_a_correction_while_the_product_is_asked_is_no_product(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "Actually, please quote EXW instead.", {}, expecting="product")
    assert found.slots == {"incoterm": "EXW", "incoterm_place": None}


def test_an_informal_spelling_without_a_count(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "We need 100W slim flood lites. Price on DDP Dubai.")
    assert found.slots["product"]["sku"] == "FL-SL-100W"


def test_a_company_named_with_product_words_is_no_product(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "Soy Andrés Gómez de Luces del Plata S.R.L., correo andres@lucesdelplata.example",
        {},
        "contact_name",
    )
    assert (found.slots["contact_name"], found.slots["company"]) == (
        "Andrés Gómez",
        "Luces del Plata S.R.L.",
    )
    assert "product" not in found.slots and "items" not in found.slots


def test_a_correction_in_portuguese_is_no_name(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "Melhor cotar EXW.", {"incoterm": "FOB"}, "contact_name")
    assert found.slots.get("incoterm") == "EXW" and "contact_name" not in found.slots


@pytest.mark.parametrize("expecting", [None, "email", "contact_name"])
def test_an_email_right_after_chinese_words(demo_kb, expecting: str | None) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "王建国，我的邮箱是wang.jianguo@kaoguang.example", {}, expecting)
    assert found.slots["email"] == "wang.jianguo@kaoguang.example"
