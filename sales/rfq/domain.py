"""The Rasa domain's RFQ slots and form, derived from the field registry (`sales.rfq.fields`).

``python -m sales.rfq.domain`` writes `bot/domain/rfq_fields.yml` (the engine reads YAML, not
this package); tests/sales/rfq/test_domain.py fails when the file is not what the registry says,
so a field added to the registry reaches the form, its slot and the summary together.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from sales.rfq import fields

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "bot" / "domain" / "rfq_fields.yml"
# Messages the extraction action is not called for: no facts, or a price negotiation (a person
# takes it, by rule).
NOT_FACTS = [*fields.NOT_FACTS_INTENTS, "negotiate"]
EXTRACTION = "action_extract_rfq_facts"
HEADER = (
    "# Written by `python -m sales.rfq.domain` from sales/rfq/fields.py: do not edit by hand.\n"
    "# The RFQ form's slots and the order it asks them in.\n"
)


# Rasa calls the extraction for a message only outside a form: during the form
# validate_rfq_form reads the message in its own call (one webhook call a form turn).
OUTSIDE_FORMS = [{"active_loop": None}]


def _slot(slot_type: str, *, read: bool) -> dict[str, Any]:
    mapping: dict[str, Any] = {"type": "custom"}
    if read:
        mapping |= {
            "action": EXTRACTION,
            "not_intent": list(NOT_FACTS),
            "conditions": list(OUTSIDE_FORMS),
        }
    return {"type": slot_type, "influence_conversation": False, "mappings": [mapping]}


def required_slots() -> list[str]:
    """What the form asks, in order: the product and its count, each field (a second request
    first confirms the contact details), and the items last (the form's own completeness)."""
    asked: list[str] = list(fields.ITEM_FIELDS)
    for field in fields.ASKED:
        if field.name == "contact_name":
            asked.append("contact_confirmed")
        asked.append(field.name)
    return [*asked, "items"]


def domain() -> dict[str, Any]:
    slots: dict[str, Any] = {
        name: _slot(kind, read=True) for name, kind in fields.ITEM_SLOTS.items()
    }
    slots |= {f.name: _slot(f.slot_type, read=True) for f in fields.ASKED}
    slots |= {name: _slot("text", read=True) for name in fields.ASKED_WITH}
    slots |= {name: _slot(kind, read=True) for name, kind in fields.READ_TOO.items()}
    slots |= {name: _slot(kind, read=False) for name, kind in fields.BOOKKEEPING.items()}
    return {
        "version": "3.1",
        "slots": slots,
        "forms": {"rfq_form": {"required_slots": required_slots()}},
    }


def render() -> str:
    return HEADER + yaml.safe_dump(domain(), sort_keys=False, allow_unicode=True, width=100)


def main() -> None:
    DOMAIN_FILE.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOMAIN_FILE}\n")


if __name__ == "__main__":
    main()
