"""Answers in the buyer's language: composed answers wholly in it, retrieved English text quoted
after an introduction in it that names the source, text already in it said as it is."""

from __future__ import annotations

import shutil

import pytest

from i18n import LANGUAGES, catalog
from i18n.detect import detect
from knowledge.answers import answer
from knowledge.attributes import ATTRIBUTES
from knowledge.index import KnowledgeBase

from .conftest import FIXTURE_SOURCE

SPANISH_DOC = """---
title: "Garantía de los paneles LED"
topic: warranty
---

## Reclamaciones de garantía

Las reclamaciones de garantía se resuelven en un plazo de diez días hábiles: enviamos piezas de
reposición con el siguiente pedido o abonamos su importe en la factura siguiente.
"""


@pytest.fixture(scope="module")
def kb_with_spanish_doc(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    from knowledge.ingest import ingest

    root = tmp_path_factory.mktemp("kb-es")
    source = root / "source"
    shutil.copytree(FIXTURE_SOURCE, source)
    (source / "docs" / "garantia.md").write_text(SPANISH_DOC, encoding="utf-8")
    ingest(source, root / "index")
    return KnowledgeBase.load(root / "index")


def test_spanish_question_gets_english_evidence_after_a_spanish_introduction(
    kb: KnowledgeBase,
) -> None:
    result = answer(kb, "¿Qué Incoterms ofrecen?", language="es")
    assert result.confident
    introduction, quoted = result.text.split("\n", 1)
    assert introduction == (
        "Según nuestro documento «Shipping and Incoterms», apartado «Incoterms we quote» "
        "(texto original en inglés):"
    )
    assert quoted.startswith("We quote FOB Ningbo by default")
    assert result.sources == ["Document 'Shipping and Incoterms' § Incoterms we quote"]


def test_product_evidence_is_introduced_as_the_product_record(kb: KnowledgeBase) -> None:
    spanish = answer(kb, "¿El PNL-6060-40W sirve para oficinas?", language="es")
    assert spanish.text.startswith(
        "Según nuestra ficha del producto PNL-6060-40W (texto original en inglés):\n"
    )
    assert "offices and schools" in spanish.text  # the evidence, as written
    chinese = answer(kb, "PNL-6060-40W 适合什么场所？", language="zh")
    assert chinese.text.startswith("根据我们的 PNL-6060-40W 产品资料（英语原文）：\n")


def test_evidence_in_the_buyers_language_is_said_as_it_is(
    kb_with_spanish_doc: KnowledgeBase,
) -> None:
    result = answer(
        kb_with_spanish_doc, "¿Cómo se resuelven las reclamaciones de garantía?", language="es"
    )
    assert result.text.startswith("Según nuestra documentación: Las reclamaciones de garantía")
    assert result.text.endswith(
        "(fuente: documento «Garantía de los paneles LED», apartado «Reclamaciones de garantía»)."
    )
    # the same knowledge base to a French buyer: the English warranty text, introduced
    french = answer(
        kb_with_spanish_doc,
        "Comment les réclamations de garantie sont-elles traitées ?",
        language="fr",
    )
    assert french.text.split("\n", 1)[0].endswith("(texte original en anglais) :")


def test_a_german_spec_lookup_is_wholly_german(kb: KnowledgeBase) -> None:
    result = answer(kb, "Wie schwer ist der FL-SP-200W und welche Schutzart hat er?", language="de")
    assert result.confident
    assert result.text == (
        "Der FL-SP-200W wiegt 6,8 kg. Die Schutzart des FL-SP-200W ist IP66 "
        "(Quelle: Produktdatenblatt FL-SP-200W)."
    )
    assert detect(result.text) == "de"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Conditionnement du PNL-6060-40W : unités par carton : 4 ; "),
        ("pt", "Embalagem do PNL-6060-40W: unidades por caixa: 4; "),
        ("zh", "PNL-6060-40W 的包装：每箱数量：4；"),
        ("es", "Embalaje del PNL-6060-40W: unidades por caja: 4; "),
    ],
)
def test_structured_values_are_named_in_the_buyers_language(
    kb: KnowledgeBase, language: str, expected: str
) -> None:
    result = answer(kb, "PNL-6060-40W packaging", language=language)
    assert result.text.startswith(expected)
    assert ("12,5" if language != "zh" else "12.5") in result.text  # the carton's gross weight


def test_numbers_and_units_follow_the_language(kb: KnowledgeBase) -> None:
    german = answer(kb, "Wie lange ist die Lebensdauer des PNL-6060-40W?", language="de")
    assert "50.000 Stunden" in german.text
    french = answer(kb, "Quelle est la garantie du T8-AB-1200-18W ?", language="fr")
    assert french.text == (
        "La garantie du T8-AB-1200-18W est de 2 ans (source : fiche produit T8-AB-1200-18W)."
    )


def test_compliance_is_composed_in_the_buyers_language(kb: KnowledgeBase) -> None:
    spanish = answer(kb, "¿Puedo vender el PNL-6060-40W en el Reino Unido?", language="es")
    assert spanish.text.startswith("Sí: el PNL-6060-40W cuenta con CE; con ello cumple")
    assert (
        "(Reino Unido: UKCA)" in spanish.text
        and "allí se acepta CE en lugar de UKCA" in spanish.text
    )
    assert spanish.sources == ["ficha del producto PNL-6060-40W", "requisitos del mercado GB"]
    portuguese = answer(kb, "Posso vender o PNL-6060-40W nos Estados Unidos?", language="pt")
    assert "para o mercado de destino (Estados Unidos) também é preciso ter UL, FCC" in (
        portuguese.text
    )
    german = answer(kb, "Kann ich den PNL-6060-40W in den USA verkaufen?", language="de")
    assert "für den Zielmarkt Vereinigte Staaten benötigen Sie zusätzlich UL, FCC" in german.text


def test_a_market_note_in_english_is_introduced_as_english(kb: KnowledgeBase) -> None:
    result = answer(kb, "¿Qué certificaciones necesito para vender en Australia?", language="es")
    assert result.text.startswith(
        "Certificaciones obligatorias en el mercado de destino (Australia): SAA "
        "(fuente: requisitos del mercado AU)."
    )
    assert "Nuestra nota sobre este mercado (en inglés): SAA certificate" in result.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_dont_know_in_every_language(kb: KnowledgeBase, language: str) -> None:
    result = answer(kb, "Who won the football world cup?", language=language)
    assert not result.confident
    assert result.text == catalog(language)["answers.dont_know"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_attribute_has_its_sentence_and_name(language: str) -> None:
    """Its own sentence ("The X's IP rating is IP65"), or the general one ("The X's power
    factor: >0.9"), and its name for "our data for X does not give the ..."."""
    messages = catalog(language)
    assert "answers.spec_field" in messages and "answers.spec_missing" in messages
    for attribute in ATTRIBUTES:
        if attribute.key == "certifications":
            continue  # said with the product's certifications, not as one value
        assert f"answers.attribute.{attribute.key}" in messages, attribute.key


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("Ce panneau PNL-6060-40W est-il sans scintillement ?", "fr", "flicker"),
        ("Quel est le délai des échantillons du PNL-6060-40W ?", "fr", "sample_lead_time_days"),
        ("Qual é o pedido mínimo do PNL-6060-40W?", "pt", "moq"),
        ("Qual é o código NCM do PNL-6060-40W?", "pt", "hs_code"),
    ],
)
def test_french_and_portuguese_spec_questions_are_answered_from_the_record(
    kb: KnowledgeBase, question: str, language: str, expected: str
) -> None:
    from knowledge.attributes import find_attributes

    assert find_attributes(question) == [expected]
    result = answer(kb, question, language=language)
    assert result.confident
    assert result.sources and "PNL-6060-40W" in result.sources[0]
    assert detect(result.text) == language


@pytest.mark.parametrize(
    ("question", "language", "start"),
    [
        (
            "What warranty do you give on your street lights?",
            "en",
            "The warranty of our street lights: ",
        ),
        (
            "Welche Garantie gebt ihr auf Straßenleuchten?",
            "de",
            "Garantie unserer Straßenleuchten: ",
        ),
        ("¿Qué garantía ofrecen en las farolas?", "es", "Garantía de nuestra gama de farolas: "),
        ("路灯的质保期是多久？", "zh", "我们各款路灯的质保期："),
    ],
)
def test_a_question_about_a_whole_range_lists_its_records(
    demo_kb: KnowledgeBase, question: str, language: str, start: str
) -> None:
    """The demo catalog's street lights, each named with its value."""
    result = answer(demo_kb, question, language=language)
    assert result.confident
    assert result.text.startswith(start), result.text
    street_lights = [p["sku"] for p in demo_kb.products if p.get("category") == "street_light"]
    assert len(street_lights) > 3
    assert all(sku in result.text for sku in street_lights)
