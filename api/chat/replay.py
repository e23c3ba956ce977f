"""The replay job: buyer messages kept while the engine was down are answered once it is back
(issue 14, finding 5), even when the buyer writes nothing more.

Every app instance runs it (api/main.py, every CHAT_REPLAY_INTERVAL_S) over the sessions the
bot has with messages older than the engine's timeout (a younger one may still be in its first
attempt) that the engine never answered. Each session is replayed under the gateway's lock, in
order, and each turn is sent as a replay: the engine answers a turn it already ran (its answer
timed out, the app died before storing it) from its record instead of running it again
(bot/channels/app.py), and only one attempt stores an answer (sales/conversations.py, answer).
So instances may overlap without a turn running twice or an answer stored twice.

A session whose turn the engine (up) fails is passed over for the next session (the failure is
counted; after CHAT_REPLAY_MAX_ATTEMPTS and CHAT_REPLAY_GIVE_UP_S the message is given up and the
session goes on, sales/replay.py); the pass stops when the engine is down."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from api.chat.gateway import ChatGateway, EngineDown, TurnFailed
from sales import conversations
from sales.db import Database

log = logging.getLogger(__name__)


async def replay_kept(gateway: ChatGateway, db: Database, *, older_than_s: float) -> int:
    """Replay the kept messages of up to 100 sessions; how many messages were replayed. Does
    nothing while the engine has no model loaded."""
    before = datetime.now(UTC) - timedelta(seconds=older_than_s)
    async with db.session() as session:
        waiting = await conversations.sessions_with_unhandled(session, before=before)
    if not waiting or not await gateway.engine.model_loaded():
        return 0
    replayed = 0
    for session_id in waiting:
        try:
            replayed += await gateway.replay(session_id)
        except TurnFailed:
            continue  # this session's turn failed, not the engine: the next session
        except EngineDown:
            log.warning("engine down again; replay stops until the next pass")
            break
    if replayed:
        log.info("replay pass", extra={"sessions": len(waiting), "messages": replayed})
    return replayed
