from __future__ import annotations

from datetime import date
from decimal import Decimal

from i18n import Msg, localize
from i18n.formatting import babel_locale, date_text, listed, number_text
from sales.rfq.formats import QuantityText


def test_babel_locales_of_the_supported_languages() -> None:
    assert babel_locale("zh") == "zh_Hans_CN"
    assert babel_locale("pt") == "pt_BR"
    assert babel_locale("de") == "de"
    assert babel_locale(None) == "en"


def test_numbers_use_the_language_separators() -> None:
    assert number_text(5000, "en") == "5,000"
    assert number_text(Decimal("5000"), "de") == "5.000"
    assert number_text("5000", "fr") == "5\u202f000"
    assert number_text(Decimal("1234.5"), "de") == "1.234,5"
    assert number_text(Decimal("12.5"), "en", places=2) == "12.50"


def test_dates_english_unambiguous_others_in_their_long_form() -> None:
    day = date(2027, 3, 15)
    assert date_text(day, "en") == "15 March 2027"
    assert date_text(day, "de") == "15. März 2027"
    assert date_text(day, "zh") == "2027年3月15日"
    assert date_text(day, "es") == "15 de marzo de 2027"
    assert date_text(day, "pt") == "15 de março de 2027"
    assert date_text(day, "fr") == "15 mars 2027"


def test_lists_join_with_the_language_conjunction() -> None:
    assert listed(["a", "b", "c"], "en") == "a, b and c"
    assert listed(["a", "b"], "de") == "a und b"
    assert listed(["甲", "乙", "丙"], "zh") == "甲、乙以及丙"
    assert listed(["a"], "fr") == "a"


def test_quantity_reads_as_english_and_renders_number_and_unit_in_the_language() -> None:
    quantity = QuantityText("5000", "pcs")
    assert quantity == "5,000 pcs"
    assert quantity.render("de") == "5.000 Stück"
    assert quantity.render("zh") == "5,000个"
    assert QuantityText("2.5", "t").render("fr") == "2,5 t"
    assert QuantityText("3", "drums") == "3 drums"  # a unit the catalog does not name
    # inside another message, localize() renders it too
    reason = Msg("rfq.below_moq", sku="X-1", quantity=quantity)
    assert localize(reason, "es") == "La cantidad mínima de pedido de X-1 es de 5.000 piezas."
