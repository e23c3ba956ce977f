"""The app profile's split (bench/app_profile.py): each sample charged to its path and part,
nothing lost or counted twice, and the table it prints."""

from __future__ import annotations

import json
import sysconfig
from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from api.settings import ROOT, Settings
from bench.app_profile import (
    EVENT_LOOP,
    OUTSIDE,
    SampledStack,
    part_of,
    path_of,
    project_function,
    report,
    split,
)
from bench.app_sampler import HANDED, OUT_ENV, SAMPLER, SQLITE, WORKER_REST

STDLIB = sysconfig.get_paths()["stdlib"]
SITE = f"{ROOT}/.venv/lib/python3.11/site-packages"


def _f(path: str, name: str = "f") -> str:
    return f"{path}:{name}"


UVICORN = [_f(f"{SITE}/uvicorn/main.py", "main"), _f(f"{STDLIB}/asyncio/runners.py", "run")]


def test_library_time_is_charged_to_the_library_under_the_project_code() -> None:
    stack = [
        *UVICORN,
        _f(f"{ROOT}/api/chat/gateway.py", "_handle"),
        _f(f"{ROOT}/sales/conversations.py", "append"),
        _f(f"{SITE}/sqlalchemy/orm/session.py", "commit"),
        _f(f"{STDLIB}/threading.py", "wait"),  # plumbing: charged to its caller
    ]
    assert part_of(stack) == "database: SQLAlchemy"
    assert project_function(stack) == "sales/conversations.py:append"


def test_the_projects_own_code_is_charged_to_its_package() -> None:
    stack = [
        *UVICORN,
        _f(f"{ROOT}/actions/rfq_form.py", "run"),
        _f(f"{ROOT}/sales/rfq/extract.py", "read"),
        _f(f"{STDLIB}/re/__init__.py", "sub"),
    ]
    assert part_of(stack) == "sales/rfq"
    assert part_of(stack[:-2]) == "actions/rfq_form"
    assert part_of([*UVICORN, _f(f"{ROOT}/api/logs.py", "format")]) == "logging"
    assert part_of([*UVICORN, _f(f"{STDLIB}/json/encoder.py", "encode")]) == "JSON"


def test_the_event_loop_and_the_sampler_have_parts_of_their_own() -> None:
    assert part_of(UVICORN) == EVENT_LOOP
    assert part_of([f"{SAMPLER}:{SAMPLER}"]) == "the sampler itself"
    assert part_of([_f(f"{SITE}/somelib/x.py")]) == "library: somelib"
    assert project_function(UVICORN) == "(no project frame)"


def test_work_handed_to_threads_is_charged_by_what_it_ran() -> None:
    extract = f"{HANDED}:{ROOT}/sales/rfq/extract.py:extract"
    assert part_of([extract]) == "sales/rfq"
    assert project_function([extract]) == "sales/rfq/extract.py:extract"
    assert part_of([f"{HANDED}:{SQLITE}"]) == "database: driver"
    assert part_of([":".join(WORKER_REST)]).startswith("worker threads")


def test_a_sample_outside_a_request_goes_by_its_thread() -> None:
    assert path_of({"thread": "main", "label": "webhook"}) == "webhook"
    assert path_of({"thread": "worker", "label": "webhook"}) == "webhook"
    assert path_of({"thread": "main", "label": None}) == OUTSIDE
    assert path_of({"thread": "worker", "label": None}).startswith("worker threads")
    assert path_of({"thread": "thread", "label": None}) == "other threads"


_STACKS = st.sampled_from(
    [
        UVICORN,
        [*UVICORN, _f(f"{ROOT}/api/webhook.py", "webhook"), _f(f"{SITE}/rasa_sdk/interfaces.py")],
        [*UVICORN, _f(f"{ROOT}/api/chat/gateway.py", "_handle"), _f(f"{SITE}/httpx/_client.py")],
        [f"{SAMPLER}:{SAMPLER}"],
    ]
)
_SAMPLES = st.lists(
    st.fixed_dictionaries(
        {
            "thread": st.sampled_from(["main", "worker", "thread"]),
            "label": st.sampled_from(
                [None, "webhook", "chat POST /api/chat/sessions/{id}/messages"]
            ),
            "stack": _STACKS,
            "cpu_s": st.floats(min_value=0.0, max_value=2.0),
        }
    ),
    max_size=30,
)


@given(samples=_SAMPLES, turns=st.integers(min_value=1, max_value=500))
def test_the_split_neither_loses_nor_doubles_a_sample(
    samples: list[dict[str, object]], turns: int
) -> None:
    dump = {
        "interval_s": 0.002,
        "process_cpu_s": 1.0,
        "requests": {"webhook": 3},
        "samples": samples,
    }
    result = split(dump, turns)
    total = sum(cast(float, s["cpu_s"]) for s in samples) * 1000 / turns
    assert result["sampled_ms_per_turn"] == pytest.approx(total)
    for path, ms in result["paths"].items():
        assert sum(result["parts"][path].values()) == pytest.approx(ms)
        assert sum(result["functions"][path].values()) == pytest.approx(ms)
    assert list(result["paths"].values()) == sorted(result["paths"].values(), reverse=True)
    assert result["requests_per_turn"] == {"webhook": 3 / turns}


def test_the_report_prints_paths_parts_and_functions(capsys: pytest.CaptureFixture[str]) -> None:
    webhook = [*UVICORN, _f(f"{ROOT}/api/webhook.py", "webhook"), _f(f"{SITE}/rasa_sdk/x.py")]
    dump = {
        "interval_s": 0.002,
        "process_cpu_s": 0.5,
        "requests": {"webhook": 14, "chat POST /api/chat/sessions/{id}/messages": 10},
        "samples": [
            {"thread": "main", "label": "webhook", "stack": webhook, "cpu_s": 0.1},
            {"thread": "main", "label": None, "stack": UVICORN, "cpu_s": 0.02},
        ],
    }
    data = {**split(dump, 10), "proc_cpu_ms_per_turn": 51.0, "buyers": 4, "load": [3.0, 4.0]}
    report(json.loads(json.dumps(data)))
    out = capsys.readouterr().out
    assert "app CPU 51.0 ms a turn (from /proc), 12.0 sampled" in out
    assert "webhook 1.40" in out
    assert "load average 3.0 before, 4.0 after" in out
    assert "rasa_sdk (tracker, executor)" in out and "api/webhook.py:webhook" in out
    assert EVENT_LOOP in out


def test_the_sampled_stack_starts_the_app_through_the_sampler(tmp_path: object) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, staff_api_tokens=SecretStr("profile-staff-token-0123456789")
    )
    stack = SampledStack(settings, ROOT / "models" / "m.tar.gz", ROOT / "var" / "x")
    argv = stack.app_argv(8123)
    assert "bench.app_sampler:create_app" in argv and "api.main:create_app" not in argv
    assert argv[argv.index("--port") + 1] == "8123"
    assert stack.app_env()[OUT_ENV] == str(ROOT / "var" / "x" / "app-samples.json")
