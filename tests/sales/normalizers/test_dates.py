from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.normalizers.dates import date_order_for, parse_required_by

TODAY = date(2026, 11, 21)  # a Saturday


@pytest.mark.parametrize(
    ("text", "expected", "approximate"),
    [
        ("15/03/2027", date(2027, 3, 15), False),
        ("15.03.2027", date(2027, 3, 15), False),
        ("2027-03-15", date(2027, 3, 15), False),
        ("15 March 2027", date(2027, 3, 15), False),
        ("March 15, 2027", date(2027, 3, 15), False),
        ("by 15 March 2027", date(2027, 3, 15), False),
        ("no later than 15/03/2027", date(2027, 3, 15), False),
        ("15 March", date(2027, 3, 15), False),
        ("03/05/2027", date(2027, 5, 3), False),  # day-first by default
        ("end of April 2027", date(2027, 4, 30), True),
        ("mid-May", date(2027, 5, 15), True),
        ("middle of May", date(2027, 5, 15), True),
        ("early June", date(2027, 6, 10), True),
        ("beginning of March", date(2027, 3, 1), True),
        ("late February 2028", date(2028, 2, 29), True),
        ("May", date(2027, 5, 31), True),
        ("April 2027", date(2027, 4, 30), True),
        ("end of November", date(2026, 11, 30), True),  # this month has not ended yet
        ("mid-November", date(2027, 11, 15), True),  # this one has
        ("in 6 weeks", TODAY + timedelta(weeks=6), False),
        ("within 30 days", TODAY + timedelta(days=30), False),
        ("in 3 months", date(2027, 2, 21), False),
        ("in a month", date(2026, 12, 21), False),
        ("Q2 2027", date(2027, 6, 30), True),
        ("Q1", date(2027, 3, 31), True),
        ("Q4", date(2026, 12, 31), True),
        ("by end of Q1 2027", date(2027, 3, 31), True),
        ("second quarter of 2027", date(2027, 6, 30), True),
        ("H1 2027", date(2027, 6, 30), True),
        ("second half of 2027", date(2027, 12, 31), True),
        ("2027", date(2027, 12, 31), True),
        ("mid 2027", date(2027, 6, 30), True),
        ("late 2027", date(2027, 12, 31), True),
        ("next month", date(2026, 12, 31), True),
        ("end of next month", date(2026, 12, 31), True),
        ("next week", date(2026, 11, 29), True),
        ("before Christmas", date(2026, 12, 24), False),
        ("15. März 2027", date(2027, 3, 15), False),
        ("Ende April", date(2027, 4, 30), True),
        ("Mitte Mai 2027", date(2027, 5, 15), True),
        ("15 de marzo de 2027", date(2027, 3, 15), False),
        ("finales de abril", date(2027, 4, 30), True),
        ("mediados de mayo", date(2027, 5, 15), True),
        ("fin avril 2027", date(2027, 4, 30), True),
        ("2027年3月15日", date(2027, 3, 15), False),
        ("3月15日", date(2027, 3, 15), False),
        ("4月底", date(2027, 4, 30), True),
        ("5月中旬", date(2027, 5, 15), True),
    ],
)
def test_dates(text: str, expected: date, approximate: bool) -> None:
    result = parse_required_by(text, today=TODAY)
    assert result.ok, result.error
    assert result.value is not None
    assert result.value.date == expected
    assert result.value.approximate is approximate
    assert not result.value.asap
    assert bool(result.notes) is approximate  # vague dates are read back to the buyer


@pytest.mark.parametrize(
    ("text", "expected", "approximate"),
    [
        ("fin du mois prochain", date(2026, 12, 31), True),
        ("fin de mois prochain", date(2026, 12, 31), True),
        ("début du mois prochain", date(2026, 12, 1), True),
        ("le mois prochain", date(2026, 12, 31), True),
        ("finales del próximo mes", date(2026, 12, 31), True),
        ("fin del mes que viene", date(2026, 12, 31), True),
        ("mediados del próximo mes", date(2026, 12, 15), True),
        ("Ende nächsten Monats", date(2026, 12, 31), True),
        ("Ende des nächsten Monats", date(2026, 12, 31), True),
        ("Ende dieses Monats", date(2026, 11, 30), True),
        ("fim do próximo mês", date(2026, 12, 31), True),
        ("fim do mês que vem", date(2026, 12, 31), True),
        ("fin de l'année prochaine", date(2027, 12, 31), True),
        ("end of next year", date(2027, 12, 31), True),
    ],
)
def test_next_and_this_period_in_every_language(
    text: str, expected: date, approximate: bool
) -> None:
    result = parse_required_by(text, today=TODAY)
    assert result.ok, result.error
    assert result.value is not None
    assert (result.value.date, result.value.approximate) == (expected, approximate)


@pytest.mark.parametrize(
    "text",
    ["1º de agosto de 2027", "1o de agosto de 2027", "1ª de agosto", "1° de agosto de 2027"],
)
def test_a_day_written_as_an_ordinal_is_that_day(text: str) -> None:
    result = parse_required_by(text, today=TODAY)
    assert result.value is not None
    assert (result.value.date, result.value.approximate) == (date(2027, 8, 1), False)


@pytest.mark.parametrize(
    "text", ["ASAP", "asap please", "as soon as possible", "urgent", "尽快", "lo antes posible"]
)
def test_asap_is_flagged_without_a_date(text: str) -> None:
    result = parse_required_by(text, today=TODAY, earliest=date(2026, 12, 21))
    assert result.ok
    assert result.value is not None
    assert result.value.asap and result.value.date is None
    assert result.notes == ("The earliest we can deliver is 21 December 2026.",)


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("03/05/2027", "US", date(2027, 3, 5)),
        ("03/05/2027", "PH", date(2027, 3, 5)),
        ("03/05/2027", "GB", date(2027, 5, 3)),
        ("03/05/2027", "DE", date(2027, 5, 3)),
        ("03/05/2027", "CN", date(2027, 5, 3)),
        ("03/05/2027", None, date(2027, 5, 3)),
        ("15/03/2027", "US", date(2027, 3, 15)),  # unambiguous either way
    ],
)
def test_day_or_month_first_by_country(text: str, country: str | None, expected: date) -> None:
    result = parse_required_by(text, today=TODAY, country=country)
    assert result.value is not None and result.value.date == expected


def test_date_order_for() -> None:
    assert date_order_for("US") == "MDY"
    assert date_order_for("us") == "MDY"
    assert date_order_for("GB") == "DMY"
    assert date_order_for("JP") == "DMY"
    assert date_order_for(None) == "DMY"
    assert date_order_for("XX") == "DMY"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("15 March 2025", "15 March 2025 is already in the past"),
        ("yesterday", "20 November 2026 is already in the past"),
        ("2035", "more than 5 years away"),
        ("lots", "couldn't read"),
        ("whenever", "couldn't read"),
        ("1e30", "couldn't read"),
        ("3pm", "couldn't read"),
        ("", "By when"),
        ("x" * 400, "just the date"),
    ],
)
def test_date_errors(text: str, says: str) -> None:
    result = parse_required_by(text, today=TODAY)
    assert not result.ok
    assert says in (result.error or "")


@pytest.mark.parametrize("text", ["tomorrow", "next week", "10 December 2026", "in 2 weeks"])
def test_sooner_than_lead_time_names_the_earliest_date(text: str) -> None:
    result = parse_required_by(text, today=TODAY, earliest=date(2026, 12, 21))
    assert not result.ok
    assert "the earliest possible date is 21 December 2026" in (result.error or "")


def test_the_earliest_date_itself_is_fine() -> None:
    result = parse_required_by("21/12/2026", today=TODAY, earliest=date(2026, 12, 21))
    assert result.ok


FORMATS_ANY_COUNTRY = ["%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%d.%m.%Y"]


@settings(max_examples=60, deadline=None)
@given(
    offset=st.integers(min_value=1, max_value=4 * 365),
    fmt=st.sampled_from([*FORMATS_ANY_COUNTRY, "%d/%m/%Y"]),
)
def test_future_dates_parse_back_day_first(offset: int, fmt: str) -> None:
    day = TODAY + timedelta(days=offset)
    result = parse_required_by(day.strftime(fmt), today=TODAY, country="DE")
    assert result.value is not None and result.value.date == day, result.error


@settings(max_examples=40, deadline=None)
@given(
    offset=st.integers(min_value=1, max_value=4 * 365),
    fmt=st.sampled_from([*FORMATS_ANY_COUNTRY, "%m/%d/%Y"]),
)
def test_future_dates_parse_back_month_first_in_the_us(offset: int, fmt: str) -> None:
    day = TODAY + timedelta(days=offset)
    result = parse_required_by(day.strftime(fmt), today=TODAY, country="US")
    assert result.value is not None and result.value.date == day, result.error


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=40))
def test_garbage_never_raises(text: str) -> None:
    result = parse_required_by(text, today=TODAY, earliest=TODAY + timedelta(days=30))
    assert result.ok or result.error
    if result.ok and result.value is not None and result.value.date is not None:
        assert result.value.date >= TODAY + timedelta(days=30)
