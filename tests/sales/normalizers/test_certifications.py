import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sales.normalizers.certifications import known_codes, parse_certifications


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("CE and RoHS", ("CE", "ROHS")),
        ("ce/rohs", ("CE", "ROHS")),
        ("CE-RoHS", ("CE", "ROHS")),
        ("C.E.", ("CE",)),
        ("CE, RoHS, REACH", ("CE", "REACH", "ROHS")),
        ("CE & ROHS & FCC", ("CE", "FCC", "ROHS")),
        ("RoHS, CE, rohs", ("CE", "ROHS")),
        ("UL listed", ("UL",)),
        ("cULus", ("UL",)),
        ("we need UL", ("UL",)),
        ("UL and DLC for US market", ("DLC", "UL")),
        ("ETL", ("ETL",)),
        ("DLC premium", ("DLC",)),
        ("SAA", ("SAA",)),
        ("ErP", ("ERP",)),
        ("UKCA", ("UKCA",)),
        ("ENEC+", ("ENEC",)),
        ("ROHS2", ("ROHS",)),
        ("rosh", ("ROHS",)),
        ("TÜV GS", ("GS",)),
        ("3C", ("CCC",)),
        ("CE ROHS certificates required", ("CE", "ROHS")),
        ("CE和RoHS认证", ("CE", "ROHS")),
        ("no certification needed", ()),
        ("none", ()),
        ("not needed", ()),
        ("不需要", ()),
    ],
)
def test_certifications(text: str, codes: tuple[str, ...]) -> None:
    result = parse_certifications(text)
    assert result.ok, result.error
    assert result.value == codes
    assert not result.notes


def test_rcm_is_noted_as_saa() -> None:
    result = parse_certifications("RCM")
    assert result.value == ("SAA",)
    assert "RCM" in result.notes[0]


@pytest.mark.parametrize(
    ("text", "codes", "unlisted"),
    [
        ("CE RoHS XYZ", ("CE", "ROHS", "XYZ"), "XYZ"),
        ("RETIE", ("RETIE",), "RETIE"),
        ("CE y SEC para Chile", ("CE", "SEC"), "SEC"),
        ("we need CE and the local RETIE mark", ("CE", "RETIE"), "RETIE"),
        # an unknown word in lower case before the scheme does not refuse it ("só": only)
        ("só a certificação SEC", ("SEC",), "SEC"),
    ],
)
def test_a_scheme_we_do_not_list_is_kept_as_written_and_noted(
    text: str, codes: tuple[str, ...], unlisted: str
) -> None:
    result = parse_certifications(text)
    assert result.value == codes
    assert f"“{unlisted}”" in result.notes[0] and "as you wrote it" in result.notes[0]


@pytest.mark.parametrize(("text", "code"), [("RHOS", "ROHS"), ("ETLL", "ETL"), ("ce rosh", "ROHS")])
def test_a_close_misspelling_is_read_as_the_code_and_said(text: str, code: str) -> None:
    result = parse_certifications(text)
    assert code in (result.value or ())
    assert not [n for n in result.notes if "as you wrote it" in n]


@pytest.mark.parametrize(("text", "suggestion"), [("rohsxyz", "ROHS"), ("enecxyz", "ENEC")])
def test_an_unknown_word_in_lower_case_is_an_error_with_suggestions(
    text: str, suggestion: str
) -> None:
    result = parse_certifications(text)
    assert not result.ok
    assert suggestion in result.suggestions
    assert f"Did you mean {suggestion}" in (result.error or "")


@pytest.mark.parametrize(
    "text", ["sin certificaciones especiales", "no special certifications", "不需要认证", "keine"]
)
def test_declines_need_no_certification(text: str) -> None:
    assert parse_certifications(text).value == ()


@pytest.mark.parametrize("text", ["xyz", "", "qwerty asdf"])
def test_errors(text: str) -> None:
    assert not parse_certifications(text).ok


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(
    st.lists(st.sampled_from(known_codes()), min_size=1, max_size=5),
    st.sampled_from([", ", "/", " and ", " "]),
)
def test_any_list_of_codes_round_trips(codes: list[str], sep: str) -> None:
    # "TÜV GS" written together is the GS mark (by TÜV), one certification
    assume(sep != " " or "TUV GS" not in " ".join(codes))
    result = parse_certifications(sep.join(c.lower() for c in codes))
    assert result.value == tuple(sorted(set(codes)))


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(st.text(max_size=60))
def test_garbage_never_raises(text: str) -> None:
    result = parse_certifications(text)
    assert result.ok or result.error
    if result.value:
        assert list(result.value) == sorted(set(result.value))
        assert all(code.isupper() or code[-1].isdigit() for code in result.value)
