"""Cold import time of functions/main.py against the Firebase libraries alone.

Each sample is a fresh Python process (what a cold start pays before the first
request). The two imports alternate so that machine noise hits both alike; the
report gives medians and the ratio of the medians.

    functions/venv/bin/python bench/cold_import.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"
SNIPPET = "import time; t = time.perf_counter(); {imports}; print(time.perf_counter() - t)"
CASES = {
    "baseline: firebase_functions + firebase_admin + google.cloud.firestore": (
        "import firebase_functions.https_fn, firebase_admin, google.cloud.firestore"
    ),
    "functions/main.py (every function of the portal)": "import main",
}


def sample(imports: str) -> float:
    out = subprocess.run(
        [sys.executable, "-X", "frozen_modules=on", "-c", SNIPPET.format(imports=imports)],
        cwd=FUNCTIONS,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for imports in CASES.values():  # warm the OS file cache once
        sample(imports)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.runs):
        for name, imports in CASES.items():
            times[name].append(sample(imports))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"cold import, median of {args.runs} fresh processes each (alternating)")
    for name, values in times.items():
        print(f"  {medians[name] * 1000:7.1f} ms  (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})  {name}")
    base, ours = medians.values()
    print(f"  ratio main.py / baseline: {ours / base:.2f}")


if __name__ == "__main__":
    main()
