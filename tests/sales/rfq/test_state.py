from __future__ import annotations

from datetime import date
from decimal import Decimal

from sales.rfq.state import missing, summary, to_draft

ITEM = {
    "description": "600x600 40W panels",
    "sku": "PNL-6060-40W",
    "category": "panel",
    "quantity": "5000",
    "unit": "pcs",
    "target_price": {"amount": "12.50", "currency": "USD"},
}
FULL = {
    "items": [ITEM],
    "destination": {"country": "DE", "place": "Hamburg"},
    "incoterm": "CIF",
    "required_by": "2027-03-15",
    "certifications": ["CE", "ROHS"],
    "payment_terms": "LC",
    "payment_detail": "at sight",
    "sample_requested": True,
    "business_type": "distributor",
    "company": "Nordlicht Handels GmbH",
    "contact_name": "Jana Weber",
    "email": "jana.weber@nordlicht.example",
    "phone": "+49401234567",
}


def test_missing_asks_items_first_then_fields_in_order() -> None:
    assert missing({})[:3] == ["product", "destination", "required_by"]
    assert missing({"product": {"description": "x"}})[0] == "quantity"
    assert missing(FULL) == []
    assert missing({**FULL, "email": None}) == ["email"]
    # "none needed" and "no samples" are answers, not gaps
    assert missing({**FULL, "certifications": [], "sample_requested": False}) == []


def test_summary_lists_every_field() -> None:
    text = summary(FULL)
    for expected in (
        "5,000 pcs x PNL-6060-40W (600x600 40W panels), target 12.50 USD",
        "CE, ROHS",
        "Hamburg, Germany",
        "CIF (Cost, Insurance and Freight)",
        "15 March 2027",
        "letter of credit (L/C), at sight",
        "Jana Weber, Nordlicht Handels GmbH (distributor)",
        "jana.weber@nordlicht.example",
    ):
        assert expected in text


def test_to_draft_normalised_record() -> None:
    draft = to_draft(FULL, session_id="s1", language="en", lead_score=70)
    (item,) = draft.items
    assert item.quantity == Decimal(5000) and item.target_price_amount == Decimal("12.50")
    assert item.certifications == ("CE", "ROHS")
    assert draft.required_by == date(2027, 3, 15)
    assert draft.buyer.country == "DE"  # from the phone number, not guessed from the destination
    assert draft.lead_score == 70
    assert "at sight" in draft.notes
    assert to_draft({**FULL, "phone": None}, session_id=None, language=None).buyer.country is None


def test_a_second_rfq_asks_before_reusing_the_contact() -> None:
    second = {**FULL, "last_inquiry": "RFQ-2026-000001", "contact_confirmed": None}
    assert missing(second) == ["contact_confirmed"]
    assert missing({**second, "contact_confirmed": True}) == []
    assert missing(FULL) == []  # a first RFQ has nothing to confirm


def test_declining_the_old_contact_asks_for_new_details(demo_kb) -> None:  # type: ignore[no-untyped-def]
    from sales.rfq.extract import extract

    second = {**FULL, "last_inquiry": "RFQ-2026-000001", "contact_confirmed": None}
    found = extract(
        "no", state=second, expecting="contact_confirmed", today=date(2026, 11, 21), catalog=demo_kb
    )
    assert found.slots["contact_confirmed"] is False
    after = {**second, **found.slots}
    assert missing(after) == ["contact_name", "company", "email", "business_type"]


def test_groups_ask_their_missing_fields_together() -> None:
    from actions.rfq_questions import grouped_question
    from sales.rfq.state import still_missing_with

    assert still_missing_with("destination", {}) == ["destination", "required_by"]
    assert still_missing_with("destination", {"required_by": "2027-03-15"}) == ["destination"]
    terms = grouped_question("incoterm", {})
    assert terms and "Incoterm" in terms and "payment" in terms and "samples" in terms
    assert "target price" in terms
    priced = {"items": [{"target_price": {"amount": "12.50", "currency": "USD"}}]}
    assert "target price" not in (grouped_question("incoterm", priced) or "")
    assert grouped_question("incoterm", {"payment_terms": "TT", "sample_requested": True}) is None
    contact = grouped_question("contact_name", {})
    assert contact and "your name" in contact and "kind of business" in contact


def test_the_port_of_loading_shows_in_the_summary_and_the_record() -> None:
    from sales.rfq.state import summary, to_draft

    slots = {
        "items": [{"description": "p", "sku": "PNL-6060-40W", "quantity": "500", "unit": "pcs"}],
        "incoterm": "FOB",
        "incoterm_place": "Shenzhen",
    }
    assert "Incoterm: FOB Shenzhen (Free on Board)" in summary(slots)
    assert to_draft(slots, session_id=None, language="en").incoterm_place == "Shenzhen"
