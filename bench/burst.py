"""A burst of 400 project writes: document reads spent on dashboard summaries, and the
time until the dashboard is converged and correct, per-write refreshes (the behaviour
before coalescing: one full refresh per trigger) against coalesced refreshes (one per
organisation and window, see portal/dashboard/summaries.py).

Both run in this process against the Firestore emulator, in the same run: each write is
committed and then its trigger's work is done the way the trigger does it (a per-write
refresh inline; a coalesced request through a task queue that, like the emulator's,
runs a task as soon as it is accepted and accepts a name once).

    make bench           # starts the Firestore emulator around the benchmarks
"""

from __future__ import annotations

import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "functions"))

from dashboard import Meter, seed  # the dashboard benchmark's meter and demo organisation
from firebase_admin import exceptions, functions

from portal import db, domain
from portal.dashboard import summaries

WRITES = 400
PROJECTS = 100


class InProcessQueue:
    """Accepts a task name once and runs the task at once on a thread of its own."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def enqueue(self, body: dict[str, Any], options: Any) -> str:
        with self.lock:
            if options.task_id in self.names:
                raise exceptions.ConflictError("A task with the same name already exists", cause=None)
            self.names.add(options.task_id)
        data = body["data"]
        thread = threading.Thread(target=summaries.run_requested, args=(data["orgId"], data["window"]))
        thread.start()
        self.threads.append(thread)
        return options.task_id


def comparable(summary: dict[str, Any]) -> Any:
    return {k: v for k, v in summary.items() if k not in ("updatedAt", "startedAt", "tookMs")}


def burst(org_id: str, after_write: Any, rnd: random.Random) -> float:
    """Make WRITES writes, calling ``after_write`` after each; the seconds from the first."""
    projects = db.system(org_id).projects()
    started = time.perf_counter()
    for i in range(WRITES):
        status = rnd.choice(domain.PROJECT_STATUSES)
        projects.document(f"p{rnd.randrange(PROJECTS):05d}").update({"status": status, "name": f"Burst {i:03d}"})
        after_write()
    return started


def main() -> None:
    if not db.config.project_id():
        db.config.project_id.cache_clear()
    meter = Meter()
    org_id = seed(PROJECTS)
    rows = []

    meter.rpcs = meter.reads = 0
    started = burst(org_id, lambda: summaries.refresh_org(org_id), random.Random(1))
    converged = time.perf_counter() - started
    expected = comparable(summaries.refresh_org(org_id))
    stored = comparable(db.system(org_id).dashboard_summary().get().to_dict() or {})
    rows.append(("refresh per write", meter.reads, WRITES, converged, stored == expected))

    queue = InProcessQueue()
    functions.task_queue = lambda name, app=None: queue  # type: ignore[assignment]
    meter.rpcs = meter.reads = 0
    started = burst(org_id, lambda: summaries.request_refresh(org_id), random.Random(2))
    for thread in queue.threads:
        thread.join()
    converged = time.perf_counter() - started
    reads = meter.reads
    expected = comparable(summaries.refresh_org(org_id))
    stored = comparable(db.system(org_id).dashboard_summary().get().to_dict() or {})
    rows.append(("coalesced (3 s windows)", reads, len(queue.names), converged, stored == expected))

    print(f"{WRITES} project writes to one organisation of {PROJECTS} projects")
    print(f"{'summaries':<26}{'doc reads':>11}{'refreshes':>11}{'converged s':>13}{'correct':>9}")
    for name, reads, refreshes, seconds, correct in rows:
        print(f"{name:<26}{reads:>11}{refreshes:>11}{seconds:>13.1f}{'yes' if correct else 'NO':>9}")
    print(f"reads, per write / coalesced: {rows[0][1] / max(1, rows[1][1]):.0f}x")
    if not all(r[4] for r in rows):
        sys.exit("a dashboard did not converge to the right summary")


if __name__ == "__main__":
    main()
