"""The RFQ summary and contact line in the buyer's language."""

from __future__ import annotations

import re

from sales.rfq.state import contact_line, summary

from .test_state import FULL

# The buyer's own data and the codes that stay as they are in every language.
DATA = (
    "PNL-6060-40W",
    "600x600 40W panels",
    "USD",
    "CE",
    "ROHS",
    "Hamburg",
    "CIF",
    "L/C",
    "Jana Weber",
    "Nordlicht Handels GmbH",
    "jana.weber@nordlicht.example",
)


def test_german_summary_has_german_labels_date_and_numbers() -> None:
    text = summary(FULL, "de")
    for expected in (
        "Hier ist Ihre Angebotsanfrage:",
        "1. 5.000 Stück × PNL-6060-40W (600x600 40W panels), Zielpreis 12,50 USD",
        "- Zertifizierungen: CE, ROHS",
        "- Bestimmungsort: Hamburg, Deutschland",
        "- Incoterm: CIF (Kosten, Versicherung und Fracht)",
        "- Benötigt bis: 15. März 2027",
        "- Zahlung: Akkreditiv (L/C), at sight",
        "- Muster: ja",
        "- Käufer: Jana Weber, Nordlicht Handels GmbH (Distributor)",
        "- E-Mail: jana.weber@nordlicht.example, Telefon +49401234567",
    ):
        assert expected in text
    for english in ("Certifications", "Destination", "Required by", "Samples", "Buyer", "March"):
        assert english not in text


def test_chinese_summary_has_chinese_labels_and_date() -> None:
    text = summary(FULL, "zh")
    assert text.startswith("您的询价单如下：")
    assert "- 要求交期：2027年3月15日" in text
    assert "- 目的地：Hamburg（德国）" in text
    assert "- 贸易术语：CIF（成本、保险费加运费）" in text
    assert "PNL-6060-40W（600x600 40W panels） × 5,000个，目标价12.50 USD" in text
    assert "- 样品：需要" in text


def test_no_english_leaks_into_a_chinese_summary() -> None:
    slots = {**FULL, "payment_detail": None, "phone": None}
    text = summary(slots, "zh")
    for value in sorted(DATA, key=len, reverse=True):
        text = text.replace(value, "")
    assert re.search(r"[A-Za-z]", text) is None, text


def test_a_summary_without_optional_answers_in_french() -> None:
    text = summary(
        {
            "items": FULL["items"],
            "certifications": [],
            "incoterm": None,
            "payment_terms": None,
            "sample_requested": False,
            "email": "a@b.example",
        },
        "fr",
    )
    assert "- Certifications : aucune requise" in text
    assert "- Incoterm : pas de préférence" in text
    assert "- Paiement : pas de préférence" in text
    assert "- Échantillons : non" in text
    assert "- Destination : -" in text
    assert "5\u202f000 pièces" in text


def test_contact_line_uses_the_language_separator() -> None:
    assert contact_line(FULL, "en").startswith("Jana Weber, Nordlicht Handels GmbH, ")
    assert contact_line(FULL, "zh").startswith("Jana Weber、Nordlicht Handels GmbH、")
