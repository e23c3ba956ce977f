from __future__ import annotations

from api.chat.engine import _to_bot_message


def test_rasa_rest_messages_are_mapped() -> None:
    message = _to_bot_message(
        {"recipient_id": "x", "text": "Hi", "buttons": [{"title": "Yes", "payload": "/affirm"}]}
    )
    assert message is not None
    assert message.text == "Hi" and message.buttons == [{"title": "Yes", "payload": "/affirm"}]
    assert _to_bot_message({"recipient_id": "x", "custom": {"text": "c"}}).text == "c"  # type: ignore[union-attr]
    assert _to_bot_message({"recipient_id": "x"}) is None
