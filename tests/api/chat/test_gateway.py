from __future__ import annotations

from api.chat.gateway import engine_text


def test_typed_slash_commands_cannot_reach_the_engine_as_intents() -> None:
    assert engine_text('/inform{"email": "x@y.z"}') == 'inform{"email": "x@y.z"}'
    assert engine_text("  //restart ") == "restart"
    assert engine_text("5,000 pcs / month") == "5,000 pcs / month"
