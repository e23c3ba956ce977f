import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.normalizers.yes_no import parse_yes_no

YES = [
    "yes", "Yes please!", "yep", "yeah", "sure", "ok", "okay", "please do", "of course",
    "sure, why not", "yes, but no rush", "Y", "👍",
    "sí", "si", "claro", "vale", "por supuesto",
    "ja", "gerne", "ja bitte", "natürlich",
    "是", "好的", "需要", "可以",
    "oui", "bien sûr", "d'accord",
    "sim", "claro que sim", "com certeza",
]  # fmt: skip
NO = [
    "no", "nope", "nah", "not needed", "no thanks", "no need", "no, not needed", "N", "👎",
    "no gracias", "no es necesario",
    "nein", "nein danke", "nicht nötig",
    "不", "不需要", "不要", "没有",
    "non", "non merci", "pas besoin",
    "não", "nao", "não obrigado",
]  # fmt: skip


@pytest.mark.parametrize("text", YES)
def test_yes(text: str) -> None:
    assert parse_yes_no(text).value is True


@pytest.mark.parametrize("text", NO)
def test_no(text: str) -> None:
    assert parse_yes_no(text).value is False


@pytest.mark.parametrize(
    "text", ["maybe", "not sure", "yes and no", "hmm", "", "vielleicht", "peut-être", "也许"]
)
def test_unclear_asks_again(text: str) -> None:
    result = parse_yes_no(text)
    assert not result.ok
    assert "yes or no" in (result.error or "").casefold()


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(st.text(max_size=40))
def test_garbage_never_raises(text: str) -> None:
    result = parse_yes_no(text)
    assert result.ok or result.error
    if result.ok:
        assert isinstance(result.value, bool)
