import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.normalizers.business_type import BUSINESS_TYPES, parse_business_type


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("we are a distributor", "distributor"),
        ("Distributor", "distributor"),
        ("authorised dealer", "distributor"),
        ("wholesale", "wholesaler"),
        ("lighting wholesaler", "wholesaler"),
        ("electrical contractor", "contractor"),
        ("installer", "contractor"),
        ("we do construction projects", "contractor"),
        ("system integrator", "integrator"),
        ("lighting designer", "integrator"),
        ("we import", "importer"),
        ("importer", "importer"),
        ("importer and distributor", "importer"),  # the first one named
        ("we distribute and import", "distributor"),
        ("we sell on Amazon", "retailer"),
        ("retail shop", "retailer"),
        ("for our own warehouse", "end_user"),
        ("for our own stores", "end_user"),
        ("end user", "end_user"),
        ("end_user", "end_user"),
        ("other", "other"),
        ("we are a manufacturer", "other"),
        ("distribuidor", "distributor"),
        ("somos importadores", "importer"),
        ("Großhändler", "wholesaler"),
        ("Elektroinstallateur", "contractor"),
        ("我们是进口商", "importer"),
        ("经销商", "distributor"),
        ("工程商", "contractor"),
        ("自用", "end_user"),
    ],
)
def test_business_types(text: str, code: str) -> None:
    result = parse_business_type(text)
    assert result.ok, result.error
    assert result.value == code


@pytest.mark.parametrize("text", ["we are a bank", "", "asdf"])
def test_unknown_lists_the_choices(text: str) -> None:
    result = parse_business_type(text)
    assert not result.ok
    assert "distributor" in (result.error or "")


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(st.text(max_size=60))
def test_garbage_never_raises(text: str) -> None:
    result = parse_business_type(text)
    assert result.ok or result.error
    if result.ok:
        assert result.value in BUSINESS_TYPES
