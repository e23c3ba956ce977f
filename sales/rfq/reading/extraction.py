"""What a message says (``Extraction``) and the slot values written into it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sales.normalizers.result import Parsed


@dataclass
class Extraction:
    """What a message says: slot values to set, sentences for the buyer, a reason per field
    that the buyer was asked for and that could not be read."""

    slots: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def set(self, slot: str, parsed: Parsed[Any], value: Any = None) -> bool:
        if not parsed.ok:
            return False
        self.slots[slot] = parsed.value if value is None else value
        self.notes.extend(parsed.notes)
        return True


def _money_dict(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": f"{amount:f}", "currency": currency}


def _quantity_dict(parsed_value: Any) -> dict[str, str | None]:
    return {"quantity": f"{parsed_value.amount:f}", "unit": parsed_value.unit or "pcs"}


def new_item(product: Mapping[str, Any], quantity: Mapping[str, Any]) -> dict[str, Any]:
    """An item of the request: the product (with a target price said before its count, if
    any) and its count."""
    return {"target_price": None, **product, **quantity}
