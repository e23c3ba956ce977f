"""bot/catalog_nlg.py in the engine's Python: a response in the session's language (the
`language` slot), or in the language the custom action passes with it (the form's question,
asked in the call that may change the slot)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from i18n import response
from tools import engine_files

SCRIPT = """
import asyncio, json, sys
sys.path.insert(0, ".")
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker
from bot.catalog_nlg import CatalogNaturalLanguageGenerator

slot = TextSlot("language", mappings=[{"type": "custom"}], initial_value="de")
tracker = DialogueStateTracker("s1", [slot])
nlg = CatalogNaturalLanguageGenerator()

async def main():
    by_slot = await nlg.generate("utter_ask_incoterm", tracker, "app")
    passed = await nlg.generate("utter_ask_incoterm", tracker, "app", language="fr")
    print(json.dumps([by_slot, passed]))

asyncio.run(main())
"""


@pytest.mark.engine
def test_a_response_in_the_slot_s_language_or_the_one_passed() -> None:
    result = subprocess.run(
        [str(engine_files.ENGINE_PYTHON), "-c", SCRIPT],
        cwd=engine_files.ROOT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    by_slot, passed = json.loads(result.stdout.splitlines()[-1])
    assert by_slot == response("utter_ask_incoterm", "de")
    assert passed == response("utter_ask_incoterm", "fr")
    assert by_slot["text"] != passed["text"]
