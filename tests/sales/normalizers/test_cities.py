"""Cities we do not list as ports, found in GeoNames' data."""

from __future__ import annotations

import pytest

from sales.normalizers import parse_destination
from sales.normalizers.cities import MIN_POPULATION, find_city


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Manaus", "Manaus", "BR"),
        ("linz", "Linz", "AT"),
        ("Bâle", "Basel", "CH"),
        ("马瑙斯", "Manaus", "BR"),
    ],
)
def test_a_city_by_its_name_or_another_name(text: str, name: str, country: str) -> None:
    city = find_city(text)
    assert city is not None
    assert (city.name, city.country) == (name, country)
    assert city.population >= MIN_POPULATION


@pytest.mark.parametrize("text", ["yes", "not sure yet", "ab", "Atlantis", "Nowhereville"])
def test_words_codes_and_unknown_names_are_no_city(text: str) -> None:
    assert find_city(text) is None


@pytest.mark.parametrize(
    ("text", "country", "place"),
    [
        ("Basel", "CH", "Basel"),
        ("Manaus port", "BR", "Manaus"),
        ("Bâle, Suisse", "CH", "Basel"),
        ("Valencia, Venezuela", "VE", "Valencia"),  # an explicit country wins
        ("Hamburg", "DE", "Hamburg"),  # our port list first
    ],
)
def test_a_destination_answer_names_a_city_we_do_not_list(
    text: str, country: str, place: str
) -> None:
    parsed = parse_destination(text)
    assert parsed.ok, parsed.error
    assert (parsed.value.country, parsed.value.place) == (country, place)
