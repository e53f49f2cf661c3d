"""Cold import time of functions/main.py against the Firebase libraries alone.

Each sample is a fresh Python process (what a cold start pays before the first
request). An instance serves one function: functions-framework sets ``FUNCTION_TARGET``
before it imports main.py, which then imports that function's module only; that is measured
for an HTTPS route, a Firestore trigger, a scheduled job and a task queue. Without a target
(deploying, the emulator's discovery) main.py imports every function: measured too. The
imports alternate so that machine noise hits all alike; the report gives medians and the
ratios of the medians to the baseline.

    functions/venv/bin/python bench/cold_import.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"
SNIPPET = "import time; t = time.perf_counter(); {imports}; print(time.perf_counter() - t)"
BASELINE = "baseline: firebase_functions + firebase_admin + google.cloud.firestore"
WHOLE = "functions/main.py, every function (deploying, discovery)"
# (imports, FUNCTION_TARGET)
CASES: dict[str, tuple[str, str | None]] = {
    BASELINE: ("import firebase_functions.https_fn, firebase_admin, google.cloud.firestore", None),
    WHOLE: ("import main", None),
    "an instance of dashboard (HTTPS route)": ("import main", "dashboard"),
    "an instance of project_written (Firestore trigger)": ("import main", "project_written"),
    "an instance of purge_deletions (schedule)": ("import main", "purge_deletions"),
    "an instance of deliver (task queue)": ("import main", "deliver"),
}


def sample(imports: str, target: str | None) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("FUNCTION_TARGET", "ADMIN_PORT")}
    if target:
        env["FUNCTION_TARGET"] = target
    out = subprocess.run(
        [sys.executable, "-X", "frozen_modules=on", "-c", SNIPPET.format(imports=imports)],
        cwd=FUNCTIONS,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for case in CASES.values():  # warm the OS file cache once
        sample(*case)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.runs):
        for name, case in CASES.items():
            times[name].append(sample(*case))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians[BASELINE]
    print(f"cold import, median of {args.runs} fresh processes each (alternating)")
    for name, values in times.items():
        ratio = "" if name == BASELINE else f"  {medians[name] / base:.2f}x"
        spread = f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"
        print(f"  {medians[name] * 1000:7.1f} ms  {spread}{ratio}  {name}")
    instances = [medians[name] / base for name in CASES if name.startswith("an instance")]
    print(f"  ratio main.py / baseline: {medians[WHOLE] / base:.2f}")
    print(f"  ratio instance / baseline, the slowest: {max(instances):.2f}")


if __name__ == "__main__":
    main()
