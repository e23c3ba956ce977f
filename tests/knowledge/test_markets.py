import pytest

from knowledge.markets import MarketDirectory, load_markets

from .conftest import FIXTURE_SOURCE


@pytest.fixture(scope="module")
def directory() -> MarketDirectory:
    return MarketDirectory(load_markets(FIXTURE_SOURCE / "markets.yaml"))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Can I sell this in the UK?", "GB"),
        ("我们想卖到英国", "GB"),
        ("¿Sirve para el Reino Unido?", "GB"),
        ("Ist das für Deutschland zugelassen?", "DE"),
        ("for the United States", "US"),
        ("para Estados Unidos", "US"),
        ("澳大利亚市场", "AU"),
        ("nach Österreich", "EU"),  # member state without an entry of its own -> EU rules
        ("欧盟", "EU"),
    ],
)
def test_market_names_in_several_languages(
    directory: MarketDirectory, text: str, code: str
) -> None:
    assert directory.find(text) == [code]


def test_short_codes_only_match_in_capitals(directory: MarketDirectory) -> None:
    assert directory.find("let us know") == []
    assert directory.find("shipping to the US and the EU") == ["US", "EU"]


def test_inherited_rules_are_merged(directory: MarketDirectory) -> None:
    germany = directory.markets["DE"]
    assert germany.required == ("CE", "ROHS", "REACH", "ERP")
    assert germany.recommended == ("ENEC", "TUV-GS")


def test_check_uses_accepted_alternatives(directory: MarketDirectory) -> None:
    check = directory.check(["CE", "ROHS"], "GB")
    assert check.compliant and check.via_alternative == {"UKCA": "CE"}
    assert check.recommended_missing == ("ENEC",)
    check = directory.check(["UL"], "US")
    assert check.missing == ("FCC",) and not check.compliant


def test_resolve_accepts_codes_and_names(directory: MarketDirectory) -> None:
    assert directory.resolve("gb") == "GB"
    assert directory.resolve("Australien") == "AU"
    assert directory.resolve("Atlantis") is None


def test_groups_follow_inherits_and_eu_membership(directory: MarketDirectory) -> None:
    assert directory.groups("DE") == {"DE", "EU"}
    assert directory.groups("AT") == {"AT", "EU"}
    assert directory.groups("US") == {"US"}


def test_country_names_are_the_rfq_readers_ones(directory: MarketDirectory) -> None:
    from sales.normalizers.countries import country_names

    # one list of country names (sales/normalizers/data/country_aliases.yaml, ISO, CLDR)
    assert "Großbritannien" in country_names("GB")
    assert directory.find("Lieferung nach Großbritannien") == ["GB"]
    assert directory.find("Can we sell in the States?") == ["US"]
    assert directory.find("Ship to the member states of the EU") == ["EU"]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("We ship to Sydney next month, what do we need?", ["AU"]),
        ("Lieferung nach Hamburg: welche Zulassung?", ["DE"]),
        ("livraison à Lyon, quelles certifications ?", ["EU"]),  # a member's city: EU rules
        ("发往墨尔本需要什么认证？", ["AU"]),
        # a country named wins over a city: the buyer says where the goods are sold
        ("we are based in Sydney and sell to the UK", ["GB"]),
        ("DALI drivers for the office", []),
    ],
)
def test_a_city_named_as_a_destination_stands_for_its_market(
    directory: MarketDirectory, text: str, codes: list[str]
) -> None:
    assert directory.find(text) == codes


def test_a_city_outside_our_markets_is_an_unknown_country(directory: MarketDirectory) -> None:
    assert directory.unknown_countries("can we import it to Santiago?") == ["CL"]
    assert directory.unknown_countries("can we import it to Sydney?") == []
