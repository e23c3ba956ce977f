"""Answers to "your name, company, email and business": generated in any order, with labels,
introductions and business words in six languages; the record holds what the buyer said."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.rfq.extract import extract

TODAY = date(2026, 12, 6)
PEOPLE = ["Jana Weber", "Andrés Gómez", "Sophie Martin", "Beatriz Lima", "Thomas Müller", "李娜"]
COMPANIES = [
    "Nordlicht Handels GmbH",
    "Distribuidora Lumínica del Pacífico S.A. de C.V.",
    "Sahel Électricité SA",
    "Iluminação do Norte Ltda",
    "Électro Québec inc.",
    "高雄光源贸易有限公司",
    "Grupo Industrial de Iluminación SA",
]
PERSON_LABELS = ["", "Name: ", "Ansprechpartner: ", "contact : ", "联系人：", "Contacto: "]
COMPANY_LABELS = ["", "Firma: ", "Company: ", "Empresa: ", "Société : ", "公司："]
BUSINESS = ["distributor", "Systemintegrator", "integrador de sistemas", "intégrateur", "经销商"]


@st.composite
def contact_answers(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    person, company = draw(st.sampled_from(PEOPLE)), draw(st.sampled_from(COMPANIES))
    email = "buyer@example.com"
    business = draw(st.sampled_from(BUSINESS))
    parts = [
        draw(st.sampled_from(PERSON_LABELS)) + person,
        draw(st.sampled_from(COMPANY_LABELS)) + company,
        email,
        business,
    ]
    order = draw(st.permutations(parts[1:]))
    # the name comes first unless it is labelled (unlabelled parts are read in the order asked)
    text = ", ".join([parts[0], *order])
    return text, {"contact_name": person, "company": company, "email": email}


@settings(max_examples=300, deadline=None)
@given(contact_answers())
def test_a_contact_answer_stores_what_the_buyer_said(demo_kb, case) -> None:  # type: ignore[no-untyped-def]
    text, expected = case
    found = extract(text, state={}, expecting="contact_name", today=TODAY, catalog=demo_kb)
    for slot, value in expected.items():
        assert found.slots.get(slot) == value, (text, found.slots)
    assert found.slots.get("business_type")


@pytest.mark.parametrize(
    ("text", "person", "company"),
    [
        (
            "Soy Andrés Gómez de Distribuidora Lumínica del Pacífico S.A. de C.V., a@b.example",
            "Andrés Gómez",
            "Distribuidora Lumínica del Pacífico S.A. de C.V.",
        ),
        (
            "Sophie Martin de Sahel Électricité SA, s@sahel.example",
            "Sophie Martin",
            "Sahel Électricité SA",
        ),
        ("我是高雄光源贸易有限公司, 联系人:李娜, lina@kx.example", "李娜", "高雄光源贸易有限公司"),
    ],
)
def test_a_person_of_a_company_in_one_phrase(demo_kb, text: str, person: str, company: str) -> None:  # type: ignore[no-untyped-def]
    found = extract(text, state={}, expecting="contact_name", today=TODAY, catalog=demo_kb)
    assert (found.slots.get("contact_name"), found.slots.get("company")) == (person, company)


def test_a_model_number_after_a_unit_is_no_company(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = extract(
        "bitte 500 Stück SL-M-100W", state={}, expecting=None, today=TODAY, catalog=demo_kb
    )
    assert "company" not in found.slots


HAN_PEOPLE = ["陈志明", "王建国", "李娜", "张伟"]


@settings(max_examples=150, deadline=None)
@given(
    intro=st.sampled_from(["我是", "我们是", "这里是", ""]),
    company=st.sampled_from(
        [*COMPANIES, "Gulf Lumen Trading LLC", "Bright Star Lighting Pte. Ltd."]
    ),
    person=st.sampled_from(HAN_PEOPLE),
    tail=st.sampled_from(["", "，邮箱buyer@example.com", "，邮箱buyer@example.com，进口商"]),
)
def test_company_de_person_in_chinese(  # type: ignore[no-untyped-def]
    demo_kb, intro: str, company: str, person: str, tail: str
) -> None:
    """ "我是Gulf Lumen Trading LLC的陈志明": the company before 的, the person after it."""
    text = f"{intro}{company}的{person}{tail}"
    found = extract(text, state={}, expecting="contact_name", today=TODAY, catalog=demo_kb)
    assert found.slots.get("contact_name") == person, (text, found.slots)
    assert found.slots.get("company") == company, (text, found.slots)


@pytest.mark.parametrize(
    "text",
    [
        "Actually it goes to Hamburg, Germany instead.",
        "Sorry, change the destination to Rotterdam.",
        "En realidad va a Valencia, España.",
    ],
)
def test_a_destination_correction_while_the_contact_is_asked_is_no_contact(  # type: ignore[no-untyped-def]
    demo_kb, text: str
) -> None:
    found = extract(text, state={}, expecting="company", today=TODAY, catalog=demo_kb)
    assert "company" not in found.slots and "contact_name" not in found.slots, found.slots
    assert found.slots.get("destination"), found.slots


WHOLESALE_COMPANIES = [
    "Highveld Electrical Wholesalers",
    "Brightwell Electrical Wholesale Ltd",
    "Nordlicht Handels GmbH",
    "Pacific Lighting Distributors Pty Ltd",
]


@settings(max_examples=150, deadline=None)
@given(
    company=st.sampled_from(WHOLESALE_COMPANIES),
    person=st.sampled_from([p for p in PEOPLE if p.isascii()] + ["Thabo Nkosi", "Siobhan Murphy"]),
    company_first=st.booleans(),
    stated=st.sampled_from(["", "we are an electrical contractor", "wir sind Installateure"]),
)
def test_unlabelled_name_and_company_in_either_order(  # type: ignore[no-untyped-def]
    demo_kb, company: str, person: str, company_first: bool, stated: str
) -> None:
    parts = [company, person] if company_first else [person, company]
    text = ", ".join([*parts, "buyer@example.com", *([stated] if stated else [])])
    found = extract(text, state={}, expecting="contact_name", today=TODAY, catalog=demo_kb)
    assert (found.slots.get("contact_name"), found.slots.get("company")) == (person, company)
    # a business word inside the company's name is no statement of the business type
    assert found.slots.get("business_type") == ("contractor" if stated else None), text
