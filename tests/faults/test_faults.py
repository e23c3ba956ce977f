"""Nothing is lost when a part dies (issue 14): the app and the engine SIGKILLed and restarted,
PostgreSQL and Redis restarted, Slack failing, each while buyers chat through the real stack
(tests/faults/scenarios.py, the runs `make chaos` prints). After each: every buyer message
stored once and answered once (the engine ran each turn once, in order), every finished
conversation with exactly one inquiry, every notification posted to Slack exactly once and in
order per thread.

A turn the engine cannot run to its end (an action call failing because the app was killed,
its lock store down with Redis) is answered 503 and left unrecorded by the engine's channel
(bot/channels/app.py), so the app keeps the message and the replay runs the turn again; an
empty answer to a turn the engine did not record is no answer either
(api/chat/turn_records.py)."""

from __future__ import annotations

from collections.abc import Callable

from tests.faults import scenarios
from tests.faults.harness import FaultStack, Tally

_runs: dict[str, Tally] = {}


def _run(faults: FaultStack, name: str, scenario: Callable[[FaultStack], Tally]) -> Tally:
    """Each scenario once per module, whichever of its tests asks first."""
    if name not in _runs:
        _runs[name] = scenario(faults)
    return _runs[name]


def _nothing_lost(tally: Tally) -> None:
    assert tally.losses() == [], tally
    assert tally.sent == tally.buyers * scenarios.SCRIPT_TURNS
    assert tally.inquiries_expected == tally.buyers


def _nothing_doubled(tally: Tally) -> None:
    """What holds whatever the engine answered: no message stored twice, no turn run twice,
    no second inquiry, no notification posted twice or out of order, none left unsent."""
    assert tally.stored == tally.sent - tally.refused, tally
    assert tally.turns_run_twice == 0, tally
    assert tally.turns_out_of_order == 0 and tally.turns_unknown == 0, tally
    assert tally.inquiries_duplicated == 0, tally
    assert tally.notifications_duplicated == 0, tally
    assert tally.threads_out_of_order == 0, tally
    assert tally.deliveries_not_sent == 0, tally
    assert tally.notifications_delivered == tally.notifications_expected, tally


def test_app_killed_mid_turn(faults: FaultStack) -> None:
    tally = _run(faults, "app-mid-turn", scenarios.app_killed_mid_turn)
    _nothing_lost(tally)
    assert tally.kept >= 1  # the killed turn went unanswered at first


def test_app_killed_mid_submit(faults: FaultStack) -> None:
    tally = _run(faults, "app-mid-submit", scenarios.app_killed_mid_submit)
    _nothing_lost(tally)
    assert tally.inquiries_stored == 1
    assert tally.kept >= 1  # the confirmation went unanswered at first


def test_engine_killed_under_twenty_buyers(faults: FaultStack) -> None:
    tally = _run(faults, "engine", scenarios.engine_killed)
    _nothing_lost(tally)
    assert tally.buyers == 20
    assert tally.kept > 0 and tally.kept_replayed > 0


def test_postgres_restarted(faults: FaultStack) -> None:
    tally = _run(faults, "postgres", scenarios.postgres_restarted)
    probe = tally.notes[0]
    assert probe.startswith("while down: 503") and "database" in probe, probe
    # the engine's record of its turns too: its tracker store no longer falls back to memory
    # while PostgreSQL is down (bot/channels/store_guard.py; a turn was missing from it before)
    _nothing_doubled(tally)
    _nothing_lost(tally)


def test_redis_killed(faults: FaultStack) -> None:
    tally = _run(faults, "redis", scenarios.redis_restarted)
    assert tally.notes[0].startswith("while down: 201"), tally.notes  # the app goes on
    _nothing_lost(tally)
    assert tally.kept > 0 and tally.kept_replayed > 0  # turns the engine could not run


def test_slack_failing_then_back(faults: FaultStack) -> None:
    tally = _run(faults, "slack", scenarios.slack_failing)
    _nothing_lost(tally)
    assert tally.notifications_expected >= 2 * tally.buyers  # an inquiry and its quote each
