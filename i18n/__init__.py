"""The buyer's language: supported languages, the message catalog and language detection.

Every text the assistant says to a buyer lives in one catalog,
`i18n/messages/<lang>/<area>.yaml`, one file per area (rfq, answers, handoff, quotes...) and
language. `t("rfq.ask_quantity", "de", product="...")` renders one message;
`response("utter_greet", "zh")` a whole bot response (text and buttons) for the NLG endpoint.
"""

from i18n.catalog import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    MissingMessage,
    Msg,
    catalog,
    language_of,
    localize,
    response,
    t,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "MissingMessage",
    "Msg",
    "catalog",
    "language_of",
    "localize",
    "response",
    "t",
]
