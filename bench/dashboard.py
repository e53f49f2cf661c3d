"""Cost of the dashboard and the project list at 10 and at 1,000 projects.

For each request it counts Firestore document reads (billing's rule: every document
looked up or returned, at least one per query, one per aggregation) and RPCs (all
sequential here, so RPCs = round trips), and times it: median of repeated calls,
in-process against the Firestore emulator. A "naive" dashboard that scans every
project is measured alongside, in the same run, as the baseline.

    make bench           # starts the Firestore emulator around this script
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "functions"))

from portal import db, domain
from portal.dashboard import service as dashboard
from portal.dashboard import summaries
from portal.identity import Caller, OrgKind, Role
from portal.orgs import service as orgs
from portal.projects import service as projects

SIZES = (10, 1000)
RUNS = 25
READ_METHODS = ("batch_get_documents", "run_query", "run_aggregation_query", "get_document")


class Meter:
    """Counts RPCs and document reads made through the portal's Firestore client."""

    def __init__(self) -> None:
        self.rpcs = 0
        self.reads = 0
        api = db.client()._firestore_api
        for name in READ_METHODS:
            setattr(api, name, self._wrap(name, getattr(api, name)))

    def _wrap(self, name: str, call: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.rpcs += 1
            result = call(*args, **kwargs)
            if name == "get_document":
                self.reads += 1
                return result
            return self._stream(name, result)

        return counted

    def _stream(self, name: str, responses: Any) -> Any:
        # Counted as they arrive: a caller may stop iterating once it has what it needs.
        docs = 0
        if name != "batch_get_documents":
            self.reads += 1  # a query costs at least one read, an aggregation one per 1,000 entries
        for response in responses:
            if name == "batch_get_documents" and (response._pb.HasField("found") or response._pb.HasField("missing")):
                self.reads += 1  # a lookup is billed whether or not the document exists
            elif name == "run_query" and response._pb.HasField("document"):
                docs += 1
                self.reads += docs > 1
            yield response

    def measure(self, fn: Any) -> tuple[int, int, float]:
        self.rpcs = self.reads = 0
        started = time.perf_counter()
        fn()
        return self.reads, self.rpcs, time.perf_counter() - started


def seed(size: int) -> str:
    from google.cloud import firestore

    org_id = f"bench-{size}"
    orgs.create_org(f"Bench {size}", OrgKind.CLIENT, org_id=org_id, actor_label="bench")
    rnd = random.Random(size)
    today = dt.date.today()
    batch, pending = db.client().batch(), 0
    for i in range(size):
        milestones = [
            {
                "id": f"m{j}",
                "title": f"Milestone {j}",
                "done": rnd.random() < 0.4,
                "doneAt": None,
                "due": (today + dt.timedelta(days=rnd.randint(-30, 90))).isoformat(),
            }
            for j in range(rnd.randint(2, 8))
        ]
        status = rnd.choice(domain.PROJECT_STATUSES)
        ref = db.client().collection("orgs").document(org_id).collection("projects").document(f"p{i:05d}")
        batch.set(
            ref,
            {
                "id": ref.id,
                "orgId": org_id,
                "orgName": f"Bench {size}",
                "name": f"Project {i:05d}",
                "status": status,
                "milestones": milestones,
                **domain.derived(milestones, status),
                "lastActivity": firestore.SERVER_TIMESTAMP,
            },
        )
        pending += 1
        if pending == 400:
            batch.commit()
            batch, pending = db.client().batch(), 0
    if pending:
        batch.commit()
    summaries.refresh_org(org_id)
    return org_id


def naive_dashboard(org_id: str) -> None:
    """What a dashboard costs without summaries: read every project."""
    list(db.client().collection("orgs").document(org_id).collection("projects").stream())


def main() -> None:
    if not db.config.project_id():
        db.config.project_id.cache_clear()
    meter = Meter()
    rows = []
    for size in SIZES:
        org_id = seed(size)
        caller = Caller(uid="bench", email="owner@bench.test", role=Role.CLIENT_OWNER, org_id=org_id)
        cases = {
            "dashboard": lambda caller=caller: dashboard.dashboard(caller),
            "project list (25)": lambda caller=caller: projects.list_projects(
                caller, org_id=None, status=None, cursor=None, limit=25
            ),
            "naive dashboard (scan)": lambda org_id=org_id: naive_dashboard(org_id),
        }
        for name, fn in cases.items():
            fn()  # warm up
            samples = [meter.measure(fn) for _ in range(RUNS)]
            reads = {s[0] for s in samples}
            rpcs = {s[1] for s in samples}
            rows.append((name, size, sorted(reads), sorted(rpcs), statistics.median(s[2] for s in samples)))
    print(f"{'request':<24}{'projects':>9}{'doc reads':>11}{'round trips':>13}{'median ms':>11}")
    for name, size, reads, rpcs, median in rows:
        print(f"{name:<24}{size:>9}{'/'.join(map(str, reads)):>11}{'/'.join(map(str, rpcs)):>13}{median * 1000:>11.1f}")
    by = {(r[0], r[1]): r[4] for r in rows}
    for size in SIZES:
        ratio = by[("naive dashboard (scan)", size)] / by[("dashboard", size)]
        print(f"naive scan / dashboard latency at {size} projects: {ratio:.1f}x")


if __name__ == "__main__":
    main()
