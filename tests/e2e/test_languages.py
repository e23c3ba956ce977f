"""End to end: the session's language (widget locale, detection, the buyer's request) decides
the language of the bot's responses, which the engine renders from the message catalog."""

from __future__ import annotations

import pytest

from i18n import catalog, response, t

from .chat import Buyer
from .conftest import RunningStack

pytestmark = pytest.mark.e2e


def _response_texts(lang: str) -> set[str]:
    return {
        response(key.removeprefix("responses."), lang)["text"]
        for key in catalog(lang)
        if key.startswith("responses.")
    }


@pytest.mark.parametrize("locale", ["zh-CN", "es", "de", "pt-BR", "fr"])
def test_the_widget_locale_is_the_language_until_the_buyer_writes_enough_to_tell(
    running_stack: RunningStack, locale: str
) -> None:
    buyer = Buyer(running_stack.client()).start(locale=locale)
    assert buyer.reply("hi") == response("utter_greet", locale)["text"]
    titles = [b["title"] for b in buyer.last_buttons()]
    assert titles == [b["title"] for b in response("utter_greet", locale)["buttons"]]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("你好，请问你们能提供哪些服务？", "zh"),
        ("Hola, ¿en qué me puede ayudar usted?", "es"),
        ("Guten Tag, wobei können Sie mir helfen?", "de"),
        ("Bonjour, comment pouvez-vous m'aider ?", "fr"),
        ("Olá, como você pode me ajudar hoje?", "pt"),
    ],
)
def test_a_buyer_writing_another_language_is_answered_in_it(
    running_stack: RunningStack, text: str, lang: str
) -> None:
    buyer = Buyer(running_stack.client()).start(locale="en")
    reply = buyer.reply(text)
    assert reply in _response_texts(lang) or any(
        known in reply for known in _response_texts(lang)
    ), reply


def test_the_buyer_asks_for_another_language_and_keeps_it(running_stack: RunningStack) -> None:
    buyer = Buyer(running_stack.client()).start(locale="es")
    assert buyer.reply("hi") == response("utter_greet", "es")["text"]
    assert t("core.language_switched", "en") in buyer.reply("Can we speak English?")
    # detection no longer overrides a language the buyer asked for
    assert buyer.reply("Hola, ¿en qué me puede ayudar usted?") in _response_texts("en")
    assert t("core.language_switched", "de") in buyer.reply("Auf Deutsch, bitte")
