"""100 concurrent simulated people for 60 s against the local stack, with locust, headless,
twice: through the emulators as ``make dev`` runs them, and served the way a deployment
serves the same functions.

It seeds 10 client organisations of 10 accounts each (an owner and nine members; 10
projects, 60 approval items waiting for a decision, 6 for each person, and 3 threads per
organisation), signs every account in, calls each endpoint once to warm its function,
and then, per mode, runs ``bench/locustfile.py`` for 20 unmeasured seconds and then for the
measured minute: each person opens the dashboard, projects and a project, approvals and an
item, decides one of their own items now and then (each item once over both modes), reads
threads and a thread, sends a message, and reads notifications, with 1-3 s between clicks.

The modes:
- ``emulator``: Hosting emulator → Functions emulator (a Python worker process per
  concurrent request of each function) → Firestore and Auth emulators;
- ``deployed``: ``bench/deployed.py`` under functions-framework (gunicorn, one process, 8
  threads: what a Cloud Run instance of a Python function runs), dispatching by path as
  Hosting's rewrites do, against the same Firestore and Auth emulators.

Per endpoint: requests, errors, p50/p95/p99 as the client saw them, and the portal's own
handling time from the ``Server-Timing`` header (``app;dur=``), so the serving layer's
overhead (Hosting's proxy and the Functions emulator's worker hand-off, or gunicorn's) is
what lies between the two. Every failure is kept with its moment, status, body and the
``Server`` header of what answered (``bench/results/load-<mode>-timings.json``), to be read
beside the emulators' logs. The load generator shares the cores with whatever it measures.

    make bench                                  # the whole bench, this included
    python bench/load.py --users 20 --seconds 15 --mode deployed   # inside the emulators

The emulated project is ``demo-portal-test``: its settings lift the per-IP rate limits
(every simulated person comes from 127.0.0.1) and keep the per-person one.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import env  # noqa: E402  (the emulators' addresses and the test project's settings)
import httpx  # noqa: E402

ORGS = 10
PEOPLE = 10  # per organisation: 100 accounts
PROJECTS = 10
THREADS = 3
PASSWORD = "load-bench-" + "password"
RESULTS = ROOT / "bench" / "results"
MODES = ("emulator", "deployed")
DECISIONS = 3  # items decided per person and mode: one in the warm-up, two in the run
DEPLOYED_PORT = 7095  # outside 8081-9081, where the Functions emulator picks its workers' ports


def seed() -> list[dict[str, Any]]:
    """The organisations, accounts and their data; returns each account with its ids."""
    from cost import agency_org  # the agency's organisation (there is one)

    from portal import db, domain
    from portal.approvals import service as approvals
    from portal.identity import Caller, OrgKind, Role
    from portal.members import service as members
    from portal.messages import service as messages
    from portal.orgs import service as orgs

    agency = agency_org()
    staff_account = members.create_user(email=f"ops-load@{agency}.test", role=Role.AJ_OPS, org_id=agency,
                                        password=PASSWORD, actor_label="bench")  # fmt: skip
    staff = Caller(uid=staff_account["uid"], email=staff_account["email"], role=Role.AJ_OPS, org_id=agency)
    today = dt.date.today()
    accounts: list[dict[str, Any]] = []
    for o in range(ORGS):
        org_id = f"load-{o:02d}"
        orgs.create_org(f"Load client {o:02d}", OrgKind.CLIENT, org_id=org_id, actor_label="bench")
        people = []
        for p in range(PEOPLE):
            role = Role.CLIENT_OWNER if p == 0 else Role.CLIENT_MEMBER
            made = members.create_user(email=f"p{p}@{org_id}.test", role=role, org_id=org_id, first_name=f"P{p}",
                                       last_name=org_id, password=PASSWORD, actor_label="bench")  # fmt: skip
            people.append({"uid": made["uid"], "email": made["email"], "orgId": org_id, "role": role.value})
        batch = db.batch()
        project_ids = [f"{org_id}-p{i}" for i in range(PROJECTS)]
        for i, project_id in enumerate(project_ids):
            milestones = [{"id": f"m{j}", "title": f"Milestone {j}", "done": j < i % 4, "doneAt": None,
                           "due": (today + dt.timedelta(days=7 * j - 7)).isoformat()} for j in range(5)]  # fmt: skip
            batch.set(db.system(org_id).project(project_id), {
                "id": project_id, "orgId": org_id, "orgName": f"Load client {o:02d}", "name": f"Project {i}",
                "description": "A project of the load run.", "status": domain.PROJECT_STATUSES[i % 3],
                "milestones": milestones, **domain.derived(milestones, domain.PROJECT_STATUSES[i % 3]),
                "teamMembers": [], "updatedBy": {"uid": None, "email": None, "label": "bench"},
            })  # fmt: skip
        batch.commit()
        for n, person in enumerate(people):
            person["projects"] = project_ids
            person["decide"] = [
                approvals.submit(staff, {
                    "orgId": org_id, "projectId": project_ids[(n + k) % PROJECTS], "contentType": "design",
                    "title": f"Concept {n}.{k}", "description": "For your review.", "assigneeEmails": [person["email"]],
                    "content": {"previewUrl": None, "fileUrls": [], "notes": "Version 1."},
                })["id"]
                for k in range(DECISIONS * len(MODES))
            ]  # fmt: skip
        owner = Caller(uid=people[0]["uid"], email=people[0]["email"], role=Role.CLIENT_OWNER, org_id=org_id)
        threads = [
            messages.start_thread(owner, subject=f"Thread {t}", body="Hello — a question about the schedule.",
                                  project_id=project_ids[t], org_id=None, attachments=[])["thread"]["id"]
            for t in range(THREADS)
        ]  # fmt: skip
        for person in people:
            person["threads"] = threads
        accounts.extend(people)
    return accounts


def sign_in(accounts: list[dict[str, Any]]) -> None:
    with httpx.Client(timeout=30) as client:
        for account in accounts:
            url = f"{env.AUTH}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any"
            r = client.post(url, json={"email": account["email"], "password": PASSWORD, "returnSecureToken": True})
            r.raise_for_status()
            account["token"] = r.json()["idToken"]


def warm(account: dict[str, Any], host: str) -> None:
    """One call to every function the run uses: their workers start before the clock does."""
    h = {"Authorization": f"Bearer {account['token']}"}
    paths = ["/api/dashboard", "/api/projects", f"/api/projects/{account['projects'][0]}", "/api/approvals",
             f"/api/approvals/{account['decide'][0]}", "/api/messages", f"/api/messages/{account['threads'][0]}",
             "/api/notifications", "/api/notifications/unread", "/api/auth/me"]  # fmt: skip
    with httpx.Client(base_url=host, headers=h, timeout=120) as client:
        for path in paths:
            for _ in range(3):
                if client.get(path).status_code == 200:
                    break
                time.sleep(1)


def standins() -> list[Any]:
    """The Slack/n8n recorder and the SMTP server the project's settings point at: the
    deliveries and mails that the run's triggers make land there instead of failing."""
    sys.path.insert(0, str(ROOT / "dev"))
    from standins import smtp
    from standins.server import HOOKS_PORT, Recorder, serve

    server = serve(Recorder().handle, HOOKS_PORT)
    mail = smtp.SmtpStandIn(smtp.MailStore(), smtp.SMTP_PORT)
    return [server.shutdown, mail.stop]


def number(value: str) -> float:
    """A locust statistic ("N/A" where an endpoint had no request)."""
    try:
        return float(value)
    except ValueError:
        return 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_locust(accounts_file: Path, users: int, seconds: int, host: str, phase: str, decide: str) -> dict[str, Any]:
    """One locust run against ``host``; ``decide`` is the slice of each person's items it decides."""
    prefix = RESULTS / f"load-{phase}"
    timings = RESULTS / f"{prefix.name}-timings.json"
    cmd = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
           "-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{seconds}s", "--host", host,
           "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"]  # fmt: skip
    environ = {**os.environ, "LOAD_ACCOUNTS": str(accounts_file), "LOAD_TIMINGS": str(timings), "LOAD_DECIDE": decide}
    began = time.time()
    subprocess.run(cmd, env=environ, check=False, stdout=subprocess.DEVNULL)
    rows = {}
    with open(f"{prefix}_stats.csv") as f:
        for row in csv.DictReader(f):
            rows[row["Name"] if row["Type"] else "all"] = row
    gathered = json.loads(timings.read_text())
    server = gathered["timings"]
    result: dict[str, Any] = {"users": users, "seconds": seconds, "host": host, "began": began, "endpoints": []}
    for name, row in rows.items():
        app = server.get(name, {}).get("app", []) if name != "all" else [v for s in server.values() for v in s["app"]]
        entry = {
            "name": "all" if name == "Aggregated" else name,
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "p50": number(row["50%"]),
            "p95": number(row["95%"]),
            "p99": number(row["99%"]),
            "rps": number(row["Requests/s"]),
            "app_p50": percentile(app, 0.5),
            "app_p95": percentile(app, 0.95),
            "app_p99": percentile(app, 0.99),
        }
        result["endpoints"].append(entry)
    result["failures"] = {}
    for failure in gathered["failures"]:
        key = f"{failure['name']}: {failure['cause']}"
        result["failures"][key] = result["failures"].get(key, 0) + 1
    result["failure_log"] = gathered["failures"]
    return result


def report(mode: str, result: dict[str, Any]) -> None:
    where = ("Hosting → Functions emulator" if mode == "emulator"
             else f"functions-framework (gunicorn, 1 process, {result['threads']} threads), deployed-like")  # fmt: skip
    print(f"\nload [{mode}]: {result['users']} simulated people, {result['seconds']} s, {where}")
    head = f"{'endpoint':<34}{'reqs':>7}{'errors':>7}{'p50':>7}{'p95':>7}{'p99':>7}"
    print(f"{head}{'app p50':>9}{'app p95':>9}{'app p99':>9}")
    for e in sorted(result["endpoints"], key=lambda e: (e["name"] == "all", e["name"])):
        print(f"{e['name']:<34}{e['requests']:>7}{e['errors']:>7}{e['p50']:>7.0f}{e['p95']:>7.0f}{e['p99']:>7.0f}"
              f"{e['app_p50']:>9.0f}{e['app_p95']:>9.0f}{e['app_p99']:>9.0f}")  # fmt: skip
    total = next(e for e in result["endpoints"] if e["name"] == "all")
    print(f"(milliseconds; app = the portal's own handling time, Server-Timing; {total['rps']:.1f} requests/s)")
    for cause, count in sorted(result["failures"].items()):
        print(f"failed {count}x  {cause}")
    for f in result["failure_log"][:40]:
        print(f"  at {f['at']:>6.1f} s  {f['status']}  {f['name']}  server={f['server']}  {f['body'][:120]!r}")


def start_deployed(threads: int) -> tuple[str, Any]:
    """``bench/deployed.py`` under functions-framework (gunicorn, one process, ``threads``
    threads), as a deployed function's container runs; answers once it is up."""
    log = open(RESULTS / "load-deployed-server.log", "w")  # noqa: SIM115  (closed with the server)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "functions-framework"), "--source", str(ROOT / "bench" / "deployed.py"),
         "--target", "portal", "--host", "127.0.0.1", "--port", str(DEPLOYED_PORT)],
        cwd=ROOT / "functions", env={**os.environ, "THREADS": str(threads)}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    host = f"http://127.0.0.1:{DEPLOYED_PORT}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{host}/api/auth/config", timeout=5).status_code == 200:
                return host, lambda: (server.terminate(), server.wait(30), log.close())
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit(f"the deployed-like server did not start: see {log.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=20, help="seconds of unmeasured load first")
    parser.add_argument("--mode", choices=[*MODES, "both"], default="both")
    parser.add_argument("--threads", type=int, default=8, help="the deployed-like server's threads")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    modes = list(MODES) if args.mode == "both" else [args.mode]
    stop = standins()
    results: dict[str, Any] = {}
    try:
        started = time.monotonic()
        accounts = seed()
        sign_in(accounts)
        print(f"seeded {len(accounts)} accounts in {time.monotonic() - started:.0f} s", file=sys.stderr)
        accounts_file = RESULTS / "load-accounts.json"
        accounts_file.write_text(json.dumps(accounts))
        for n, mode in enumerate(modes):
            host, stop_server = (env.PORTAL, None) if mode == "emulator" else start_deployed(args.threads)
            try:
                warm(accounts[0], host)
                # Unmeasured load at full concurrency first: the Functions emulator starts a
                # worker process per concurrent request until it has enough, and every
                # function imports its feature's modules on its first request.
                first = n * DECISIONS
                run_locust(accounts_file, args.users, args.warmup, host, f"{mode}-warmup", f"{first}:{first + 1}")
                time.sleep(5)  # the warm-up's triggers settle
                results[mode] = run_locust(
                    accounts_file, args.users, args.seconds, host, mode, f"{first + 1}:{first + DECISIONS}"
                )
                results[mode]["threads"] = args.threads if mode == "deployed" else None
            finally:
                if stop_server:
                    stop_server()
            time.sleep(5)
    finally:
        for fn in stop:
            fn()
    (RESULTS / "load.json").write_text(
        json.dumps({"users": args.users, "seconds": args.seconds, "modes": results}, indent=1)
    )
    for mode, result in results.items():
        report(mode, result)


if __name__ == "__main__":
    main()
