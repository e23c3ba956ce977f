"""Conversation repair, checked over generated declines and answers in six languages."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from i18n import LANGUAGES, localize
from i18n.lexicon import is_decline, table, words
from sales.rfq import fields, repairs
from sales.rfq.state import SKIPPED, missing, summary, team_notes

ITEM = {"description": "panel", "sku": "PNL-6060-40W", "quantity": "500", "unit": "pcs"}
# Everything given except the fields a test leaves open.
COMPLETE: dict[str, Any] = {
    "items": [ITEM],
    "destination": {"country": "DE", "place": "Hamburg"},
    "required_by": "2027-03-15",
    "incoterm": "CIF",
    "payment_terms": "TT",
    "sample_requested": False,
    "certifications": ["CE"],
    "contact_name": "Jana Weber",
    "company": "Nordlicht GmbH",
    "email": "jana@nordlicht.example",
    "business_type": "distributor",
}


def _open(*names: str) -> dict[str, Any]:
    return {**COMPLETE, **dict.fromkeys(names)}


decline = st.sampled_from(words("decline"))
language = st.sampled_from(LANGUAGES)
asked = st.sampled_from([f.name for f in fields.ASKED])


@st.composite
def decline_texts(draw: st.DrawFn) -> str:
    lang = draw(language)
    parts = [draw(st.sampled_from(table(lang)["decline"]))]
    parts += draw(st.lists(st.sampled_from(table(lang)["politeness"]), max_size=2))
    text = ", ".join(draw(st.permutations(parts)))
    return text + draw(st.sampled_from(["", ".", "!", "。"]))


@settings(max_examples=300, deadline=None)
@given(asked, decline_texts())
def test_a_decline_sets_no_value_and_never_cancels(requested: str, text: str) -> None:
    group = fields.group_of(requested)
    slots = _open(*group)
    repair = repairs.declined(requested, slots, text)
    assert repair is not None, text
    # only bookkeeping changes: no field gets a value from a decline
    assert set(repair.changes) <= {SKIPPED, "phone_declined"}
    for name, words_kept in (repair.changes.get(SKIPPED) or {}).items():
        assert fields.is_optional(name) and words_kept == ""
    every_optional = all(fields.is_optional(f) for f in group)
    assert repair.failed is not every_optional
    rendered = [localize(m, "en") for m in repair.said]
    assert rendered and not any("discard" in r for r in rendered)


@settings(max_examples=200, deadline=None)
@given(asked, st.text(min_size=1, max_size=80).filter(lambda s: s.strip()))
def test_the_second_failed_ask_goes_on_with_the_buyers_words(requested: str, text: str) -> None:
    slots = _open(*fields.group_of(requested))
    assert requested in missing(slots)
    repair = repairs.give_up(requested, slots, text)
    after = {**slots, **repair.changes}
    # the question's fields are no longer asked: the form can reach the summary
    assert not set(fields.group_of(requested)) & set(missing(after))
    assert missing(after) == []
    kept = after[SKIPPED]
    if not is_decline(text):
        assert kept[requested] == text.strip()[: repairs.KEPT_CHARS]
        assert any(text.strip()[:40] in note for note in team_notes(after))
    assert summary(after)  # the summary renders


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(LANGUAGES))
def test_answers_that_are_no_decline_are_left_to_the_form(lang: str) -> None:
    assert repairs.declined("contact_name", _open("contact_name"), "Jana Weber") is None
    assert repairs.declined("destination", _open("destination"), "Hamburg") is None


def test_declining_only_the_phone_asks_the_rest_again_without_a_failure() -> None:
    slots = _open("contact_name", "company", "email")
    repair = repairs.declined("contact_name", slots, "no phone number, thanks")
    assert repair is not None and not repair.failed
    assert repair.changes == {"phone_declined": True}
    assert missing({**slots, **repair.changes}) == ["contact_name", "company", "email"]


def test_a_decline_of_the_terms_question_is_no_preference() -> None:
    slots = _open("incoterm", "payment_terms")
    repair = repairs.declined("incoterm", slots, "egal")
    assert repair is not None and not repair.failed
    after = {**slots, **repair.changes}
    assert missing(after) == []
    assert "Incoterm: no preference" in summary(after)


def test_a_decline_of_a_required_field_is_explained_once() -> None:
    repair = repairs.declined("email", _open("email"), "skip")
    assert repair is not None and repair.failed
    assert "we send the quotation there" in localize(repair.said[0], "en")
    assert "lo que" not in localize(repair.said[0], "es")  # rendered in Spanish


def test_skipped_fields_show_in_the_summary_and_the_team_notes() -> None:
    slots = {
        **_open("destination", "required_by"),
        SKIPPED: {"destination": "somewhere near Lagos"},
    }
    slots[SKIPPED]["required_by"] = ""
    text = summary(slots)
    assert "“somewhere near Lagos” (as you wrote it)" in text
    assert "Required by: not given" in text
    notes = team_notes(slots)
    assert "Buyer's words for destination: “somewhere near Lagos”." in notes
    assert "Not given: required_by." in notes


def test_certifications_we_do_not_list_are_noted_for_the_team() -> None:
    slots = {**COMPLETE, "certifications": ["CE", "RETIE"]}
    assert team_notes(slots) == ["Certifications not on our list, as written: RETIE."]


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=80).filter(lambda s: s.strip()), st.sampled_from(LANGUAGES))
def test_a_count_the_buyer_cannot_give_leaves_the_item_to_be_confirmed(
    text: str, lang: str
) -> None:
    product = {"description": "floodlight", "sku": "FL-SL-100W", "category": "floodlight"}
    slots = {**COMPLETE, "product": product}
    assert missing(slots) == ["quantity"]
    assert repairs.can_go_on_without("quantity", slots)
    repair = repairs.give_up("quantity", slots, text)
    after = {**slots, **repair.changes}
    # no loop: nothing is asked any more, the first item kept, the new one has no guessed count
    assert missing(after) == []
    assert after["items"][0] == ITEM
    assert after["items"][1]["sku"] == "FL-SL-100W" and after["items"][1]["quantity"] is None
    rendered = summary(after, lang)
    assert "FL-SL-100W" in rendered and localize(repair.said[0], lang)
    notes = " ".join(team_notes(after))
    assert "Quantity of FL-SL-100W to be confirmed" in notes
    if not is_decline(text):
        assert text.strip()[:40] in notes


def test_without_a_product_in_hand_the_product_is_asked_until_given() -> None:
    assert not repairs.can_go_on_without("product", {**COMPLETE, "items": []})
    assert not repairs.can_go_on_without("quantity", COMPLETE)
