"""The turn profile's report (bench/turn_profile_bench.py): the conversations it plays and the
table it prints from the engine-side measurements."""

from __future__ import annotations

import pytest

from bench.chat_bench import SCRIPT
from bench.turn_profile_bench import conversations, report


def test_each_buyer_plays_the_chat_benchmarks_script() -> None:
    played = conversations(3)
    assert len(played) == 3 and all(len(c) == len(SCRIPT) for c in played)
    assert played[0] != played[1]  # the buyer's own contact details
    assert "/affirm" in played[0]  # the button, as its payload


def _stats(n: int, total: float) -> dict[str, float]:
    return {"n": n, "total_ms": total, "mean_ms": total / n, "p95_ms": total / n * 1.5}


def test_the_report_lists_components_actions_and_the_store(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report(
        {
            "turns": 10,
            "turn": _stats(10, 2000.0),
            "cpu_ms_per_turn": 150.0,
            "wall_ms_per_turn": 200.0,
            "main_thread_cpu_ms_per_turn": 140.0,
            "other_threads_cpu_ms_per_turn": 10.0,
            "os_threads": 5,
            "parts": {
                "action prediction": {"calls": 30, "cpu_ms_per_turn": 24.0},
                "webhook calls: answer schema check": {"calls": 16, "cpu_ms_per_turn": 4.7},
            },
            "parse": _stats(10, 900.0),
            "predict": _stats(30, 600.0),
            "winners": {"RulePolicy": 28, "TEDPolicy": 2},
            "nodes": {
                "nlu:run_bot.components.use_featurizer.UniversalSentenceEncoderFeaturizer1": (
                    _stats(10, 500.0)
                ),
                "policy:run_TEDPolicy2": _stats(30, 300.0),
                "policy:domain_provider": _stats(30, 0.1),
            },
            "actions": {"action_listen": _stats(10, 1.0), "rfq_form": _stats(8, 400.0)},
            "webhook": {"rfq_form": _stats(8, 390.0), "validate_rfq_form": _stats(8, 200.0)},
            "store": {"retrieve": _stats(10, 50.0), "save": _stats(10, 80.0)},
            "per_turn": {
                "predictions": {"mean": 3.0, "max": 4},
                "webhook_calls": {"mean": 1.6, "max": 2},
            },
            "threads": {"OMP_NUM_THREADS": "unset"},
        }
    )
    out = capsys.readouterr().out
    assert "engine CPU 150.0 ms per turn" in out
    assert "the turn's thread 140.0 ms, the process's other threads 10.0 ms (5 threads" in out
    assert "webhook calls: answer schema check" in out and "4.70" in out
    assert "predictions 3.00 (max 4)" in out and "webhook calls 1.60 (max 2)" in out
    assert "nlu    UniversalSentenceEncoderFeaturizer1 " in out
    assert "policy TEDPolicy2 " in out
    assert "domain_provider" not in out  # below 0.05 ms a turn
    assert "made them: RulePolicy 28, TEDPolicy 2" in out
    assert "rfq_form (webhook)" in out and "validate_rfq_form (webhook, called by a form)" in out
    assert "retrieve" in out and "save" in out
