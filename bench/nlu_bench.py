"""NLU cross-validation of the Rasa model's intents, printed as per-intent and weighted F1.

Runs `rasa test nlu --cross-validation` in the engine's environment on bot/data. The RFQ's
facts are not Rasa entities (they are read by sales/rfq/extract.py, whose accuracy the
simulated-buyer benchmark measures), so there is no entity F1 to report.

    .venv/bin/python bench/nlu_bench.py [--folds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import engine_files  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nlu-cv-") as out:
        result = subprocess.run(
            [
                str(engine_files.ENGINE_PYTHON), "-m", "rasa", "test", "nlu",
                "--nlu", str(engine_files.BOT / "data"),
                "--config", str(engine_files.CONFIG),
                "--cross-validation", "--folds", str(args.folds),
                "--out", out,
            ],
            cwd=ROOT,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
            capture_output=True,
            text=True,
        )  # fmt: skip
        report_path = Path(out) / "intent_report.json"
        if result.returncode != 0 or not report_path.exists():
            print(result.stdout[-2000:], result.stderr[-2000:])
            return 1
        report = json.loads(report_path.read_text())
    print(f"\n== NLU intent cross-validation ({args.folds} folds, test folds)")
    print(f"{'intent':<18}{'precision':>10}{'recall':>8}{'f1':>7}{'n':>6}")
    for name, row in sorted(report.items()):
        if (
            isinstance(row, dict)
            and "support" in row
            and name
            not in (
                "macro avg",
                "weighted avg",
                "micro avg",
            )
        ):
            print(
                f"{name:<18}{row['precision']:>10.3f}{row['recall']:>8.3f}"
                f"{row['f1-score']:>7.3f}{row['support']:>6}"
            )
    weighted = report["weighted avg"]
    print(f"weighted F1 {weighted['f1-score']:.3f}, accuracy {report.get('accuracy', 0):.3f}")
    print("entities: none (RFQ facts are read by sales/rfq/extract.py; see the persona benchmark)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
