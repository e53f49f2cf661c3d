"""The health check: whether the portal can serve, and whether its scheduled jobs keep up.

Anyone (an uptime monitor) gets the status alone: ``ok``; ``degraded`` when a scheduled job
is late or the last backup failed to start (still 200: the portal serves, and a monitor
alerts on the word); and :class:`portal.errors.Unavailable` (503) when Firestore does not
answer. Staff admins (:func:`portal.policy.sees_operations`) also get each job's last
success and failure, whether it is late, the backup's state and the release being served.

It reads nothing but the jobs' records, in one batched read (:func:`portal.db.job_runs`),
which is also what tells whether Firestore answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import config, db, jobs, policy
from .identity import Caller


def _time(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def report(caller: Caller | None, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The health check's answer to ``caller`` (None: anyone) at ``now``."""
    records = db.job_runs(jobs.JOBS)
    states = jobs.assess(records, now or jobs.utcnow())
    backup = next(s for s in states if s.job.name == jobs.BACKUP)
    degraded = any(s.late for s in states) or backup.failing
    answer: dict[str, Any] = {"status": "degraded" if degraded else "ok"}
    if not policy.sees_operations(caller):
        return answer
    answer["release"] = config.release()
    answer["jobs"] = [
        {
            "name": s.job.name,
            "schedule": s.job.schedule,
            "lastSuccess": _time(s.last_success),
            "lastFailure": _time(s.last_failure),
            "lastError": s.last_error,
            "failing": s.failing,
            "late": s.late,
        }
        for s in states
    ]
    answer["backup"] = {
        "configured": bool(config.env("BACKUP_BUCKET").strip()),
        "lastSuccess": _time(backup.last_success),
        "lastFailure": _time(backup.last_failure),
        "failed": backup.failing,
    }
    return answer
