"""Every normaliser reads the six languages buyers write in: en, zh, es, de, pt, fr."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n import LANGUAGES, Msg, localize
from sales.normalizers import (
    Destination,
    IncotermChoice,
    PaymentTerms,
    Quantity,
    parse_business_type,
    parse_certifications,
    parse_country,
    parse_destination,
    parse_email,
    parse_incoterm,
    parse_money,
    parse_payment_terms,
    parse_person_name,
    parse_phone,
    parse_quantity,
    parse_required_by,
    parse_yes_no,
)
from sales.normalizers.countries import find_places

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("cinco mil", "5000", None),
        ("5 mil piezas", "5000", "pcs"),
        ("dos mil quinientas piezas", "2500", "pcs"),
        ("200 juegos", "200", "sets"),
        ("fünftausend Stück", "5000", "pcs"),
        ("2,5 Tausend Stück", "2500", "pcs"),
        ("5 Tsd. Stk.", "5000", "pcs"),
        ("50 Einheiten", "50", "pcs"),
        ("cinq mille pièces", "5000", "pcs"),
        ("5\u202f000 unités", "5000", "pcs"),
        ("5 lots", "5", "sets"),
        ("cinco mil peças", "5000", "pcs"),
        ("200 conjuntos", "200", "sets"),
        ("五千", "5000", None),
        ("五千个", "5000", "pcs"),
        ("5千", "5000", None),
        ("一万", "10000", None),
        ("1.2万套", "12000", "sets"),
        ("两千五百盏", "2500", "pcs"),
        ("约五千个", "5000", "pcs"),
        ("5千克", "5", "kg"),  # 千克 is a kilogram, not a thousand
        ("3 x 40 pies", "3", "containers"),
    ],
)
def test_quantities(text: str, amount: str, unit: str | None) -> None:
    result = parse_quantity(text)
    assert result.ok, result.error
    assert result.value is not None
    assert (result.value.amount, result.value.unit) == (Decimal(amount), unit)


@pytest.mark.parametrize(
    ("text", "expected", "approximate"),
    [
        ("15 de marzo de 2027", date(2027, 3, 15), False),
        ("antes del 15 de marzo de 2027", date(2027, 3, 15), False),
        ("finales de abril de 2027", date(2027, 4, 30), True),
        ("dentro de 30 días", date(2026, 12, 21), False),
        ("segundo trimestre de 2027", date(2027, 6, 30), True),
        ("Ende April 2027", date(2027, 4, 30), True),
        ("bis zum 15. März 2027", date(2027, 3, 15), False),
        ("2. Quartal 2027", date(2027, 6, 30), True),
        ("innerhalb von 6 Wochen", date(2027, 1, 2), False),
        ("mi-mai", date(2027, 5, 15), True),
        ("fin avril 2027", date(2027, 4, 30), True),
        ("fin d'avril", date(2027, 4, 30), True),
        ("le mois prochain", date(2026, 12, 31), True),
        ("T2 2027", date(2027, 6, 30), True),
        ("meados de maio", date(2027, 5, 15), True),
        ("até o dia 15 de março de 2027", date(2027, 3, 15), False),
        ("em um mês", date(2026, 12, 21), False),
        ("2027年3月15日", date(2027, 3, 15), False),
        ("2027年3月15日前交货", date(2027, 3, 15), False),
        ("3月中旬", date(2027, 3, 15), True),
        ("4月底", date(2027, 4, 30), True),
        ("2027年底", date(2027, 12, 31), True),
        ("第二季度", date(2027, 6, 30), True),
        ("上半年", date(2027, 6, 30), True),
        ("6周内", date(2027, 1, 2), False),
        ("两周内", date(2026, 12, 5), False),
        ("圣诞节前", date(2026, 12, 24), False),
    ],
)
def test_dates(text: str, expected: date, approximate: bool) -> None:
    result = parse_required_by(text, today=TODAY)
    assert result.ok, result.error
    assert result.value is not None
    assert (result.value.date, result.value.approximate) == (expected, approximate)


@pytest.mark.parametrize(
    "text",
    ["lo antes posible", "so schnell wie möglich", "le plus tôt possible", "o mais rápido possível",
     "尽快"],
)  # fmt: skip
def test_asap(text: str) -> None:
    result = parse_required_by(text, today=TODAY)
    assert result.value is not None and result.value.asap


@pytest.mark.parametrize(
    ("text", "country", "place"),
    [
        ("Alemania", "DE", None),
        ("Deutschland", "DE", None),
        ("Allemagne", "DE", None),
        ("Alemanha", "DE", None),
        ("德国", "DE", None),
        ("Hamburgo", "DE", "Hamburg"),
        ("Hambourg", "DE", "Hamburg"),
        ("汉堡", "DE", "Hamburg"),
        ("汉堡港", "DE", "Hamburg"),
        ("Róterdam", "NL", "Rotterdam"),
        ("鹿特丹", "NL", "Rotterdam"),
        ("São Paulo", "BR", "São Paulo"),
        ("Nueva York", "US", "New York"),
        ("Londres", "GB", "London"),
        ("puerto de Hamburgo", "DE", "Hamburg"),
        ("port du Havre", "FR", "Le Havre"),
        ("nach Hamburg", "DE", "Hamburg"),
        ("Hamburgo, Alemania", "DE", "Hamburg"),
        ("发往汉堡", "DE", "Hamburg"),
    ],
)
def test_destinations_by_local_names(text: str, country: str, place: str | None) -> None:
    assert parse_destination(text).value == Destination(country, place)


@pytest.mark.parametrize("text", ["Estados Unidos", "États-Unis", "Vereinigte Staaten", "美国"])
def test_countries_by_local_names(text: str) -> None:
    assert parse_country(text).value == "US"


def test_chinese_places_are_found_without_spaces() -> None:
    found = find_places("我们需要5000个面板灯，发往汉堡，另外运往印度尼西亚雅加达")
    assert [m.destination for m in found] == [
        Destination("DE", "Hamburg"),
        Destination("ID", None),  # 印度尼西亚 (Indonesia), not 印度 (India)
        Destination("ID", "Jakarta"),
    ]


@pytest.mark.parametrize(
    ("text", "code", "place"),
    [
        ("FOB 深圳", "FOB", "Shenzhen"),
        ("FOB深圳", "FOB", "Shenzhen"),
        ("CIF Hamburgo", "CIF", "Hamburg"),
        ("CIF 汉堡", "CIF", "Hamburg"),
        ("CIF nach Hamburg", "CIF", "Hamburg"),
        ("franco fábrica", "EXW", None),
        ("ab Werk", "EXW", None),
        ("à l'usine", "EXW", None),
        ("frei an Bord Ningbo", "FOB", "Ningbo"),
        ("coût, assurance et fret Le Havre", "CIF", "Le Havre"),
        ("geliefert verzollt", "DDP", None),
        ("离岸价", "FOB", None),
        ("到岸价 汉堡", "CIF", "Hamburg"),
        ("CIF Toronto", "CIF", "Toronto"),  # "to" in "Toronto" is not a preposition
    ],
)
def test_incoterms(text: str, code: str, place: str | None) -> None:
    assert parse_incoterm(text).value == IncotermChoice(code, place)


@pytest.mark.parametrize(
    "text", ["sin preferencia", "keine Präferenz", "peu importe", "tanto faz", "无所谓"]
)
def test_no_incoterm_preference(text: str) -> None:
    result = parse_incoterm(text)
    assert result.ok and result.value is None and result.notes


def test_door_to_door_in_spanish() -> None:
    assert parse_incoterm("puerta a puerta").suggestions == ("DAP", "DDP")


@pytest.mark.parametrize(
    ("text", "code", "detail"),
    [
        ("carta de crédito a la vista", "LC", "at sight"),
        ("30% de anticipo, 70% antes del envío", "TT", "30% deposit, 70% before shipment"),
        ("pago anticipado", "TT", "100% in advance"),
        ("Akkreditiv", "LC", None),
        ("30% Anzahlung per T/T", "TT", "30% deposit, 70% before shipment"),
        ("50% Anzahlung, Rest nach Ankunft", "TT", "50% deposit, 50% after arrival"),
        ("offene Rechnung 30 Tage", "OA", "30 days"),
        ("lettre de crédit", "LC", None),
        ("virement 30 % d'acompte", "TT", "30% deposit, 70% before shipment"),
        ("30 % d'acompte, solde avant expédition", "TT", "30% deposit, 70% before shipment"),
        ("carta de crédito", "LC", None),
        ("30% de entrada e 70% antes do embarque", "TT", "30% deposit, 70% before shipment"),
        ("信用证", "LC", None),
        ("信用证90天", "LC", "90 days"),
        ("电汇30%定金", "TT", "30% deposit, 70% before shipment"),
        ("30%预付款", "TT", "30% deposit, 70% before shipment"),
        ("30%定金，余款见提单副本", "TT", "30% deposit, 70% against B/L copy"),
    ],
)
def test_payment_terms(text: str, code: str, detail: str | None) -> None:
    assert parse_payment_terms(text).value == PaymentTerms(code, detail)


def test_a_deposit_alone_leaves_the_balance_before_shipment_and_says_so() -> None:
    result = parse_payment_terms("30% deposit")
    assert result.value == PaymentTerms("TT", "30% deposit, 70% before shipment")
    assert result.notes == ("I've taken the remaining 70% as due before shipment.",)


@pytest.mark.parametrize(
    ("text", "name"),
    [("tarjeta de crédito", "tarjeta de crédito"), ("Kreditkarte", "Kreditkarte"),
     ("支付宝", "支付宝"), ("Nachnahme", "Nachnahme"), ("货到付款", "货到付款")],
)  # fmt: skip
def test_unsupported_methods_are_named_as_written(text: str, name: str) -> None:
    assert f"we can't accept {name}" in (parse_payment_terms(text).error or "")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("sí", True), ("claro que sí", True), ("no, gracias", False), ("no hace falta", False),
        ("ja", True), ("ja, gerne", True), ("auf jeden Fall", True), ("nein danke", False),
        ("nicht nötig", False), ("oui", True), ("tout à fait", True), ("non merci", False),
        ("pas la peine", False), ("sim", True), ("sim, por favor", True), ("não", False),
        ("não precisa", False), ("是", True), ("要", True), ("需要", True), ("好的", True),
        ("没问题", True), ("不错", True), ("不", False), ("不要", False), ("不用", False),
        ("不需要", False), ("算了", False),
    ],
)  # fmt: skip
def test_yes_no(text: str, answer: bool) -> None:
    assert parse_yes_no(text).value is answer


@pytest.mark.parametrize("text", ["quizás", "vielleicht", "peut-être", "talvez", "看情况"])
def test_unsure_is_asked_again(text: str) -> None:
    assert not parse_yes_no(text).ok


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("importador", "importer"), ("distribuidor", "distributor"), ("mayorista", "wholesaler"),
        ("contratista", "contractor"), ("minorista", "retailer"), ("usuario final", "end_user"),
        ("Importeur", "importer"), ("Händler", "distributor"), ("Großhändler", "wholesaler"),
        ("Installateur", "contractor"), ("Einzelhändler", "retailer"), ("Endkunde", "end_user"),
        ("importateur", "importer"), ("distributeur", "distributor"), ("grossiste", "wholesaler"),
        ("installateur", "contractor"), ("détaillant", "retailer"),
        ("utilisateur final", "end_user"), ("atacadista", "wholesaler"),
        ("empreiteiro", "contractor"), ("varejista", "retailer"), ("revendedor", "distributor"),
        ("usuário final", "end_user"), ("进口商", "importer"), ("经销商", "distributor"),
        ("批发商", "wholesaler"), ("承包商", "contractor"), ("零售商", "retailer"),
        ("终端用户", "end_user"), ("wir sind Großhändler", "wholesaler"),
        ("我们是经销商", "distributor"),
    ],
)  # fmt: skip
def test_business_types(text: str, code: str) -> None:
    assert parse_business_type(text).value == code


@pytest.mark.parametrize(
    "text",
    ["ninguna", "ninguna certificación", "keine", "keine Zertifizierung", "aucune",
     "aucune certification", "pas besoin", "nenhuma", "nenhuma certificação", "不需要", "无需认证"],
)  # fmt: skip
def test_no_certifications_needed(text: str) -> None:
    assert parse_certifications(text).value == ()


@pytest.mark.parametrize(
    "text",
    ["CE y RoHS", "marcado CE y RoHS", "CE und RoHS", "CE-Kennzeichnung und RoHS", "CE et RoHS",
     "CE e RoHS", "CE和RoHS认证", "需要CE、RoHS"],
)  # fmt: skip
def test_certifications_in_sentences(text: str) -> None:
    result = parse_certifications(text)
    assert result.value == ("CE", "ROHS") and not result.notes


@pytest.mark.parametrize(
    ("text", "amount", "currency", "per_unit"),
    [
        ("12,50 € por pieza", "12.50", "EUR", "pcs"),
        ("12,50 EUR la pièce", "12.50", "EUR", "pcs"),
        ("12,50 € pro Stück", "12.50", "EUR", "pcs"),
        ("12,50 dólares por peça", "12.50", "USD", "pcs"),
        ("每个12.5美元", "12.5", "USD", None),
        ("80欧元", "80", "EUR", None),
    ],
)
def test_money(text: str, amount: str, currency: str, per_unit: str | None) -> None:
    result = parse_money(text)
    assert result.ok, result.error
    assert result.value is not None
    assert (result.value.amount, result.value.currency) == (Decimal(amount), currency)
    if per_unit:
        assert result.value.per_unit == per_unit


@pytest.mark.parametrize(
    ("text", "email"),
    [("mi correo es ana@iluminacion.es", "ana@iluminacion.es"),
     ("邮箱：wang@guangming.cn", "wang@guangming.cn")],
)  # fmt: skip
def test_email_introductions(text: str, email: str) -> None:
    assert parse_email(text).value == email


@pytest.mark.parametrize(
    ("text", "name"),
    [("me llamo Ana García", "Ana García"), ("mein Name ist Jana Weber", "Jana Weber"),
     ("je m'appelle Claire Martin", "Claire Martin"), ("meu nome é João Silva", "João Silva"),
     ("我叫王伟", "王伟")],
)  # fmt: skip
def test_name_introductions(text: str, name: str) -> None:
    assert parse_person_name(text).value == name


# ---- the sentences for the buyer -----------------------------------------------------------

_NORMALISERS = [
    parse_quantity,
    lambda text: parse_required_by(text, today=TODAY, earliest=date(2026, 12, 21)),
    parse_destination,
    parse_country,
    parse_incoterm,
    parse_payment_terms,
    parse_yes_no,
    parse_business_type,
    parse_certifications,
    parse_money,
    parse_email,
    lambda text: parse_phone(text, default_region="DE"),
    parse_person_name,
]


@settings(deadline=None, max_examples=60)
@given(st.sampled_from(_NORMALISERS), st.text(max_size=40))
def test_every_sentence_is_a_catalog_message_said_in_every_language(parse, text: str) -> None:  # type: ignore[no-untyped-def]
    result = parse(text)
    for sentence in [result.error, *result.notes] if result.error else result.notes:
        assert isinstance(sentence, Msg) and sentence.key.startswith("validation.")
        said = {language: localize(sentence, language) for language in LANGUAGES}
        assert said["en"] == sentence
        assert all(said.values())


@pytest.mark.parametrize(
    ("result", "language", "words"),
    [
        (parse_quantity("99999999 pcs"), "de", "höchstens 10.000.000"),
        (parse_quantity("99999999 pcs"), "fr", "10\u202f000\u202f000"),
        (parse_required_by("1 March 2020", today=TODAY), "de", "1. März 2020"),
        (parse_required_by("1 March 2020", today=TODAY), "fr", "1er mars 2020"),
        (parse_required_by("15 March 2020", today=TODAY), "zh", "2020年3月15日"),
        (parse_required_by("15 March 2020", today=TODAY), "es", "15 de marzo de 2020"),
        (parse_destination("Hamburgh"), "de", "„Hamburgh“"),
        (parse_certifications("XYZ"), "fr", "«\u00a0XYZ\u00a0»"),
        (parse_money("¥80"), "zh", "人民币"),
        (parse_country("Atlantiss"), "es", "«Atlantiss»"),
    ],
)
def test_numbers_dates_quotes_and_names_are_written_the_buyers_way(
    result, language: str, words: str
) -> None:  # type: ignore[no-untyped-def]
    sentence = result.error or result.notes[0]
    assert words in localize(sentence, language)
    assert words not in sentence  # the English reading stays English


def test_quantity_parsed_value_is_unchanged_by_language() -> None:
    assert (
        parse_quantity("5.000 piezas").value
        == parse_quantity("5,000 pcs").value
        == Quantity(Decimal(5000), "pcs")
    )
