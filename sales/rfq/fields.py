"""The RFQ's fields, in one place: what the form asks, in which order and groups, and what a
buyer who declines a field gets.

The form's order (`state.FIELDS`), its question groups (`state.QUESTION_GROUPS`) and the
repairs (`sales.rfq.repairs`) are derived from :data:`ASKED`; a test checks the Rasa domain's
slots and form against it (tests/sales/rfq/test_fields.py).

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


ASKED: tuple[Field, ...] = (
    Field("destination", "where_when"),
    Field("required_by", "where_when"),
    Field("incoterm", "terms", optional=True),
    Field("payment_terms", "terms", optional=True),
    Field("sample_requested", "terms", optional=True),
    Field("certifications", "certifications", optional=True),
    Field("contact_name", "contact"),
    Field("company", "contact"),
    Field("email", "contact"),
    Field("business_type", "contact", optional=True),
)
# Asked with a group, never alone: phone with the contact details.
ASKED_WITH = {"phone": "contact"}
BY_NAME = {f.name: f for f in ASKED}
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
