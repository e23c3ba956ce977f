"""The chat benchmark's CPU reading of a process (from /proc)."""

from __future__ import annotations

import os
import sys
import time

import pytest

from bench.chat_bench import process_cpu_s


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_process_cpu_grows_with_the_work_it_does() -> None:
    before = process_cpu_s(os.getpid())
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    spent = process_cpu_s(os.getpid()) - before
    # clock ticks are 10 ms: 0.3 s of work reads between 0.2 and a few tenths more
    assert 0.2 <= spent <= 1.0


def test_a_process_that_is_not_there_has_used_nothing() -> None:
    # pid_max is at most 2**22 on Linux: this pid never exists
    assert process_cpu_s(2**22 + 1) == 0.0
