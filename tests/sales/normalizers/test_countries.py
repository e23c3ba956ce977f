import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.normalizers._data import load_table
from sales.normalizers.countries import (
    Destination,
    country_name,
    find_places,
    parse_country,
    parse_destination,
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Germany", "DE"),
        ("germany", "DE"),
        ("DE", "DE"),
        ("de", "DE"),
        ("DEU", "DE"),
        ("Deutschland", "DE"),
        ("Alemania", "DE"),
        ("Allemagne", "DE"),
        ("德国", "DE"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("United Kingdom", "GB"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("us", "US"),
        ("the States", "US"),
        ("United States of America", "US"),
        ("Estados Unidos", "US"),
        ("Vereinigte Staaten", "US"),
        ("美国", "US"),
        ("Holland", "NL"),
        ("the Netherlands", "NL"),
        ("UAE", "AE"),
        ("United Arab Emirates", "AE"),
        ("KSA", "SA"),
        ("South Korea", "KR"),
        ("Korea", "KR"),
        ("Vietnam", "VN"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Ivory Coast", "CI"),
        ("Côte d’Ivoire", "CI"),
        ("México", "MX"),
        ("Mexico", "MX"),
        ("Brasil", "BR"),
        ("España", "ES"),
        ("Russia", "RU"),
        ("Czech Republic", "CZ"),
        ("Nigeria", "NG"),
        ("Kenya", "KE"),
        ("Saudi Arabia", "SA"),
        ("Australien", "AU"),
        ("NO", "NO"),  # capitals: Norway
        ("IN", "IN"),
        ("Norway", "NO"),
    ],
)
def test_countries(text: str, code: str) -> None:
    result = parse_country(text)
    assert result.ok, result.error
    assert result.value == code


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("Germny", "Germany"), ("Nigerria", "Nigeria"), ("Autralia", "Australia"), ("no", "Norway")],
)
def test_unknown_country_suggests(text: str, suggestion: str) -> None:
    result = parse_country(text)
    assert not result.ok
    assert suggestion in result.suggestions
    assert 1 <= len(result.suggestions) <= 3
    assert f"Did you mean {result.suggestions[0]}" in (result.error or "")


@pytest.mark.parametrize("text", ["Narnia-land", "xyzzy", "", "12345"])
def test_unknown_country_without_suggestion(text: str) -> None:
    result = parse_country(text)
    assert not result.ok and result.error


PORTS = [
    ("Hamburg", "DE", "Hamburg"),
    ("Rotterdam", "NL", "Rotterdam"),
    ("Antwerp", "BE", "Antwerp"),
    ("Antwerpen", "BE", "Antwerp"),
    ("Felixstowe", "GB", "Felixstowe"),
    ("Los Angeles", "US", "Los Angeles"),
    ("Long Beach", "US", "Long Beach"),
    ("New York", "US", "New York"),
    ("NYC", "US", "New York"),
    ("Savannah", "US", "Savannah"),
    ("Houston", "US", "Houston"),
    ("Vancouver", "CA", "Vancouver"),
    ("Sydney", "AU", "Sydney"),
    ("Melbourne", "AU", "Melbourne"),
    ("Dubai", "AE", "Dubai"),
    ("Jebel Ali", "AE", "Jebel Ali"),
    ("Santos", "BR", "Santos"),
    ("Lagos", "NG", "Lagos"),
    ("Apapa", "NG", "Lagos"),
    ("Mombasa", "KE", "Mombasa"),
    ("Durban", "ZA", "Durban"),
    ("Mumbai", "IN", "Mumbai"),
    ("Nhava Sheva", "IN", "Nhava Sheva"),
    ("JNPT", "IN", "Nhava Sheva"),
    ("Singapore", "SG", "Singapore"),
    ("Jakarta", "ID", "Jakarta"),
    ("Manila", "PH", "Manila"),
    ("Ho Chi Minh City", "VN", "Ho Chi Minh City"),
    ("Saigon", "VN", "Ho Chi Minh City"),
    ("Valencia", "ES", "Valencia"),
    ("Barcelona", "ES", "Barcelona"),
    ("Genoa", "IT", "Genoa"),
    ("Genova", "IT", "Genoa"),
    ("Le Havre", "FR", "Le Havre"),
    ("Gdansk", "PL", "Gdansk"),
    ("Gdańsk", "PL", "Gdansk"),
    ("Piraeus", "GR", "Piraeus"),
    ("Busan", "KR", "Busan"),
    ("Oslo", "NO", "Oslo"),
    ("München", "DE", "Munich"),
]


@pytest.mark.parametrize(("text", "country", "place"), PORTS)
def test_ports_and_cities(text: str, country: str, place: str) -> None:
    assert parse_destination(text).value == Destination(country, place)


@pytest.mark.parametrize(
    ("text", "country", "place"),
    [
        ("Germany", "DE", None),
        ("Hong Kong", "HK", "Hong Kong"),
        ("port of Santos", "BR", "Santos"),
        ("Santos, Brazil", "BR", "Santos"),
        ("Hamburg, Germany", "DE", "Hamburg"),
        ("Hamburg (Germany)", "DE", "Hamburg"),
        ("Hamburg Germany", "DE", "Hamburg"),
        ("Lagos Nigeria", "NG", "Lagos"),
        ("Jebel Ali port, UAE", "AE", "Jebel Ali"),
        ("ship to Rotterdam port", "NL", "Rotterdam"),
        ("destination: Felixstowe, UK", "GB", "Felixstowe"),
        ("München, Deutschland", "DE", "Munich"),
        ("Valencia, Venezuela", "VE", "Valencia"),  # an explicit country wins
        ("Los Angeles, CA", "US", "Los Angeles"),  # CA the state, not Canada
        ("Houston, TX", "US", "Houston"),
        ("Tulsa, USA", "US", "Tulsa"),  # not in the table but the country is explicit
        ("leeds, england", "GB", "Leeds"),
    ],
)
def test_destinations(text: str, country: str, place: str | None) -> None:
    result = parse_destination(text)
    assert result.ok, result.error
    assert result.value == Destination(country, place)


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("Hamburgh", "Hamburg"), ("Sydnee", "Sydney"), ("Rotterdamm", "Rotterdam")],
)
def test_unknown_destination_suggests(text: str, suggestion: str) -> None:
    result = parse_destination(text)
    assert not result.ok
    assert suggestion in result.suggestions
    assert len(result.suggestions) <= 3


@pytest.mark.parametrize("text", ["xyzzy", "", "<b>Hamburg</b>, 123", "1234, Germany"])
def test_bad_destinations(text: str) -> None:
    result = parse_destination(text)
    assert not result.ok and result.error


def test_port_table_is_big_and_consistent() -> None:
    rows = load_table("ports.yaml")
    assert len(rows) >= 60
    for row in rows:
        assert parse_country(row["country"]).value == row["country"], row
        assert parse_destination(row["name"]).value == Destination(row["country"], row["name"])


def test_country_name() -> None:
    assert country_name("DE") == "Germany"
    assert country_name("de", "de") == "Deutschland"


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=40))
def test_garbage_never_raises(text: str) -> None:
    for result in (parse_country(text), parse_destination(text)):
        assert result.ok or result.error


@pytest.mark.parametrize(
    ("text", "country", "place"),
    [
        ("Recife, Brasil, DAP Recife", "BR", "Recife"),
        ("Linz, Österreich, 31. Juli 2027", "AT", "Linz"),
        ("Basel, Schweiz, Ende Februar 2027", "CH", "Basel"),
        ("DAP Linz, Austria", "AT", "Linz"),
        ("Please ship to Porto Alegre, Brazil", "BR", "Porto Alegre"),
        ("für unsere Halle in Linz, Österreich", "AT", "Linz"),
    ],
)
def test_a_city_we_do_not_list_is_kept_before_its_country(
    text: str, country: str, place: str
) -> None:
    mentions = find_places(text)
    assert mentions, text
    assert mentions[0].destination == Destination(country, place)


@pytest.mark.parametrize(
    "text", ["Bonjour, Maroc", "Casa Lumière Comércio Ltda, Brasil", "Hello, Germany"]
)
def test_greetings_and_companies_before_a_country_are_not_cities(text: str) -> None:
    assert [m.destination.place for m in find_places(text)] == [None]


@pytest.mark.parametrize(
    ("text", "code"),
    [("Vereinigten Staaten", "US"), ("VAE", "AE"), ("沙特", "SA"), ("Gran Bretaña", "GB")],
)
def test_names_from_the_one_alias_list(text: str, code: str) -> None:
    """Names the market search knew before the two lists became one."""
    assert parse_country(text).value == code


def test_country_names_gather_every_source() -> None:
    from sales.normalizers.countries import country_names

    names = country_names("US")
    assert {"the States", "United States of America", "Estados Unidos", "美国"} <= names
    assert "Vereinigte Staaten" in names  # CLDR (de)


@pytest.mark.parametrize("text", ["só a certificação SEC", "we need SEC and CE"])
def test_a_three_letter_name_of_another_locale_is_no_place(text: str) -> None:
    # "Séc" is Czechia in Vietnamese; SEC is Chile's electrical certification
    assert find_places(text) == []
