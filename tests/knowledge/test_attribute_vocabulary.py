"""The attribute table is complete against the product records: every field a record of the
demo catalogue has is answered by some attribute, and every attribute has its label in the six
message catalogs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from i18n import catalog
from knowledge.answers import _attribute_value, certification_notes, value_text
from knowledge.attributes import ATTRIBUTES, BY_KEY, find_attributes

PRODUCTS = Path(__file__).resolve().parents[2] / "knowledge" / "demo" / "products.yaml"
LANGUAGES = ("en", "zh", "es", "de", "fr", "pt")
# what a record is, not something asked of it
NOT_ATTRIBUTES = {"sku", "name", "category", "summary"}


def _records() -> list[dict[str, Any]]:
    return yaml.safe_load(PRODUCTS.read_text(encoding="utf-8"))["products"]


def _fields() -> list[str]:
    return sorted({name for record in _records() for name in record} - NOT_ATTRIBUTES)


def test_every_record_field_has_an_attribute() -> None:
    answered = {name for attribute in ATTRIBUTES for name in attribute.fields}
    assert [name for name in _fields() if name not in answered] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_attribute_has_a_label(lang: str) -> None:
    messages = catalog(lang)
    missing = [a.key for a in ATTRIBUTES if not messages.get(f"answers.attribute.{a.key}")]
    assert missing == []


def _said(record: dict[str, Any], name: str) -> bool:
    """Whether an answer of some attribute that lists ``name`` carries the record's value."""
    wanted = value_text(record[name], "en")
    for attribute in ATTRIBUTES:
        if name not in attribute.fields:
            continue
        if attribute.key == "certifications":
            said = ", ".join(record.get("certifications") or [])
            said += " ".join(certification_notes(record, "en"))
        else:
            said = _attribute_value(record, attribute.key, "en") or ""
        if wanted in said:
            return True
    return False


def test_every_record_value_reaches_an_answer() -> None:
    """A field listed under an attribute is also said by it (an extra field a main field hides
    in every record would be listed for nothing)."""
    unsaid = [
        f"{record['sku']}.{name}"
        for record in _records()
        for name in record
        if name not in NOT_ATTRIBUTES
        and record[name] not in (None, "", [])
        and not _said(record, name)
    ]
    assert unsaid == []


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("Is the T8-G-1200-18W single-end or double-end powered?", "wiring"),
        ("T8-G-1200-18W 是单端进电还是双端进电？", "wiring"),
        ("¿El T8-G-600-9W tiene alimentación por un extremo?", "wiring"),
        ("Ist die T8-AP-1200-18W für einseitige Einspeisung?", "wiring"),
        ("Quel câblage pour le T5-G-1149-16W ?", "wiring"),
        ("Qual é o tipo de ligação do T8-HE-1200-14W?", "wiring"),
        ("Which standards is the PNL-2X2-40W tested to?", "standards"),
        ("DRV-CC-40W 的执行标准是什么？", "standards"),
        ("Nach welcher Norm ist das DRV-EM-3H geprüft?", "standards"),
        ("What protections does the DRV-CV-100W-24V have?", "protections"),
        ("¿El DRV-CC-40W tiene protección contra cortocircuito?", "protections"),
        ("Hat der DRV-CC-40W einen Kurzschlussschutz?", "protections"),
        ("DRV-CC-40W 有过温保护吗？", "protections"),
        ("What is the dimming range of the DRV-TRIAC-20W?", "dimming"),
        ("Welchen Dimmbereich hat der DRV-DALI-40W?", "dimming"),
        ("Quel groupe de risque pour le PNL-6060-30W-UGR19 ?", "photobiological_safety"),
        ("PNL-6060-30W-UGR19 有蓝光危害吗？", "photobiological_safety"),
        ("Is the DL-FR90-9W fire rated?", "fire_rating"),
        ("Ist der DL-FR90-9W überdämmbar?", "insulation_contact"),
        ("Is the DL-SLIM6-12W-NA IC rated?", "insulation_contact"),
        ("Is the DL-SLIM6-12W-NA Title 24 compliant?", "title24"),
        ("Is the T8-AB-1200-15W rated for damp locations?", "wet_location"),
        ("O FL-NA-150W serve para locais molhados?", "wet_location"),
        ("Does the DRV-EM-3H have a self-test?", "self_test"),
        ("Le DRV-EM-3H a-t-il un autotest ?", "self_test"),
        ("Do you do a DIALux lighting design with the FL-SP-400W?", "lighting_design"),
        ("¿Hacen estudio luminotécnico para el FL-SP-1000W?", "lighting_design"),
        ("What are the target markets of the SL-EC-60W?", "target_markets"),
        ("Is the DRV-010V-150W-HB a UL recognized component?", "certifications"),
        ("Can the DL-FR90-9W switch CCT with a CCT selector?", "cct_options"),
    ],
)
def test_record_fields_are_named_in_six_languages(question: str, key: str) -> None:
    assert find_attributes(question) == [key]
    assert key in BY_KEY


@pytest.mark.parametrize(
    "question",
    [
        "What is the weight of the DRV-DALI-40W?",  # a model number is no attribute word
        "What is the weight of the DRV-TRIAC-20W?",
        "Is there a surcharge for the FL-SL-100W in black?",  # not an overload protection
    ],
)
def test_model_numbers_and_trade_words_name_no_new_attribute(question: str) -> None:
    assert find_attributes(question) in (["weight_kg"], [])
