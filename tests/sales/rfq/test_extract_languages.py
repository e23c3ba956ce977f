"""One RFQ message in each of the six languages fills the same facts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from i18n import LANGUAGES, localize
from sales.rfq.extract import extract, is_question
from sales.rfq.products import category_of

TODAY = date(2026, 11, 21)
PANELS = {"sku": "PNL-6060-40W", "category": "panel", "quantity": "5000", "unit": "pcs"}


def run(kb: Any, text: str, state: dict[str, Any] | None = None, expecting: str | None = None):  # type: ignore[no-untyped-def]
    return extract(text, state=state or {}, expecting=expecting, today=TODAY, catalog=kb)


@pytest.mark.parametrize(
    "text",
    [
        "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS, "
        "by 15 March 2027",
        "Necesitamos 5.000 paneles 600x600 40W para Hamburgo, CIF, con CE y RoHS, "
        "antes del 15 de marzo de 2027",
        "Wir benötigen 5.000 Stück 600x600 40W Panels nach Hamburg, CIF, mit CE und RoHS, "
        "bis 15. März 2027",
        "我们需要5000个600x600 40W面板灯，发往汉堡，CIF，需要CE和RoHS认证，2027年3月15日前交货",
        "Precisamos de 5.000 painéis 600x600 40W para Hamburgo, CIF, com CE e RoHS, "
        "até 15 de março de 2027",
        "Nous avons besoin de 5 000 panneaux 600x600 40W pour Hambourg, CIF, avec CE et RoHS, "
        "avant le 15 mars 2027",
    ],
)
def test_everything_in_one_message_in_every_language(demo_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, text)
    (item,) = found.slots["items"]
    assert {k: item[k] for k in PANELS} == PANELS
    assert found.slots["destination"] == {"country": "DE", "place": "Hamburg"}
    assert found.slots["incoterm"] == "CIF"
    assert found.slots["required_by"] == "2027-03-15"
    assert found.slots["certifications"] == ["CE", "ROHS"]
    assert not found.errors


def test_several_items_and_terms_in_german(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "Wir brauchen fünftausend Einbaustrahler 12W, 300 Hallenstrahler 150W und 200 Fluter "
        "100W, DDP Wien, Ende April 2027, Akkreditiv bei Sicht, wir sind Großhändler",
    )
    assert [(i["sku"], i["quantity"]) for i in found.slots["items"]] == [
        ("DL-R150-12W", "5000"),
        ("HB-UFO-150W", "300"),
        ("FL-SL-100W", "200"),
    ]
    assert found.slots["destination"] == {"country": "AT", "place": "Vienna"}
    assert found.slots["incoterm"] == "DDP"
    assert found.slots["required_by"] == "2027-04-30"
    assert (found.slots["payment_terms"], found.slots["payment_detail"]) == ("LC", "at sight")
    assert found.slots["business_type"] == "wholesaler"


def test_chinese_without_spaces(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "我们需要五千个筒灯12W和300个工矿灯150W，FOB深圳，发往鹿特丹，电汇30%定金，需要样品，我们是经销商",
    )
    assert [(i["sku"], i["quantity"]) for i in found.slots["items"]] == [
        ("DL-R150-12W", "5000"),
        ("HB-UFO-150W", "300"),
    ]
    assert found.slots["incoterm"] == "FOB"  # 深圳 is where the goods are loaded
    assert found.slots["destination"] == {"country": "NL", "place": "Rotterdam"}
    assert found.slots["payment_detail"] == "30% deposit, 70% before shipment"
    assert found.slots["sample_requested"] is True
    assert found.slots["business_type"] == "distributor"


def test_chinese_company_and_name(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb, "深圳光明照明有限公司，我叫王伟，需要2000支灯管T8 1200mm 18W，4月底交货，信用证"
    )
    assert found.slots["company"] == "深圳光明照明有限公司"
    assert found.slots["contact_name"] == "王伟"
    assert "destination" not in found.slots  # 深圳 is part of the company's name
    assert found.slots["items"][0]["quantity"] == "2000"
    assert found.slots["required_by"] == "2027-04-30"
    assert found.slots["payment_terms"] == "LC"


def test_spanish_terms_samples_and_business(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "Me llamo Carlos, de Iluminación Ibérica S.L., necesitamos cinco mil paneles 600x600 40W "
        "para Róterdam, FOB Shenzhen, pago 30% de anticipo, 70% antes del embarque, sin muestras, "
        "somos distribuidores",
    )
    (item,) = found.slots["items"]
    assert (item["sku"], item["quantity"], item["description"]) == (
        "PNL-6060-40W",
        "5000",
        "paneles",
    )
    assert found.slots["destination"] == {"country": "NL", "place": "Rotterdam"}
    assert found.slots["payment_detail"] == "30% deposit, 70% before shipment"
    assert found.slots["sample_requested"] is False
    assert found.slots["business_type"] == "distributor"
    assert found.slots["company"] == "Iluminación Ibérica S.L."
    assert found.slots["contact_name"] == "Carlos"


def test_portuguese_and_french_items(demo_kb) -> None:  # type: ignore[no-untyped-def]
    pt = run(
        demo_kb,
        "Precisamos de 1.200 refletores 100W e 500 luminárias públicas 60W, CIF Santos, meados "
        "de maio, carta de crédito, queremos amostras, somos atacadistas",
    )
    assert [(i["sku"], i["quantity"]) for i in pt.slots["items"]] == [
        ("FL-SL-100W", "1200"),
        ("SL-M-60W", "500"),
    ]
    assert pt.slots["required_by"] == "2027-05-15"
    assert pt.slots["sample_requested"] is True
    assert pt.slots["business_type"] == "wholesaler"
    fr = run(
        demo_kb,
        "Nous voulons 2 000 tubes T8 1200mm 18W en verre, CIF Le Havre, fin avril 2027, virement "
        "30 % d'acompte, pas d'échantillon, nous sommes grossiste",
    )
    assert fr.slots["items"][0]["quantity"] == "2000"
    assert fr.slots["destination"] == {"country": "FR", "place": "Le Havre"}
    assert fr.slots["sample_requested"] is False
    assert fr.slots["payment_terms"] == "TT"


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("5 Tsd. Stk. PNL-6060-40W", "5000", "pcs"),
        ("我们需要1.2万套DRV-CC-40W", "12000", "sets"),
        ("Queremos 3 x 40HQ contenedores de SL-M-100W", "3", "containers"),
        ("cinq mille pièces de FL-SL-50W", "5000", "pcs"),
    ],
)
def test_quantity_phrasings(demo_kb, text: str, quantity: str, unit: str) -> None:  # type: ignore[no-untyped-def]
    (item,) = run(demo_kb, text).slots["items"]
    assert (item["quantity"], item["unit"]) == (quantity, unit)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("paneles", "panel"), ("Panels", "panel"), ("面板灯", "panel"), ("painéis", "panel"),
        ("panneaux", "panel"), ("Einbaustrahler", "downlight"), ("筒灯", "downlight"),
        ("spots", "downlight"), ("tubos", "tube"), ("Röhren", "tube"), ("灯管", "tube"),
        ("campanas high bay", "high_bay"), ("Hallenstrahler", "high_bay"), ("工矿灯", "high_bay"),
        ("proyectores", "floodlight"), ("Fluter", "floodlight"), ("投光灯", "floodlight"),
        ("projecteurs", "floodlight"), ("refletores", "floodlight"), ("farolas", "street_light"),
        ("Straßenleuchten", "street_light"), ("路灯", "street_light"),
        ("lampadaires", "street_light"), ("luminárias públicas", "street_light"),
        ("controladores", "driver"), ("Treiber", "driver"), ("Netzteile", "driver"),
        ("驱动电源", "driver"), ("alimentations", "driver"),
    ],
)  # fmt: skip
def test_product_words_of_every_language(text: str, category: str) -> None:
    assert category_of(text) == category


@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [
        ("destination", "Hamburgo", {"country": "DE", "place": "Hamburg"}),
        ("destination", "鹿特丹", {"country": "NL", "place": "Rotterdam"}),
        ("incoterm", "FOB 深圳", "FOB"),
        ("payment_terms", "carta de crédito a la vista", "LC"),
        ("sample_requested", "sí, por favor", True),
        ("sample_requested", "不需要", False),
        ("certifications", "keine", []),
        ("certifications", "nenhuma", []),
        ("business_type", "somos importadores", "importer"),
        ("required_by", "fin avril 2027", "2027-04-30"),
        ("quantity", "五千", None),
    ],
)
def test_answers_to_the_question_asked(demo_kb, slot: str, text: str, value: Any) -> None:  # type: ignore[no-untyped-def]
    state = {"product": {"description": "panels", "sku": "PNL-6060-40W", "category": "panel"}}
    found = run(demo_kb, text, state, slot)
    if slot == "quantity":
        assert found.slots["items"][0]["quantity"] == "5000"
    else:
        assert found.slots[slot] == value
    assert not found.errors


def test_reasons_and_notes_can_be_said_in_every_language(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "asdf", {"items": []}, "quantity")
    reason = found.errors["quantity"]
    said = {language: localize(reason, language) for language in LANGUAGES}
    assert said["en"] == reason and len(set(said.values())) == len(LANGUAGES)
    removed = run(demo_kb, "quitar los paneles", {"items": [dict(PANELS, description="x")]})
    assert removed.slots["items"] == []
    assert localize(removed.notes[0], "es") == "He eliminado 1 artículo(s) de la solicitud."


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("¿tienen certificación UL?", True),
        ("Haben Sie DLC-zertifizierte Hallenstrahler?", True),
        ("combien coûte le panneau", True),
        ("这个面板灯有UL认证吗", True),
        ("多少钱一个", True),
        ("5000个", False),
        ("Hamburgo", False),
    ],
)
def test_questions_in_every_language(text: str, question: bool) -> None:
    assert is_question(text) is question


_FRAGMENTS = [
    "5.000", "五千", "个", "面板灯", "paneles", "Stück", "600x600", "40W", "CIF", "FOB", "深圳",
    "Hamburgo", "汉堡", "Ende April", "4月底", "30%", "定金", "Anzahlung", "sí", "不要", "muestras",
    "ninguna", "一", "万", "de", "y", ",", "，", " ", "mil", "cinco", "fünf", "tausend", "S.L.",
    "有限公司", "我叫", "¥", "€12,50",
]  # fmt: skip


@settings(
    deadline=None, max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=30), st.sampled_from([None, "quantity"]))
def test_any_mix_of_languages_is_read_without_error(demo_kb, parts: list[str], expecting) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "".join(parts), {}, expecting)
    for item in found.slots.get("items") or []:
        assert float(item["quantity"]) > 0
    for reason in found.errors.values():
        assert all(localize(reason, language) for language in LANGUAGES)


# ---- answers the simulated buyers gave (bench/personas) -------------------------------------


@pytest.mark.parametrize(
    ("text", "expecting", "name"),
    [
        ("Jan Hoffmann", "contact_name", "Jan Hoffmann"),
        ("Jan Hoffmann, jan.hoffmann@rheinlicht.example", "contact_name", "Jan Hoffmann"),
        ("Edson dos Santos", "contact_name", "Edson dos Santos"),
        ("Beatriz Lima, Casa Lumière Comércio Ltda.", "contact_name", "Beatriz Lima"),
        ("Sou a Beatriz Lima, da Casa Lumière Comércio Ltda.", "contact_name", "Beatriz Lima"),
        ("Mai Nguyen", "contact_name", "Mai Nguyen"),
    ],
)
def test_a_contact_name_is_no_date_or_place(  # type: ignore[no-untyped-def]
    demo_kb, text: str, expecting: str, name: str
) -> None:
    found = run(demo_kb, text, expecting=expecting)
    assert found.slots["contact_name"] == name
    assert "required_by" not in found.slots
    assert "destination" not in found.slots
    assert "payment_terms" not in found.slots  # "da Casa" is no D/A either


@pytest.mark.parametrize(
    "text",
    [
        "Hi, I'm Beatriz Lima, we need 500 panels 600x600 40W",
        "Olá, sou o Edson dos Santos e precisamos de 500 painéis 600x600 40W",
        "Guten Tag, hier ist Jan Hoffmann, wir brauchen 500 Panels 600x600 40W",
    ],
)
def test_a_name_in_an_opening_message_is_no_date_or_place(demo_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, text)
    assert found.slots["items"]
    assert "required_by" not in found.slots
    assert "destination" not in found.slots


def test_a_month_with_a_preposition_or_alone_in_its_clause_is_still_a_date(demo_kb) -> None:  # type: ignore[no-untyped-def]
    assert run(demo_kb, "500 panels 600x600 40W by May").slots["required_by"] == "2027-05-31"
    assert run(demo_kb, "Hamburg, April", expecting="destination").slots["required_by"] == (
        "2027-04-30"
    )
    assert run(demo_kb, "Wir brauchen sie bis Juli").slots["required_by"] == "2027-07-31"


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("Iluminação do Norte Ltda", "Iluminação do Norte Ltda"),
        ("Lumières du Sud SARL", "Lumières du Sud SARL"),
        ("Distribuidora del Pacífico S.A.", "Distribuidora del Pacífico S.A."),
        ("Alumbrados del Caribe S.A.S.", "Alumbrados del Caribe S.A.S."),
        ("Clínica Santa Lucía S.A.S.", "Clínica Santa Lucía S.A.S."),
        ("Éclairage Boréal inc.", "Éclairage Boréal inc."),
        ("Lumière d'Afrique SARL", "Lumière d'Afrique SARL"),
    ],
)
def test_company_names_come_whole(demo_kb, text: str, company: str) -> None:  # type: ignore[no-untyped-def]
    assert run(demo_kb, text, expecting="company").slots["company"] == company
    opening = run(demo_kb, f"Somos {text}, necesitamos 500 paneles 600x600 40W")
    assert opening.slots["company"] == company


def test_the_whole_contact_answer_in_french(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "Isabelle Gagnon, Éclairage Boréal inc., isabelle.gagnon@eclairage-boreal.example, "
        "+1 418 694 2200",
        expecting="contact_name",
    )
    assert found.slots["contact_name"] == "Isabelle Gagnon"
    assert found.slots["company"] == "Éclairage Boréal inc."
    assert found.slots["email"] == "isabelle.gagnon@eclairage-boreal.example"
    assert found.slots["phone"] == "+14186942200"


@pytest.mark.parametrize(
    ("text", "country", "place", "required_by"),
    [
        ("Recife, Brasil, 30/09/2027", "BR", "Recife", "2027-09-30"),
        ("Linz, Österreich, 31. Juli 2027", "AT", "Linz", "2027-07-31"),
        ("Basel, Schweiz, Ende Februar 2027", "CH", "Basel", "2027-02-28"),
        ("Dakar, Sénégal, fin du mois prochain", "SN", "Dakar", "2026-12-31"),
        ("Santos, Brasil, 1º de agosto de 2027", "BR", "Santos", "2027-08-01"),
    ],
)
def test_place_and_date_in_one_answer(  # type: ignore[no-untyped-def]
    demo_kb, text: str, country: str, place: str, required_by: str
) -> None:
    found = run(demo_kb, text, expecting="destination")
    assert found.slots["destination"] == {"country": country, "place": place}
    assert found.slots["required_by"] == required_by
    assert not found.errors


def test_an_unlisted_city_before_its_country_in_an_opening(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "Wir brauchen 80 Stück HB-LIN-220W, DAP Linz, Austria")
    assert found.slots["destination"] == {"country": "AT", "place": "Linz"}
    assert found.slots["incoterm"] == "DAP"


@pytest.mark.parametrize(
    ("text", "expecting", "code"),
    [
        ("remise documentaire (D/P), Non", "payment_terms", "DP"),
        ("CIF, remise documentaire (D/P), Non", "incoterm", "DP"),
        ("EXW, Vorauskasse, Ja, zwei Muster bitte", "incoterm", "TT"),
        ("DDP, 30 Tage netto nach Lieferung, Nein", "incoterm", "OA"),
    ],
)
def test_payment_terms_in_a_combined_answer(  # type: ignore[no-untyped-def]
    demo_kb, text: str, expecting: str, code: str
) -> None:
    found = run(demo_kb, text, expecting=expecting)
    assert found.slots["payment_terms"] == code


def test_an_explicit_chinese_destination_wins_over_the_buyers_own_city(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "您好，我们是上海的一家灯具经销商，德国客户要3000个DL-COB-AR-15W防眩筒灯，FOB宁波，"
        "发往德国汉堡。",
    )
    assert found.slots["destination"] == {"country": "DE", "place": "Hamburg"}
    assert found.slots["incoterm"] == "FOB"


def test_ship_to_wins_over_another_place_in_english(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "We are a Rotterdam importer, 500 panels 600x600 40W, ship to Hamburg")
    assert found.slots["destination"] == {"country": "DE", "place": "Hamburg"}


def test_a_lower_case_ce_is_french_not_the_certification(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "Nous voulons 800 panneaux 600x600 40W, ce modèle en CE et RoHS")
    assert found.slots["certifications"] == ["CE", "ROHS"]
    assert "certifications" not in run(demo_kb, "ce panneau est-il sans scintillement ?").slots
    assert run(demo_kb, "ce", expecting="certifications").slots["certifications"] == ["CE"]


@pytest.mark.parametrize(
    ("text", "expecting", "sample"),
    [
        ("remise documentaire (D/P), Non", "payment_terms", False),
        ("CIF, remise documentaire (D/P), Non", "incoterm", False),
        ("DAP Köln, Überweisung, 30 % Anzahlung, Nein", "incoterm", False),
        ("CIF, T/T, Sim", "incoterm", True),
    ],
)
def test_a_bare_yes_or_no_in_a_combined_answer_is_the_sample_answer(  # type: ignore[no-untyped-def]
    demo_kb, text: str, expecting: str, sample: bool
) -> None:
    found = run(demo_kb, text, expecting=expecting)
    assert found.slots["sample_requested"] is sample
    assert found.slots["payment_terms"]


def test_no_preference_in_a_combined_answer_is_no_sample_answer(demo_kb) -> None:  # type: ignore[no-untyped-def]
    assert "sample_requested" not in run(demo_kb, "FOB, no preference", expecting="incoterm").slots


def test_an_incoterm_place_completes_a_destination_known_by_country(demo_kb) -> None:  # type: ignore[no-untyped-def]
    state = {"destination": {"country": "BR", "place": None}}
    found = run(demo_kb, "DAP Recife, T/T, Sim", state, expecting="incoterm")
    assert found.slots["incoterm"] == "DAP"
    assert found.slots["destination"] == {"country": "BR", "place": "Recife"}


def test_two_high_cube_containers_in_chinese(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "你好，我们需要两个40尺高柜的T8玻璃灯管，600mm 9W。")
    (item,) = found.slots["items"]
    assert (item["sku"], item["quantity"], item["unit"]) == ("T8-G-600-9W", "2", "containers")
    answer = run(demo_kb, "两个40尺高柜", expecting="quantity")
    assert answer.slots["quantity"] == {"quantity": "2", "unit": "containers"}


def test_a_target_price_in_canadian_dollars_written_the_french_way(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "Bonjour, je cherche un prix pour 5 000 pièces DL-SLIM6-12W-NA, prix cible 8,50 $ CA "
        "l'unité.",
    )
    (item,) = found.slots["items"]
    assert item["target_price"] == {"amount": "8.50", "currency": "CAD"}


def test_a_name_with_dos_is_no_quantity(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "Olá, sou o Edson dos Santos e precisamos de 500 painéis 600x600 40W")
    assert found.slots["contact_name"] == "Edson dos Santos"
    assert [i["quantity"] for i in found.slots["items"]] == ["500"]


@pytest.mark.parametrize(
    "text",
    [
        "Hello, our hospital group needs 600x600 panels with a 3-hour emergency pack.",
        "Buenas tardes, somos una clínica en Bogotá y necesitamos paneles de 60x60 con kit de "
        "emergencia de 3 horas.",
        "Olá, somos um hospital em Curitiba e precisamos de painéis 60x60 com kit de emergência "
        "de 3 horas.",
        "Wir brauchen Panels 600x600 mit Notlicht-Set",
        "Nous voulons des panneaux 600x600 avec kit de secours 3 heures",
        "我们需要带应急电源的面板灯",
    ],
)
def test_panels_with_an_emergency_kit_are_the_emergency_panel(demo_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, text)
    product = found.slots.get("product") or found.slots["items"][0]
    assert product["sku"] == "PNL-6060-40W-EM"
    assert "items" not in found.slots or len(found.slots["items"]) == 1  # the kit is no item


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("200 emergency modules", "pcs"),
        ("200 kits de emergencia", "sets"),
        ("200 kits de emergência", "sets"),
        ("200 Notlichtmodule", "pcs"),
        ("200 modules de secours", "pcs"),
        ("200个应急电源", "pcs"),
    ],
)
def test_the_emergency_kit_on_its_own_in_every_language(demo_kb, text: str, unit: str) -> None:  # type: ignore[no-untyped-def]
    (item,) = run(demo_kb, text).slots["items"]
    assert (item["sku"], item["quantity"], item["unit"]) == ("DRV-EM-3H", "200", unit)


def test_a_duration_is_no_quantity_and_a_count_after_with_is_another_item(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "We need 500 T8 tubes with 200 floodlights")
    assert [i["quantity"] for i in found.slots["items"]] == ["500", "200"]


def test_french_recessed_downlights_are_downlights(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "Je cherche un prix pour 5 000 encastrés minces de 6 pouces, 12 W")
    (item,) = found.slots["items"]
    assert (item["category"], item["quantity"]) == ("downlight", "5000")
    found = run(
        demo_kb,
        "Bonjour, je cherche un prix pour 5 000 encastrés minces de 6 pouces (DL-SLIM6-12W-NA), "
        "prix cible 8,50 $ CA l'unité.",
    )
    (item,) = found.slots["items"]
    assert (item["sku"], item["quantity"]) == ("DL-SLIM6-12W-NA", "5000")
    assert item["target_price"] == {"amount": "8.50", "currency": "CAD"}


PENDING_PANEL = {"description": "PNL-6060-40W", "sku": "PNL-6060-40W", "category": "panel"}


@pytest.mark.parametrize(
    ("text", "pending"),
    [
        ("Kurze Frage: Ist das Panel flimmerfrei?", PENDING_PANEL),
        ("Question rapide : ce panneau est-il sans scintillement ?", PENDING_PANEL),
        ("¿Cuál es el pedido mínimo de este panel?", {"description": "paneles", "sku": None}),
        ("Qual é o pedido mínimo desse painel?", {"sku": "PNL-6060-40W-EM"}),
        (
            "Avant de continuer : quelle garantie offrez-vous sur les luminaires d'éclairage "
            "public ?",
            {"description": "SL-M-60W", "sku": "SL-M-60W", "category": "street_light"},
        ),
    ],
)
def test_a_side_question_about_the_product_in_hand_sets_nothing(  # type: ignore[no-untyped-def]
    demo_kb, text: str, pending: dict[str, Any]
) -> None:
    found = run(demo_kb, text, {"product": pending}, expecting="quantity")
    assert is_question(text)
    assert not found.slots  # so the form answers the question, then asks again


def test_another_model_of_the_product_in_hand_still_replaces_it(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb, "Actually the 600x600 emergency panels", {"product": PENDING_PANEL}, "quantity"
    )
    assert found.slots["product"]["sku"] == "PNL-6060-40W-EM"


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Kurze Frage: ist das Panel flimmerfrei", True),
        ("Antes de continuar: qual é a garantia", True),
        ("offrez-vous une garantie sur les lampadaires", True),
        ("flimmerfrei?", True),
        ("Jean-Pierre Dupont", False),
        ("Saint-Étienne, France", False),
        ("Hamburg: CIF", False),
    ],
)
def test_questions_after_a_lead_in_or_with_french_inversion(text: str, question: bool) -> None:
    assert is_question(text) is question


@pytest.mark.parametrize(
    ("text", "tube", "tubes", "drivers"),
    [
        (
            "你好，请报价：T8玻璃灯管1200mm 18W一万支，另外DRV-CC-40W驱动一千个，FOB宁波。",
            "T8-G-1200-18W",
            "10000",
            "1000",
        ),
        (
            "We need 2000 T8 glass tubes 1200mm 18W, also 300 DRV-CC-40W drivers",
            "T8-G-1200-18W",
            "2000",
            "300",
        ),
        (
            "Necesitamos 2000 tubos T8 de vidrio 1200mm 18W, además 300 DRV-CC-40W",
            "T8-G-1200-18W",
            "2000",
            "300",
        ),
    ],
)
def test_a_model_number_after_also_is_another_item(  # type: ignore[no-untyped-def]
    demo_kb, text: str, tube: str, tubes: str, drivers: str
) -> None:
    """The spec words after one product end where another is added ("另外", "also"), and Chinese
    describing words before the noun ("T8玻璃灯管") name the model; a count right after Latin
    letters ("18W一万支") is a count."""
    items = run(demo_kb, text).slots["items"]
    assert [(i["sku"], i["quantity"]) for i in items] == [(tube, tubes), ("DRV-CC-40W", drivers)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We need 500 PNL-6060-40W and 300 DRV-CC-40W",
            [("PNL-6060-40W", "500"), ("DRV-CC-40W", "300")],
        ),
        ("500 x PNL-6060-40W", [("PNL-6060-40W", "500")]),
        ("Brauchen 1.000 PNL-6060-40W", [("PNL-6060-40W", "1000")]),
    ],
)
def test_a_bare_count_before_a_model_number(
    demo_kb, text: str, expected: list[tuple[str, str]]
) -> None:  # type: ignore[no-untyped-def]
    items = run(demo_kb, text).slots["items"]
    assert [(i["sku"], i["quantity"]) for i in items] == expected


def test_a_size_before_a_model_number_is_no_count(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "Do you have 1200mm PNL-6060-40W?")
    assert "items" not in found.slots


def test_a_city_named_like_a_month_is_no_date(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "Vai para o Rio de Janeiro, Precisamos até o fim de março de 2027",
        expecting="destination",
    )
    assert found.slots["destination"] == {"country": "BR", "place": "Rio de Janeiro"}
    assert found.slots["required_by"] == "2027-03-31"


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("2.000 tubos T8 de vidrio de 150 cm y 22 W", "T8-G-1500-22W"),  # "y" between specs
        ("1000 plafons LED de sobrepor redondos de 24 W", "DL-SURF-R-24W"),
        ("1000 Aufbauleuchten rund 24W", "DL-SURF-R-24W"),
        ("1000个24W吸顶灯", "DL-SURF-R-24W"),
    ],
)
def test_specs_and_surface_lights_name_the_model(demo_kb, text: str, sku: str) -> None:  # type: ignore[no-untyped-def]
    (item,) = run(demo_kb, text).slots["items"]
    assert item["sku"] == sku


def test_a_model_number_later_in_the_message_completes_the_item(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb,
        "Olá, preciso de preço para 800 drivers programáveis para iluminação pública, "
        "DRV-STR-150W-P, FOB Ningbo.",
    )
    (item,) = found.slots["items"]
    assert (item["sku"], item["quantity"]) == ("DRV-STR-150W-P", "800")


@pytest.mark.parametrize(
    "text",
    ["Desculpe, prefiro CIF Manaus em vez de FOB.", "Sorry, CIF Manaus instead of FOB please"],
)
def test_an_incoterm_place_ends_before_instead_of(demo_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, text, state={"incoterm": "FOB"}, expecting="destination")
    assert found.slots["incoterm"] == "CIF"
    assert found.slots["destination"] == {"country": "BR", "place": "Manaus"}
    assert "destination" not in found.errors


def test_specs_after_with_still_describe_the_product(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "Wir benötigen 1.200 Einlegepanels 600x600 mit UGR<19, 30 W.")
    (item,) = found.slots["items"]
    assert (item["sku"], item["quantity"]) == ("PNL-6060-30W-UGR19", "1200")
