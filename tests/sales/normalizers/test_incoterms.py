import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.normalizers.incoterms import INCOTERMS_2020, IncotermChoice, parse_incoterm


@pytest.mark.parametrize(
    ("text", "code", "place"),
    [
        ("FOB Ningbo", "FOB", "Ningbo"),
        ("fob shenzhen", "FOB", "Shenzhen"),
        ("FOB, Ningbo", "FOB", "Ningbo"),
        ("FOB Ningbo port", "FOB", "Ningbo"),
        ("CIF Hamburg", "CIF", "Hamburg"),
        ("price CIF Santos basis", "CIF", "Santos"),
        ("cif", "CIF", None),
        ("CIF", "CIF", None),
        ("free on board", "FOB", None),
        ("Free On Board Shanghai", "FOB", "Shanghai"),
        ("delivered duty paid", "DDP", None),
        ("DDP to my warehouse", "DDP", "my warehouse"),
        ("ex works", "EXW", None),
        ("Ex-Works Zhongshan", "EXW", "Zhongshan"),
        ("EXW", "EXW", None),
        ("FCA Shanghai", "FCA", "Shanghai"),
        ("CPT Warsaw", "CPT", "Warsaw"),
        ("CIP", "CIP", None),
        ("DAP Germany", "DAP", "Germany"),
        ("delivered at place", "DAP", None),
        ("delivered at place unloaded", "DPU", None),
        ("DPU Rotterdam", "DPU", "Rotterdam"),
        ("FAS", "FAS", None),
        ("CFR Lagos", "CFR", "Lagos"),
        ("Incoterms 2020: CFR Lagos", "CFR", "Lagos"),
        ("C&F Mombasa", "CFR", "Mombasa"),
        ("CNF Chittagong", "CFR", "Chittagong"),
        ("cost and freight", "CFR", None),
        ("cost, insurance and freight", "CIF", None),
    ],
)
def test_incoterms(text: str, code: str, place: str | None) -> None:
    result = parse_incoterm(text)
    assert result.ok, result.error
    assert result.value == IncotermChoice(code, place)
    assert not result.notes


@pytest.mark.parametrize(
    ("text", "code", "place", "note"),
    [
        ("DAT Rotterdam", "DPU", "Rotterdam", "DPU in Incoterms 2020"),
        ("delivered at terminal", "DPU", None, "DPU in Incoterms 2020"),
        ("DDU", "DAP", None, "DAP"),
    ],
)
def test_old_incoterms_are_mapped_with_a_note(
    text: str, code: str, place: str | None, note: str
) -> None:
    result = parse_incoterm(text)
    assert result.value == IncotermChoice(code, place)
    assert note in result.notes[0]


@pytest.mark.parametrize("text", ["no preference", "not sure", "up to you", "whatever"])
def test_no_preference_is_null(text: str) -> None:
    result = parse_incoterm(text)
    assert result.ok and result.value is None and result.notes


@pytest.mark.parametrize(("text", "first"), [("FOBB", "FOB"), ("XYZ", None), ("by sea", None)])
def test_invalid_lists_the_choices(text: str, first: str | None) -> None:
    result = parse_incoterm(text)
    assert not result.ok
    assert "EXW, FCA, CPT, CIP, DAP, DPU, DDP, FAS, FOB, CFR, CIF" in (result.error or "")
    assert set(result.suggestions) == set(INCOTERMS_2020)
    if first:
        assert result.suggestions[0] == first
        assert f"Did you mean {first}?" in (result.error or "")


def test_door_to_door_asks_dap_or_ddp() -> None:
    result = parse_incoterm("door to door please")
    assert not result.ok
    assert result.suggestions == ("DAP", "DDP")


@pytest.mark.parametrize("text", ["", "x" * 400])
def test_empty_or_long(text: str) -> None:
    assert not parse_incoterm(text).ok


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(st.sampled_from(INCOTERMS_2020), st.sampled_from(["", " Ningbo", " Hamburg port"]))
def test_every_code_round_trips(code: str, place: str) -> None:
    result = parse_incoterm(f"{code.lower()}{place}")
    assert result.value is not None and result.value.code == code


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(st.text(max_size=60))
def test_garbage_never_raises(text: str) -> None:
    result = parse_incoterm(text)
    assert result.ok or result.error
    if result.value is not None:
        assert result.value.code in INCOTERMS_2020


def test_one_list_of_rules() -> None:
    """The codes are ``sales.pricing.incoterms.Incoterm``'s, in ICC's order; every rule has
    its names in ``data/incoterms.yaml``."""
    from sales.normalizers._data import load_table
    from sales.pricing.incoterms import Incoterm

    assert set(INCOTERMS_2020) == {rule.value for rule in Incoterm}
    assert list(load_table("incoterms.yaml")) == list(INCOTERMS_2020)
