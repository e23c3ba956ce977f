"""The RFQ's fields, in one place: what the form asks, in which order and groups, and what a
buyer who declines a field gets.

The form's order (`state.FIELDS`), its question groups (`state.QUESTION_GROUPS`), the repairs
(`sales.rfq.repairs`), the handoff summary (`actions.handoff`) and the Rasa domain's RFQ slots
and form (`bot/domain/rfq_fields.yml`, written by `python -m sales.rfq.domain`; a test checks it
is current) are derived from :data:`ASKED`, :data:`ITEM_SLOTS`, :data:`ASKED_WITH`,
:data:`READ_TOO` and :data:`BOOKKEEPING`.

- ``group``: fields asked in one question while more than one of them is missing.
- ``optional``: a decline ("no preference", "skip", "不用") is an answer: the field is left
  empty and not asked again. A required field that is declined is explained once, and on a
  second decline (or a second answer that cannot be read) the form goes on without it, keeping
  the buyer's words for the sales team.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    group: str
    optional: bool = False
    # the Rasa slot's type: "text", "bool" or "any" (a JSON value: a dict, a list)
    slot_type: str = "text"


ASKED: tuple[Field, ...] = (
    Field("destination", "where_when", slot_type="any"),
    Field("required_by", "where_when"),
    Field("incoterm", "terms", optional=True),
    Field("payment_terms", "terms", optional=True),
    Field("sample_requested", "terms", optional=True, slot_type="bool"),
    Field("certifications", "certifications", optional=True, slot_type="any"),
    Field("contact_name", "contact"),
    Field("company", "contact"),
    Field("email", "contact"),
    Field("business_type", "contact", optional=True),
)
# The items: the list, and the product and count being asked for (dicts).
ITEM_SLOTS = {"items": "any", "product": "any", "quantity": "any"}
# Read from the buyer's messages besides the fields, with the slot's type.
READ_TOO = {
    "incoterm_place": "text",  # "FOB Shenzhen": the named place of an Incoterm
    "payment_detail": "text",  # "30% deposit, 70% against B/L copy"
    "notes": "text",
    "contact_confirmed": "bool",  # a second request: the same contact details?
    "phone_declined": "bool",
}
# Kept by the actions only, never read from a message.
BOOKKEEPING = {
    "rfq_errors": "any",  # why the last answer could not be taken, by field
    "rfq_failures": "any",  # failed asks, by field
    "rfq_skipped": "any",  # fields gone on without: the buyer's words, or ""
    "rfq_pending_quantity": "any",  # a count correction waiting for "which product?"
    "rfq_id": "text",
    "rfq_extracted_for": "text",  # the message the facts were last read from
    "last_inquiry": "text",
}
# Asked with a group, never alone: phone with the contact details (a text slot).
ASKED_WITH = {"phone": "contact"}
BY_NAME = {f.name: f for f in ASKED}
# Intents whose messages hold no RFQ facts ("why?", "stop", "say that again").
NOT_FACTS_INTENTS = ("ask_why", "help", "stop", "resume", "bot_challenge", "goodbye", "repeat")
# The item fields: asked until given (a product the catalog lacks keeps the buyer's words).
ITEM_FIELDS = ("product", "quantity")


def group_of(name: str) -> tuple[str, ...]:
    """The fields asked together with ``name`` (itself included), in the form's order."""
    field = BY_NAME.get(name)
    if field is None:
        return (name,)
    return tuple(f.name for f in ASKED if f.group == field.group)


def asked_with(name: str) -> tuple[str, ...]:
    """The optional fields asked along with ``name``'s group, never alone ("phone")."""
    field = BY_NAME.get(name)
    return tuple(f for f, group in ASKED_WITH.items() if field and group == field.group)


def groups() -> tuple[tuple[str, ...], ...]:
    seen: dict[str, tuple[str, ...]] = {}
    for field in ASKED:
        seen.setdefault(field.group, group_of(field.name))
    return tuple(g for g in seen.values() if len(g) > 1)


def is_optional(name: str) -> bool:
    return name in ASKED_WITH or (name in BY_NAME and BY_NAME[name].optional)
