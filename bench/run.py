"""Every benchmark in one go, then one table: each figure beside its baseline and target.

``make bench`` starts the emulators once (Auth, Firestore, Functions, Hosting, Pub/Sub, Tasks,
for the project ``demo-portal-test``) and runs this inside them. Each benchmark runs in a
process of its own; those that need no triggers use projects of their own
(``demo-portal-bench*``), where no function listens. Their full output is printed as they
finish and kept in ``bench/results/``; the table at the end is read from it.

    make bench                          # everything, the load run at 100 people for 60 s
    make bench BENCH_ARGS=--quick       # a short load run (20 people, 15 s)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PY = sys.executable


def run(name: str, args: list[str], project: str | None = None) -> str:
    env = {**os.environ, **({"GCLOUD_PROJECT": project} if project else {})}
    print(f"\n== {name}", flush=True)
    done = subprocess.run([PY, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    (RESULTS / f"{name}.log").write_text(done.stdout + done.stderr)
    print(done.stdout, flush=True)
    if done.returncode:
        print(done.stderr[-3000:], flush=True)
        print(f"{name} failed (exit {done.returncode})", flush=True)
    return done.stdout


def find(pattern: str, text: str, default: str = "?") -> str:
    match = re.search(pattern, text, re.MULTILINE)
    return match.group(1) if match else default


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = f"{platform.system()} {platform.release().split('-')[0]}, Python {platform.python_version()}"
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, {system}"


LOAD_MODES = {
    "emulator": "emulator (Hosting → Functions emulator)",
    "deployed": "deployed-like (functions-framework, 1 process)",
}


def load_rows(load: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The load run's rows: each mode's figures side by side in one cell."""
    totals = {
        mode: next(e for e in result["endpoints"] if e["name"] == "all")
        for mode, result in load.get("modes", {}).items()
        if any(e["name"] == "all" for e in result["endpoints"])
    }
    if not totals:
        return []

    def cell(fmt: Any) -> str:
        return "; ".join(f"{LOAD_MODES.get(mode, mode)}: {fmt(t)}" for mode, t in totals.items())

    who = f"{load['users']} people, {load['seconds']} s"
    return [
        (
            f"load ({who}): requests, errors",
            cell(lambda t: f"{t['requests']:,} ({t['rps']:.0f}/s), {t['errors']} errors"),
            "58/s, 0 errors (a simple client); before: 894 (14/s), 39 errors (emulator)",
            "0 errors",
        ),
        (
            "load: p50 / p95 / p99 as a client sees it",
            cell(lambda t: f"{t['p50']:,.0f} / {t['p95']:,.0f} / {t['p99']:,.0f} ms"),
            "531 / 1,970 / - ms (a simple client); before: 3,800 / 17,000 / 24,000 ms (emulator)",
            "p95 < 500 ms",
        ),
        (
            "load: the portal's own time, p50 / p95 / p99 (Server-Timing)",
            cell(lambda t: f"{t['app_p50']:,.0f} / {t['app_p95']:,.0f} / {t.get('app_p99', 0):,.0f} ms"),
            "before: 535 / 7,708 / - ms (emulator)",
            "p95 < 500 ms",
        ),
    ]


def table(out: dict[str, str]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    cold = out.get("cold_import", "")
    ratio = find(r"ratio main.py / baseline: ([\d.]+)", cold) + "x"
    instance = find(r"ratio instance / baseline, the slowest: ([\d.]+)", cold) + "x"
    rows.append(
        ("cold start: `import main` / bare SDK imports", ratio, "1.40x (every feature imported at load)", "<= 1.15x")
    )
    rows.append(
        (
            "cold start of one function's instance (`FUNCTION_TARGET`), the slowest of 4 / bare SDK imports",
            instance,
            "1.40x (each instance imported every function)",
            "<= 1.15x",
        )
    )
    burst = out.get("burst", "")
    per_write = re.search(r"^refresh per write\s+(\d+)\s+(\d+)\s+([\d.]+)\s+(\w+)", burst, re.MULTILINE)
    coalesced = re.search(r"^coalesced \(.*?\)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+(\w+)", burst, re.MULTILINE)
    if per_write and coalesced:
        rows.append(
            (
                "burst of 400 project writes: summary reads",
                coalesced.group(1),
                f"{per_write.group(1)} (a refresh per write)",
                "O(1) per window",
            )
        )
        rows.append(
            (
                "burst: converged, correct dashboard",
                f"{coalesced.group(3)} s ({coalesced.group(4)})",
                f"{per_write.group(3)} s",
                "within a window or two",
            )
        )
    dash = out.get("dashboard", "")
    d10, d1000 = find(r"^dashboard\s+10\s+(\S+)", dash), find(r"^dashboard\s+1000\s+(\S+)", dash)
    naive = find(r"^naive dashboard \(scan\)\s+1000\s+(\S+)", dash)
    rows.append(
        (
            "dashboard doc reads at 10 / 1,000 projects",
            f"{d10} / {d1000}",
            f"{naive} (scan at 1,000)",
            "the same at both sizes",
        )
    )
    cost = out.get("cost", "")
    rows.append(
        (
            "requests whose reads grow with the org beyond a page",
            find(r"grows with the organisation's size: (.*)$", cost),
            "-",
            "nothing",
        )
    )
    clients = out.get("http_clients", "")
    per_request = re.findall(r"^  (Drive|Slack) .*?([\d.]+) ms\s+([\d.]+) ms", clients, re.MULTILINE)
    if len(per_request) >= 2:
        (_, drive_before, drive_now), (_, slack_before, slack_now) = per_request[:2]
        rows.append(
            (
                "a request to a stand-in through an adapter's shared httpx client, Drive / Slack (median)",
                f"{drive_now} / {slack_now} ms",
                f"{drive_before} / {slack_before} ms (a client per request)",
                "-",
            )
        )
    revocation = out.get("revocation", "")
    figures = {
        kind: re.search(
            rf"^{re.escape(kind)}: round trips per request ([\d.]+) -> ([\d.]+); median ([\d.]+) -> ([\d.]+) ms",
            revocation,
            re.MULTILINE,
        )
        for kind in ("bearer", "session", "GET /api/auth/me")
    }
    bearer, session, me = figures["bearer"], figures["session"], figures["GET /api/auth/me"]
    if bearer and session and me:
        rows.append(
            (
                "Auth round trips per authenticated request (revocation check), Bearer / cookie",
                f"{bearer.group(2)} / {session.group(2)}",
                f"{bearer.group(1)} / {session.group(1)} (check_revoked on every request)",
                "at most 1 per account, instance and `SESSION_CHECK_SECONDS`",
            )
        )
        rows.append(
            (
                "credential check, median, Bearer / cookie (local Auth emulator; deployed, a round trip costs more)",
                f"{bearer.group(4)} / {session.group(4)} ms",
                f"{bearer.group(3)} / {session.group(3)} ms",
                "-",
            )
        )
        rows.append(("`GET /api/auth/me` in-process, median", f"{me.group(4)} ms", f"{me.group(3)} ms", "-"))
    load_file = RESULTS / "load.json"
    if load_file.exists() and "load" in out:
        rows += load_rows(json.loads(load_file.read_text()))
    front_file = RESULTS / "frontend.json"
    if front_file.exists() and "frontend" in out:
        front = json.loads(front_file.read_text())
        w = front["weight"]
        rows.append(
            (
                "initial JS (gzip), with the dashboard's own code",
                f"{w['js_gzip'] / 1024:.1f} KB, {w['dashboard_js_gzip'] / 1024:.1f} KB",
                "29 KB",
                "<= 60 KB",
            )
        )
        rows.append(("initial CSS (gzip)", f"{w['css_gzip'] / 1024:.1f} KB", "8 KB", "-"))
        if front.get("lcp"):
            pages = front["lcp"]["pages"]
            base = pages["static page (baseline)"]["median_ms"]
            for name in ("dashboard", "approval item"):
                rows.append(
                    (
                        f"LCP {name} (median of 5, cold, slow 4G)",
                        f"{pages[name]['median_ms']:.0f} ms",
                        f"{base:.0f} ms (static page)",
                        "< 1,000 ms",
                    )
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short load run")
    names = "cold_import dashboard burst search cost http_clients revocation frontend load"
    parser.add_argument("--only", nargs="*", help=f"only these ({names})")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    load = ["bench/load.py", *(["--users", "20", "--seconds", "15", "--warmup", "10"] if args.quick else [])]
    plan = {
        "cold_import": (["bench/cold_import.py"], None),
        "dashboard": (["bench/dashboard.py"], "demo-portal-bench"),
        "burst": (["bench/burst.py"], "demo-portal-bench"),
        "search": (["bench/search.py"], "demo-portal-bench-search"),
        "cost": (["bench/cost.py"], "demo-portal-bench-cost"),
        "http_clients": (["bench/http_clients.py"], None),
        "revocation": (["bench/revocation.py"], "demo-portal-bench-auth"),
        "frontend": (["bench/frontend.py"], None),
        "load": (load, None),
    }
    out = {name: run(name, cmd, project) for name, (cmd, project) in plan.items() if not args.only or name in args.only}
    for name in plan:  # with --only, the others' figures come from their last run
        if name not in out and (RESULTS / f"{name}.log").exists():
            out[name] = (RESULTS / f"{name}.log").read_text()
    rows = table(out)
    lines = [
        f"Measured on {machine()}; the emulators and the load generator share these cores.",
        "",
        "| figure | measured | baseline | target |",
        "| --- | ---: | ---: | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    text = "\n".join(lines)
    (RESULTS / "table.md").write_text(text + "\n")
    print("\n" + text)


if __name__ == "__main__":
    main()
