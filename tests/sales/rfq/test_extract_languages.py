"""One RFQ message in each of the six languages fills the same facts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sales.i18n import LANGUAGES, localize
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
