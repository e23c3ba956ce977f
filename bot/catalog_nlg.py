"""Rasa's natural language generator for exportdesk: bot responses from the message catalog.

The engine renders every `utter_*` response from `i18n/messages/<lang>/responses.yaml` in
the session's language (the `language` slot, or a `language` the custom action passes with the
response), so every text the buyer reads lives in one catalog,
in every supported language. It runs inside the engine process (no network hop); endpoints.yml
names it: `nlg: {type: bot.catalog_nlg.CatalogNaturalLanguageGenerator}`.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text

from rasa.core.nlg.generator import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from i18n import MissingMessage, response

log = logging.getLogger(__name__)

LANGUAGE_SLOT = "language"


def _params(slots: Dict[Text, Any], kwargs: Dict[Text, Any]) -> Dict[Text, Any]:
    """Slot values and the action's arguments, as Rasa's own templates would see them."""
    params = {name: value for name, value in slots.items() if value is not None}
    params.update({k: v for k, v in kwargs.items() if k != "domain_responses"})
    return params


class CatalogNaturalLanguageGenerator(NaturalLanguageGenerator):
    def __init__(
        self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None
    ) -> None:
        """Rasa passes the endpoint's config and the domain; the catalog needs neither."""

    async def generate(
        self,
        utter_action: Text,
        tracker: DialogueStateTracker,
        output_channel: Text,
        **kwargs: Any,
    ) -> Optional[Dict[Text, Any]]:
        params = _params(tracker.current_slot_values(), kwargs)
        try:
            # the session's language, or the one the action passes (`language=`: the form's
            # question, asked in the call that reads a message which may change the language)
            return response(utter_action, params.get(LANGUAGE_SLOT), **params)
        except (MissingMessage, KeyError) as exc:
            log.error("no catalog response for %s: %s", utter_action, exc)
            return None
