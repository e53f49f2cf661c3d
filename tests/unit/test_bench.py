"""The bench scripts parse and import, and ``bench/run.py`` reads the figures of its table
from what each benchmark prints (without running them: ``make bench`` does that)."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_every_bench_script_parses() -> None:
    for path in BENCH.glob("*.py"):
        ast.parse(path.read_text(), filename=str(path))


def test_the_table_reads_each_benchmarks_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        run = importlib.import_module("run")
    finally:
        sys.path.remove(str(BENCH))
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    out = {
        "cold_import": "  ratio main.py / baseline: 1.08\n  ratio instance / baseline, the slowest: 0.91\n",
        "burst": (
            "summaries                   doc reads  refreshes  converged s  correct\n"
            "refresh per write              18848        400         42.1      yes\n"
            "coalesced (3 s windows)           94          2          4.0      yes\n"
        ),
        "dashboard": (
            "dashboard                      10         12            7        4.1\n"
            "dashboard                    1000         12            7        4.3\n"
            "naive dashboard (scan)       1000       1000            1      300.0\n"
        ),
        "cost": "grows with the organisation's size: nothing\n",
        "http_clients": (
            "a request to a local stand-in, median of 200 each (alternating)\n"
            "  case                                                  per request    shared   ratio\n"
            "  Drive upload status (stand-in keeps connections)         30.34 ms   0.95 ms   31.8x\n"
            "  Slack POST (stand-in closes each connection)             26.47 ms   1.83 ms   14.4x\n"
            "8 threads at once, 25 requests each: requests per second\n"
            "  Drive upload status (stand-in keeps connections)            42/s    1107/s   26.3x\n"
        ),
        "revocation": (
            "bearer: round trips per request 1.000 -> 0.001; median 3.10 -> 0.21 ms, ratio before / after 14.8x\n"
            "session: round trips per request 1.000 -> 0.001; median 3.20 -> 0.25 ms, ratio before / after 12.8x\n"
            "GET /api/auth/me: round trips per request 1.000 -> 0.001; median 9.10 -> 6.00 ms, ratio 1.5x\n"
        ),
    }
    rows = {name: measured for name, measured, _, _ in run.table(out)}
    assert rows["cold start: `import main` / bare SDK imports"] == "1.08x"
    assert rows["cold start of one function's instance (`FUNCTION_TARGET`), the slowest of 4 / bare SDK imports"] == (
        "0.91x"
    )
    assert rows["burst of 400 project writes: summary reads"] == "94"
    assert rows["burst: converged, correct dashboard"] == "4.0 s (yes)"
    assert rows["dashboard doc reads at 10 / 1,000 projects"] == "12 / 12"
    assert rows["requests whose reads grow with the org beyond a page"] == "nothing"
    clients = "a request to a stand-in through an adapter's shared httpx client, Drive / Slack (median)"
    assert rows[clients] == "0.95 / 1.83 ms"
    assert rows["Auth round trips per authenticated request (revocation check), Bearer / cookie"] == "0.001 / 0.001"
    assert rows["`GET /api/auth/me` in-process, median"] == "6.00 ms"


def test_the_table_puts_the_load_runs_modes_side_by_side() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        run = importlib.import_module("run")
    finally:
        sys.path.remove(str(BENCH))
    total = {"name": "all", "requests": 5000, "errors": 0, "rps": 83.4, "p50": 40, "p95": 210, "p99": 480}
    load = {
        "users": 100,
        "seconds": 60,
        "modes": {
            "emulator": {"endpoints": [{**total, "errors": 3, "app_p50": 20, "app_p95": 90, "app_p99": 300}]},
            "deployed": {"endpoints": [{**total, "app_p50": 12, "app_p95": 60, "app_p99": 150}]},
        },
    }
    rows = {name: measured for name, measured, _, _ in run.load_rows(load)}
    assert rows["load (100 people, 60 s): requests, errors"] == (
        "emulator (Hosting → Functions emulator): 5,000 (83/s), 3 errors; "
        "deployed-like (functions-framework, 1 process): 5,000 (83/s), 0 errors"
    )
    assert rows["load: the portal's own time, p50 / p95 / p99 (Server-Timing)"].endswith("12 / 60 / 150 ms")
    assert run.load_rows({"users": 1, "seconds": 1, "modes": {}}) == []
