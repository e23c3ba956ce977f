"""The Rasa domain's RFQ slots and form are the registry's (sales/rfq/fields.py)."""

from __future__ import annotations

from sales.rfq import domain, fields
from sales.rfq.state import BUYER_SLOTS, DRAFT_SLOTS, FIELDS


def test_the_domain_file_is_what_the_registry_says() -> None:
    written = domain.DOMAIN_FILE.read_text(encoding="utf-8")
    assert written == domain.render(), "run `python -m sales.rfq.domain` and commit the file"


def test_the_form_asks_the_items_then_every_field_in_the_registrys_order() -> None:
    required = domain.required_slots()
    assert required[: len(fields.ITEM_FIELDS)] == list(fields.ITEM_FIELDS)
    assert [name for name in required if name in fields.BY_NAME] == list(FIELDS)


def test_every_slot_the_actions_keep_is_declared_once() -> None:
    slots = domain.domain()["slots"]
    assert set(DRAFT_SLOTS) | set(BUYER_SLOTS) <= set(slots)
    declared = [
        *fields.ITEM_SLOTS,
        *fields.BY_NAME,
        *fields.ASKED_WITH,
        *fields.READ_TOO,
        *fields.BOOKKEEPING,
    ]
    assert len(declared) == len(set(declared)) == len(slots)
