"""The field registry against everything that lists RFQ fields: the Rasa domain, the form, the
catalog's questions and explanations."""

from __future__ import annotations

from pathlib import Path

import yaml

from i18n import DEFAULT_LANGUAGE, catalog
from sales.rfq import fields
from sales.rfq.state import BUYER_SLOTS, DRAFT_SLOTS, FIELDS, QUESTION_GROUPS

DOMAIN = yaml.safe_load(
    (Path(__file__).resolve().parents[3] / "bot" / "domain" / "rfq_fields.yml").read_text()
)


def test_the_form_asks_every_registry_field_in_order() -> None:
    required = DOMAIN["forms"]["rfq_form"]["required_slots"]
    asked = [name for name in required if name in fields.BY_NAME]
    assert asked == list(FIELDS)
    assert set(fields.ITEM_FIELDS) <= set(required)


def test_every_field_and_bookkeeping_slot_is_a_domain_slot() -> None:
    slots = set(DOMAIN["slots"])
    assert set(FIELDS) | set(fields.ASKED_WITH) <= slots
    assert set(DRAFT_SLOTS) | set(BUYER_SLOTS) <= slots


def test_groups_come_from_the_registry() -> None:
    assert QUESTION_GROUPS == (
        ("destination", "required_by"),
        ("incoterm", "payment_terms", "sample_requested"),
        ("contact_name", "company", "email", "business_type"),
    )
    for group in QUESTION_GROUPS:
        for name in group:
            assert fields.group_of(name) == group


def test_every_field_has_its_question_words_and_its_why() -> None:
    english = catalog(DEFAULT_LANGUAGE)
    for name in FIELDS:
        assert f"rfq.asked_as.{name}" in english
        assert f"rfq.why.{name}" in english


def test_optional_fields() -> None:
    assert {f.name for f in fields.ASKED if f.optional} == {
        "incoterm",
        "payment_terms",
        "sample_requested",
        "certifications",
        "business_type",
    }
    assert fields.is_optional("phone")
    assert not fields.is_optional("email")


def test_every_field_has_a_line_in_the_summary_and_a_place_in_the_record() -> None:
    from sales.rfq.state import summary, to_draft

    complete = {
        "items": [{"description": "panel", "sku": "PNL-6060-40W", "quantity": "500"}],
        "destination": {"country": "DE", "place": "Hamburg"},
        "required_by": "2027-03-15",
        "incoterm": "CIF",
        "payment_terms": "LC",
        "sample_requested": True,
        "certifications": ["CE"],
        "contact_name": "Jana Weber",
        "company": "Nordlicht GmbH",
        "email": "jana@nordlicht.example",
        "business_type": "distributor",
        "phone": "+49 40 1234567",
    }
    assert set(FIELDS) | set(fields.ASKED_WITH) <= set(complete)
    for name in (*FIELDS, *fields.ASKED_WITH):
        without = {**complete, name: None}
        assert summary(without) != summary(complete), f"{name} has no summary line"
        assert to_draft(without, session_id=None, language="en") != to_draft(
            complete, session_id=None, language="en"
        ), f"{name} is not stored"
