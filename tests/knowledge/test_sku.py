import pytest

from knowledge.sku import SkuMatcher, normalise_sku

SKUS = ["PNL-6060-40W", "PNL-6060-40W-EM", "FL-SP-200W", "T8-AB-1200-18W"]


def test_normalise_sku_ignores_case_and_separators() -> None:
    assert normalise_sku("pnl 6060 40w") == normalise_sku("PNL-6060-40W") == "PNL606040W"
    assert normalise_sku("fl.sp/200w") == "FLSP200W"


def test_find_exact_and_normalised_spellings_in_order() -> None:
    matcher = SkuMatcher(SKUS)
    text = "Compare fl sp 200w with PNL-6060-40W, and again pnl6060-40w."
    assert matcher.find(text) == ["FL-SP-200W", "PNL-6060-40W"]


def test_longest_model_number_wins() -> None:
    matcher = SkuMatcher(SKUS)
    assert matcher.find("Is the PNL-6060-40W-EM emergency version in stock?") == ["PNL-6060-40W-EM"]


def test_sku_inside_chinese_text() -> None:
    matcher = SkuMatcher(SKUS)
    assert matcher.find("T8-AB-1200-18W的质保是多久") == ["T8-AB-1200-18W"]


def test_unknown_or_partial_numbers_are_not_found() -> None:
    matcher = SkuMatcher(SKUS)
    assert matcher.find("Do you have a PNL-6060 or a 40W panel?") == []
    assert matcher.canonical("pnl-6060-40w") == "PNL-6060-40W"
    assert matcher.canonical("PNL-9999") is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("PNL-6060-40W3000套", ["PNL-6060-40W"]),
        ("12000PNL-6060-40W", ["PNL-6060-40W"]),
        ("DL-CCT3-8W200pcs", ["DL-CCT3-8W"]),
        ("200 HB-UFO-100W-EC", ["HB-UFO-100W-EC"]),  # a count apart is no part of the model
        ("200HB-UFO-100W-EC", ["HB-UFO-100W-EC"]),
    ],
)
def test_a_count_glued_to_a_model_number(text: str, found: list[str]) -> None:
    matcher = SkuMatcher(["PNL-6060-40W", "DL-CCT3-8W", "HB-UFO-100W", "HB-UFO-100W-EC"])
    assert matcher.find(text) == found
