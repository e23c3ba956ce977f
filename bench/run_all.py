"""`make bench`: every benchmark in turn; each prints its own figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ("chat turn latency, app vs bare Rasa", ["chat_bench.py"]),
    ("a bot turn by component (engine, then the app)", ["turn_profile_bench.py"]),
    ("scaling: engine workers x concurrent buyers (PostgreSQL, Redis)", ["scaling_bench.py"]),
    ("simulated buyers: the RFQ conversation", ["rfq_personas.py"]),
    ("adversarial buyers: RFQ invariants, six languages", ["adversarial_buyers.py"]),
    ("NLU cross-validation", ["nlu_bench.py"]),
    ("knowledge search quality and speed", ["kb_bench.py"]),
    ("knowledge answer latency at 100k chunks (synthetic scale data)", ["kb_answer_latency.py"]),
    ("pricing engine", ["pricing_bench.py"]),
    ("quotes: inquiry to quote", ["quote_e2e_bench.py"]),
    ("the sales manager's figures at 100k inquiries a year (PostgreSQL)", ["kpi_bench.py"]),
    ("faults: each part killed or restarted under buyers (make chaos)", ["chaos.py"]),
    ("load: 200 buyers for 10 minutes, PostgreSQL and Redis (make load)", ["load_bench.py"]),
]


def main() -> int:
    failed = []
    for title, argv in BENCHES:
        script = HERE / argv[0]
        if not script.exists():
            continue
        print(f"\n######## {title} ########", flush=True)
        if subprocess.run([sys.executable, str(script), *argv[1:]], cwd=HERE.parent).returncode:
            failed.append(title)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
