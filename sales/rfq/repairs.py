"""Conversation repair for the RFQ form: a decline, an answer the form cannot read.

The invariants this keeps (and tests/sales/rfq/test_repairs.py checks over generated answers):

- a decline ("skip", "no", "none", "no phone number, thanks", "不用", "sin teléfono") never
  cancels the request and never becomes a value: an optional field is left empty at once, a
  required one is explained once;
- the same question is asked at most twice: after a second answer that cannot be read (or a
  second decline) the form goes on without the fields of that question, keeping the buyer's
  words for the sales team, and offers a person.

Field names and groups come from `sales.rfq.fields`; sentences are ``Msg`` of the catalog's
``rfq.repair`` area, localised by the action.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from i18n import Msg
from i18n.lexicon import is_decline, mentions
from sales.normalizers.local_text import list_text
from sales.rfq import fields
from sales.rfq.state import SKIPPED, still_missing_with

MAX_ASKS = 2
# What is kept of an unreadable answer for the sales team.
KEPT_CHARS = 300


@dataclass
class Repair:
    """Slot changes and what to tell the buyer."""

    changes: dict[str, Any] = field(default_factory=dict)
    said: list[Msg] = field(default_factory=list)
    # the decline or the answer counts as one failed ask of the question
    failed: bool = True


def _skipping(slots: Mapping[str, Any], names: list[str], words: str = "") -> dict[str, Any]:
    skipped = dict(slots.get(SKIPPED) or {})
    for i, name in enumerate(names):
        skipped.setdefault(name, words if i == 0 else "")
    return {SKIPPED: skipped}


def declined(requested: str, slots: Mapping[str, Any], text: str) -> Repair | None:
    """The buyer declined the open question; None when ``text`` is no decline."""
    if not is_decline(text):
        return None
    open_fields = still_missing_with(requested, slots)
    phone_open = (
        "phone" in fields.asked_with(requested)
        and slots.get("phone") is None
        and not slots.get("phone_declined")
    )
    if phone_open and mentions("phone_words", text):
        # "no phone number, thanks": the optional part only; the rest is asked again
        return Repair({"phone_declined": True}, [Msg("rfq.repair.declined_optional")], failed=False)
    optional = [f for f in open_fields if fields.is_optional(f)]
    changes = _skipping(slots, optional) if optional else {}
    if phone_open:
        changes["phone_declined"] = True
    if all(fields.is_optional(f) for f in open_fields):
        return Repair(changes, [Msg("rfq.repair.declined_optional")], failed=False)
    why = Msg(f"rfq.why.{requested}")
    return Repair(changes, [Msg("rfq.repair.declined_required", why=why)])


def give_up(requested: str, slots: Mapping[str, Any], text: str) -> Repair:
    """The second failed ask: go on without the question's fields, keeping the buyer's words
    (unless they were a decline) for the sales team (the form offers a person too)."""
    if requested == "quantity":
        return _quantity_to_confirm(slots, text)
    open_fields = [f for f in still_missing_with(requested, slots) if f in fields.BY_NAME]
    words = "" if is_decline(text) else text.strip()[:KEPT_CHARS]
    if words:
        said = Msg("rfq.repair.noted_as_written", text=words)
    else:
        listed = list_text([Msg(f"rfq.asked_as.{f}") for f in open_fields], style="standard")
        said = Msg("rfq.repair.going_on_without", fields=listed)
    return Repair(_skipping(slots, open_fields, words), [said])


def _quantity_to_confirm(slots: Mapping[str, Any], text: str) -> Repair:
    """A buyer who cannot say how many (yet): the product becomes an item whose quantity is to
    be confirmed, with the buyer's words for the sales team; such a request is quoted by a
    person, never priced on a guessed count."""
    product = dict(slots.get("product") or {})
    words = "" if is_decline(text) else text.strip()[:KEPT_CHARS]
    item = {**product, "quantity": None, "unit": None, "target_price": None}
    if words:
        item["quantity_as_written"] = words
    what = product.get("sku") or product.get("description") or ""
    return Repair(
        {"items": [*(slots.get("items") or []), item], "product": None, "quantity": None},
        [Msg("rfq.repair.quantity_to_confirm", product=what)],
    )


def can_go_on_without(requested: str | None, slots: Mapping[str, Any]) -> bool:
    """Every field can be gone on without, and so can the count of a product in hand (it is
    then to be confirmed); the product itself is asked until given (one we do not list keeps
    the buyer's words)."""
    if requested == "quantity":
        return bool(slots.get("product"))
    return requested in fields.BY_NAME
