from dataclasses import fields, replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.lead_score import (
    BUSINESS_TYPE_POINTS,
    COMPLETENESS_FIELDS,
    MAX_POINTS,
    InquiryFacts,
    LeadScore,
    order_value_usd,
    score,
)

TODAY = date(2026, 11, 21)
BARE = InquiryFacts(today=TODAY)
FULL = InquiryFacts(
    today=TODAY,
    quantity=Decimal(20_000),
    target_price=Decimal("12.50"),
    currency="USD",
    email="anna@lux-import.de",
    business_type="importer",
    required_by=TODAY + timedelta(days=90),
    company="Lux Import GmbH",
    contact_name="Anna Schmidt",
    phone="+49401234567",
    destination_country="DE",
    incoterm="FOB",
    payment_terms="TT",
    certifications=("CE", "ROHS"),
    sample_requested=True,
)


def test_tables_add_up_to_100() -> None:
    assert MAX_POINTS == 100
    assert set(COMPLETENESS_FIELDS) <= {f.name for f in fields(InquiryFacts)}


def test_empty_inquiry_scores_zero() -> None:
    result = score(BARE)
    assert result.total == 0
    assert set(result.parts) == {
        "order_value",
        "completeness",
        "email",
        "business_type",
        "timeline",
    }
    assert len(result.reasons) == 5
    assert result.band == "cold"


def test_a_complete_big_importer_inquiry_scores_100() -> None:
    result = score(FULL)
    assert result.total == 100
    assert result.band == "hot"


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (None, 0),
        ("0", 5),
        ("999.99", 5),
        ("1000", 12),
        ("4999", 12),
        ("5000", 20),
        ("19999", 20),
        ("20000", 28),
        ("99999", 28),
        ("100000", 35),
        ("5000000", 35),
    ],
)
def test_order_value_buckets(value: str | None, points: int) -> None:
    facts = replace(BARE, estimated_value_usd=Decimal(value) if value else None)
    assert score(facts).parts["order_value"] == points


def test_order_value_from_quantity_and_target_price() -> None:
    facts = replace(BARE, quantity=Decimal(1000), target_price=Decimal("7.5"), currency="EUR")
    assert order_value_usd(facts) == Decimal("8100.00")
    assert score(facts).parts["order_value"] == 20
    assert "USD 8,100" in score(facts).reasons[0]


def test_estimate_wins_over_quantity_times_price() -> None:
    facts = replace(FULL, estimated_value_usd=Decimal(500))
    assert score(facts).parts["order_value"] == 5


def test_unknown_currency_means_unknown_value() -> None:
    facts = replace(BARE, quantity=Decimal(10), target_price=Decimal(1), currency="XAU")
    assert score(facts).parts["order_value"] == 0
    rates = {"XAU": Decimal(2000)}
    assert score(facts, usd_rates=rates).parts["order_value"] == 28  # USD 20,000


@pytest.mark.parametrize(
    ("given", "points"),
    [(0, 0), (1, 2), (5, 10), (9, 18), (10, 20)],
)
def test_completeness(given: int, points: int) -> None:
    values = {name: getattr(FULL, name) for name in COMPLETENESS_FIELDS[:given]}
    facts = replace(BARE, **values)
    assert score(facts).parts["completeness"] == points


def test_no_certifications_needed_is_an_answer() -> None:
    assert score(replace(BARE, certifications=())).parts["completeness"] == 2
    assert score(replace(BARE, asap=True)).parts["completeness"] == 2


@pytest.mark.parametrize(
    ("email", "points"),
    [
        ("anna@lux-import.de", 15),
        ("buyer@gmail.com", 5),
        ("buyer@qq.com", 5),
        ("buyer@163.com", 5),
        (None, 0),
        ("", 0),
    ],
)
def test_email(email: str | None, points: int) -> None:
    assert score(replace(BARE, email=email)).parts["email"] == points


@pytest.mark.parametrize(("business_type", "points"), [*BUSINESS_TYPE_POINTS.items(), (None, 0)])
def test_business_type(business_type: str | None, points: int) -> None:
    assert score(replace(BARE, business_type=business_type)).parts["business_type"] == points


def test_importers_and_distributors_rank_above_end_users() -> None:
    ranks = BUSINESS_TYPE_POINTS
    assert ranks["importer"] == ranks["distributor"] > ranks["wholesaler"] > ranks["contractor"]
    assert ranks["contractor"] > ranks["retailer"] > ranks["end_user"] > ranks["other"] > 0


@pytest.mark.parametrize(
    ("days", "asap", "points"),
    [
        (None, False, 0),
        (None, True, 5),  # ASAP: keen, but sooner than we can produce
        (10, False, 5),  # sooner than the default 30-day lead time
        (30, False, 15),
        (180, False, 15),
        (181, False, 8),
        (365, False, 8),
        (366, False, 3),
        (1000, False, 3),
    ],
)
def test_timeline(days: int | None, asap: bool, points: int) -> None:
    required_by = TODAY + timedelta(days=days) if days is not None else None
    facts = replace(BARE, required_by=required_by, asap=asap)
    assert score(facts).parts["timeline"] == points


def test_timeline_uses_the_passed_in_earliest_date() -> None:
    facts = replace(BARE, required_by=TODAY + timedelta(days=40), earliest=TODAY + timedelta(45))
    assert score(facts).parts["timeline"] == 5


@pytest.mark.parametrize(("total", "band"), [(100, "hot"), (70, "hot"), (69, "warm"), (39, "cold")])
def test_bands(total: int, band: str) -> None:
    assert LeadScore(total=total).band == band


facts_strategy = st.builds(
    InquiryFacts,
    today=st.just(TODAY),
    quantity=st.none() | st.decimals(min_value=0, max_value=10**7, places=2),
    target_price=st.none() | st.decimals(min_value=0, max_value=10**5, places=2),
    currency=st.none() | st.sampled_from(["USD", "EUR", "CNY", "JPY", "XXX"]),
    estimated_value_usd=st.none() | st.decimals(min_value=-(10**6), max_value=10**9, places=2),
    email=st.none() | st.emails() | st.text(max_size=20),
    business_type=st.none() | st.sampled_from([*BUSINESS_TYPE_POINTS, "bogus"]),
    required_by=st.none() | st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)),
    asap=st.booleans(),
    company=st.none() | st.text(max_size=10),
    certifications=st.none() | st.just(()) | st.just(("CE",)),
    sample_requested=st.none() | st.booleans(),
)


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(facts_strategy)
def test_total_is_always_between_0_and_100(facts: InquiryFacts) -> None:
    result = score(facts)
    assert 0 <= result.total <= 100
    assert result.total == sum(result.parts.values())
    assert all(part >= 0 for part in result.parts.values())
    assert len(result.reasons) == len(result.parts)


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(
    facts_strategy,
    st.decimals(min_value=0, max_value=10**6, places=2),
    st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_a_bigger_order_never_lowers_the_score(
    facts: InquiryFacts, smaller: Decimal, extra: Decimal
) -> None:
    small = replace(facts, estimated_value_usd=smaller)
    big = replace(facts, estimated_value_usd=smaller + extra)
    assert score(big).total >= score(small).total


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(
    st.decimals(min_value=1, max_value=10**6, places=0),
    st.decimals(min_value=0, max_value=10**6, places=0),
    st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2),
)
def test_more_quantity_never_lowers_the_score(
    quantity: Decimal, extra: Decimal, price: Decimal
) -> None:
    base = replace(FULL, target_price=price, currency="EUR")
    small = score(replace(base, quantity=quantity))
    big = score(replace(base, quantity=quantity + extra))
    assert big.total >= small.total
