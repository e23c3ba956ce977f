"""The fault table (issue 14): each fault once against the real stack, one row per fault.

The stack is the fault tests' (tests/faults/harness.py): the Rasa engine and the app as
processes, orders and tracker store on a PostgreSQL of its own, a Redis of its own, the fake
Slack. Each scenario (tests/faults/scenarios.py) breaks one part while buyers run the chat
benchmark's whole RFQ, brings it back and tallies, from the stores and the fake Slack:
messages sent, stored and answered; kept (first send not answered) and replayed (answered late
by the replay); inquiries expected, stored and duplicated; notifications expected, delivered
and duplicated; the time to recover (from the part's return until the app is healthy and
nothing from before waits: every message answered, every notification posted).

    .venv/bin/python bench/chaos.py [--only app-mid-submit,app-mid-turn,engine,postgres,redis,slack]

Needs PostgreSQL's and Redis's binaries (not the machine's servers: it runs its own).
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.settings import ROOT

# The fault machinery is the fault tests' (tests/faults/), imported by name: mypy checks bench/
# and not yet tests/ (pyproject.toml), so it is not followed there.
scenarios = importlib.import_module("tests.faults.scenarios")
servers = importlib.import_module("tests.faults.servers")
harness = importlib.import_module("tests.faults.harness")

COLUMNS = (
    ("fault", 58),
    ("buyers", 7),
    ("sent", 6),
    ("answered", 9),
    ("kept/replayed", 14),
    ("inquiries exp/stored/dup", 25),
    ("notifs exp/deliv/dup", 21),
    ("recover s", 10),
)


def row(tally: Any) -> str:
    """One fault's row (``tally``: a tests.faults.harness.Tally)."""
    values = (
        tally.fault,
        str(tally.buyers),
        str(tally.sent),
        str(tally.answered),
        f"{tally.kept}/{tally.kept_replayed}",
        f"{tally.inquiries_expected}/{tally.inquiries_stored}/{tally.inquiries_duplicated}",
        f"{tally.notifications_expected}/{tally.notifications_delivered}/"
        f"{tally.notifications_duplicated}",
        f"{tally.recover_s:.1f}",
    )
    return " | ".join(
        v.ljust(w) if i == 0 else v.rjust(w)
        for i, (v, (_, w)) in enumerate(zip(values, COLUMNS, strict=True))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(scenarios.SCENARIOS))
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(scenarios.SCENARIOS)
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    # a SIGTERM (timeout, Ctrl-C's sibling) unwinds: the stack and the servers are stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    reason = servers.missing()
    if reason:
        print(f"chaos: cannot run ({reason})")
        return 1
    from knowledge.ingest import ingest

    print(f"\n== faults: one run each ({time.strftime('%Y-%m-%d %H:%M %Z')})")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    failed = []
    with tempfile.TemporaryDirectory(prefix="exportdesk-chaos-") as tmp:
        work = Path(tmp)
        ingest(ROOT / "knowledge" / "demo", work / "kb")
        with harness.fault_stack(work, work / "kb") as stack:
            print(
                " | ".join(
                    n.ljust(w) if i == 0 else n.rjust(w) for i, (n, w) in enumerate(COLUMNS)
                ),
                flush=True,
            )
            for name in chosen:
                try:
                    tally = scenarios.SCENARIOS[name](stack)
                except AssertionError as exc:
                    print(f"{name}: did not finish: {exc}", flush=True)
                    failed.append(name)
                    continue
                print(row(tally), flush=True)
                for note in tally.notes:
                    print(f"    {note}", flush=True)
                if problems := tally.losses():
                    failed.append(name)
                    print(f"    LOST OR DOUBLED: {'; '.join(problems)}", flush=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
