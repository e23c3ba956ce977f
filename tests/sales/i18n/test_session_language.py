"""The session's language: locale first, the first message long enough to tell, requests."""

from __future__ import annotations

import pytest

from sales.i18n.detect import detect, requested_language
from sales.i18n.session_language import Choice, Source, choose


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


@pytest.mark.parametrize("text", ["ok", "CIF Hamburg", "5000 pcs", "yes", "PNL-6060-40W"])
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
