import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.normalizers.payment_terms import PAYMENT_CODES, PaymentTerms, parse_payment_terms


@pytest.mark.parametrize(
    ("text", "code", "detail"),
    [
        ("L/C at sight", "LC", "at sight"),
        ("irrevocable LC at sight", "LC", "at sight"),
        ("LC 60 days", "LC", "60 days"),
        ("usance LC", "LC", "usance"),
        ("letter of credit", "LC", None),
        ("信用证即期", "LC", "at sight"),
        ("30% T/T deposit, 70% before shipment", "TT", "30% deposit, 70% before shipment"),
        ("30% deposit, 70% before shipment", "TT", "30% deposit, 70% before shipment"),
        ("30%TT deposit,70% against BL copy", "TT", "30% deposit, 70% against B/L copy"),
        ("30% deposit, balance against B/L copy", "TT", "30% deposit, 70% against B/L copy"),
        ("30% deposit balance before shipment", "TT", "30% deposit, 70% before shipment"),
        ("deposit 30%, balance 70% before shipment", "TT", "30% deposit, 70% before shipment"),
        ("40% advance 60% after arrival", "TT", "40% deposit, 60% after arrival"),
        ("T/T 30/70", "TT", "30% deposit, 70% before shipment"),
        ("50% 50%", "TT", "50% deposit, 50% before shipment"),
        ("100% TT before shipment", "TT", "100% before shipment"),
        ("TT in advance", "TT", "100% in advance"),
        ("TT 100%", "TT", "100% in advance"),
        ("cash in advance", "TT", "100% in advance"),
        ("T/T", "TT", None),
        ("wire transfer", "TT", None),
        ("bank transfer", "TT", None),
        ("电汇", "TT", None),
        ("open account 60 days", "OA", "60 days"),
        ("net 30", "OA", "30 days"),
        ("O/A", "OA", None),
        ("D/P", "DP", None),
        ("D/P at sight", "DP", "at sight"),
        ("cash against documents", "DP", None),
        ("D/A 90 days", "DA", "90 days"),
        ("documents against acceptance", "DA", None),
        ("escrow", "ESCROW", None),
        ("Alibaba trade assurance", "ESCROW", "Alibaba Trade Assurance"),
        ("trade assurance", "ESCROW", "Alibaba Trade Assurance"),
        ("LC or TT", "LC", None),  # the first method named
    ],
)
def test_payment_terms(text: str, code: str, detail: str | None) -> None:
    result = parse_payment_terms(text)
    assert result.ok, result.error
    assert result.value == PaymentTerms(code, detail)


@pytest.mark.parametrize(
    ("text", "code", "detail"),
    [
        ("Vorauskasse", "TT", "100% in advance"),
        ("30 Tage netto", "OA", "30 days"),
        ("30 Tage netto nach Lieferung", "OA", "30 days"),
        ("netto 30 Tage", "OA", "30 days"),
        ("60 days net", "OA", "60 days"),
        ("remise documentaire (D/P)", "DP", None),
        ("remise documentaire", "DP", None),
        ("remise documentaire contre acceptation", "DA", None),
        ("DA 60 days", "DA", "60 days"),
        ("da 60 days", "DA", "60 days"),
    ],
)
def test_payment_terms_as_written_at_home(text: str, code: str, detail: str | None) -> None:
    result = parse_payment_terms(text)
    assert result.ok, result.error
    assert result.value == PaymentTerms(code, detail)


@pytest.mark.parametrize(
    "text",
    ["Sou a Beatriz Lima, da Casa Lumière Comércio Ltda.", "La empresa da servicio técnico"],
)
def test_the_portuguese_and_spanish_word_da_is_not_d_a(text: str) -> None:
    assert not parse_payment_terms(text).ok


def test_documents_against_acceptance_is_not_read_in_a_portuguese_da() -> None:
    result = parse_payment_terms("30% de entrada e 70% antes da entrega")
    assert result.value == PaymentTerms("TT", "30% deposit, 70% before shipment")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("PayPal", "PayPal"),
        ("paypal please", "paypal"),
        ("credit card", "credit card"),
        ("Western Union", "Western Union"),
        ("bitcoin", "bitcoin"),
        ("cash on delivery", "cash"),
    ],
)
def test_unsupported_methods(text: str, name: str) -> None:
    result = parse_payment_terms(text)
    assert not result.ok
    assert f"we can't accept {name}" in (result.error or "")
    assert "letter of credit" in (result.error or "")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("50% deposit, 40% before shipment", "add up to 90%"),
        ("150%", "add up to 150%"),
        ("asdf", "didn't understand"),
        ("", "How would you like to pay"),
    ],
)
def test_payment_errors(text: str, says: str) -> None:
    result = parse_payment_terms(text)
    assert not result.ok
    assert says in (result.error or "")


@pytest.mark.parametrize("text", ["no preference", "tbd", "negotiable"])
def test_no_preference_is_null(text: str) -> None:
    result = parse_payment_terms(text)
    assert result.ok and result.value is None


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(st.integers(min_value=1, max_value=99))
def test_any_deposit_split_adds_up(deposit: int) -> None:
    result = parse_payment_terms(f"{deposit}% T/T deposit, balance before shipment")
    assert result.value == PaymentTerms(
        "TT", f"{deposit}% deposit, {100 - deposit}% before shipment"
    )


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(st.text(max_size=60))
def test_garbage_never_raises(text: str) -> None:
    result = parse_payment_terms(text)
    assert result.ok or result.error
    if result.value is not None:
        assert result.value.code in PAYMENT_CODES
