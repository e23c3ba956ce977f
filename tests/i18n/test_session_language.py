"""The session's language: locale first, the first message long enough to tell, requests."""

from __future__ import annotations

import pytest

from i18n.detect import detect, requested_language
from i18n.session_language import Choice, Source, choose


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Hello, we need a quotation for LED panels", "en"),
        ("Necesitamos 5.000 paneles LED para Hamburgo", "es"),
        ("Wir brauchen 5000 Stück Panels nach Hamburg", "de"),
        ("我们需要五千个面板灯", "zh"),
        ("Precisamos de cinco mil painéis LED para o Brasil", "pt"),
        ("Nous avons besoin de 5000 panneaux LED", "fr"),
    ],
)
def test_detects_each_language(text: str, lang: str) -> None:
    assert detect(text) == lang


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "CIF Hamburg",
        "5000 pcs",
        "yes",
        "PNL-6060-40W",
        "mcosta@luzdosul.example",  # an address is in no language
        "https://www.luzdosul.example/contact",
    ],
)
def test_short_messages_say_nothing(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Can we speak English?", "en"),
        ("English please", "en"),
        ("¿Podemos hablar en español?", "es"),
        ("auf Deutsch bitte", "de"),
        ("请说中文", "zh"),
        ("Em português, por favor", "pt"),
        ("Parlez-vous français ?", "fr"),
    ],
)
def test_explicit_requests(text: str, lang: str) -> None:
    assert requested_language(text) == lang


@pytest.mark.parametrize(
    "text", ["We sell to the French market", "CE for the German market", "I am in Spanish market"]
)
def test_a_language_named_in_passing_is_no_request(text: str) -> None:
    assert requested_language(text) is None


def test_the_first_telling_message_sets_the_language_and_later_ones_keep_it() -> None:
    first = choose("en", Source.LOCALE, "Necesitamos 5.000 paneles LED para Hamburgo")
    assert first == Choice("es", Source.DETECTED)
    assert choose("es", Source.DETECTED, "Jana Weber, Nordlicht Handels GmbH, Hamburg") is None
    assert choose("en", Source.LOCALE, "hi") is None


def test_a_request_switches_at_any_time_and_sticks() -> None:
    asked = choose("es", Source.DETECTED, "Can we speak English?")
    assert asked == Choice("en", Source.REQUESTED) and asked.requested
    assert choose("en", Source.REQUESTED, "Necesitamos 5.000 paneles LED para Hamburgo") is None
    assert choose("en", Source.REQUESTED, "auf Deutsch bitte") == Choice("de", Source.REQUESTED)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Hello, we are 深圳光明照明有限公司 and we need 500 panels for Lagos", "en"),
        ("Company: 广州市白云灯具厂, contact Li Wei, email li@bylamp.example", "en"),
        ("我们是深圳光明照明有限公司", "zh"),
        ("我们需要5000个PNL-6060-40W", "zh"),
    ],
)
def test_a_han_company_name_in_another_language_is_a_name(text: str, lang: str) -> None:
    assert detect(text) == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Sorry, I don't read Chinese, can we speak English?", "en"),
        ("Lo siento, no hablo inglés, ¿podemos hablar en español?", "es"),
        ("Je ne parle pas allemand, on peut parler français ?", "fr"),
    ],
)
def test_of_two_languages_named_the_one_asked_for_wins(text: str, lang: str) -> None:
    assert requested_language(text) == lang
