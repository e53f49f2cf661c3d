"""The scheduled jobs: when each runs, what each last did, and whether one is late.

:data:`JOBS` declares every scheduled function by its name, with its schedule (Cloud
Scheduler's ``every ...`` syntax) from which its interval follows; ``functions/scheduled``
deploys each with that schedule through one decorator, which wraps the function in
:func:`recorded`. Every run leaves its outcome in the job's record (``system/jobs/runs/{job}``,
:func:`portal.db.job_run`): the time of the last success and of the last failure with the
exception's type (never its message, which can quote personal data), how long the last
success took, and the release that ran it.

A job is *late* (:func:`assess`) when it has not succeeded for :data:`LATE_AFTER` times its
interval plus :data:`SLACK`: one missed or failed run is not late, two are. A job that never
ran is measured from the first run of any job under the release being served, so a job a
new release adds, or one whose schedule was never created, becomes late too, without a
fresh deployment counting as late before its daily jobs had their first turn.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from . import config, logs

F = TypeVar("F", bound=Callable[..., Any])
Clock = Callable[[], dt.datetime]

LATE_AFTER = 2
"""How many intervals without a success make a job late."""
SLACK = dt.timedelta(minutes=15)
"""Added to that: a run's own duration and the scheduler's jitter."""
UTC = "Etc/UTC"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_EVERY = re.compile(r"^every (\d+) (minutes?|mins?|hours?)$")
_DAILY = re.compile(r"^every day \d\d:\d\d$")


def interval(schedule: str) -> dt.timedelta:
    """The time between two runs of ``schedule`` (``every 30 minutes``, ``every 6 hours``,
    ``every day 03:00``); a schedule of another form is refused, so a new one is taught here."""
    if _DAILY.match(schedule):
        return dt.timedelta(days=1)
    found = _EVERY.match(schedule)
    if not found or int(found[1]) <= 0:
        raise ValueError(f"cannot tell the interval of the schedule {schedule!r}: teach portal.jobs.interval")
    amount = int(found[1])
    return dt.timedelta(hours=amount) if found[2].startswith("hour") else dt.timedelta(minutes=amount)


@dataclass(frozen=True)
class Job:
    """A scheduled function: its name (the function's), its schedule and the time zone the
    schedule is read in (None: Cloud Scheduler's default)."""

    name: str
    schedule: str
    timezone: str | None = None

    @property
    def every(self) -> dt.timedelta:
        return interval(self.schedule)

    @property
    def deadline(self) -> dt.timedelta:
        """How long the job may go without a success before it is late."""
        return LATE_AFTER * self.every + SLACK


BACKUP = "backup_firestore"

JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("approval_reminders", "every 1 hours", UTC),
        Job(BACKUP, "every day 02:00", UTC),
        Job("expire_audit_log", "every day 03:30"),
        Job("poll_whop", "every 30 minutes"),
        Job("renew_calendar_channels", "every 6 hours"),
        Job("sync_calendars", "every 30 minutes"),
        Job("reconcile_files", "every 15 minutes"),
        Job("expire_uploads", "every 6 hours"),
        Job("notification_digest", "every day 07:00", UTC),
        Job("mail_waiting", "every 5 minutes", UTC),
        Job("expire_exports", "every 1 hours"),
        Job("purge_deletions", "every day 03:00", UTC),
        Job("age_out_data", "every day 03:30", UTC),
        Job("refresh_summaries", "every day 03:00", UTC),
    )
}
"""Every scheduled function, by name: what deploys it and what the health check reads."""


def declared(name: str) -> Job:
    """The job of the scheduled function ``name``; one missing from :data:`JOBS` is a defect."""
    try:
        return JOBS[name]
    except KeyError:
        raise LookupError(f"the scheduled function {name!r} is not declared in portal.jobs.JOBS") from None


# --- recording ------------------------------------------------------------------------------


def _outcome(fields: dict[str, Any], at: dt.datetime) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The change a run makes to its job's record: ``fields``, the release, and when that
    release first ran a job (kept while the release stays the same)."""
    release = config.release()

    def change(before: dict[str, Any]) -> dict[str, Any]:
        same = before.get("release") == release and before.get("releaseSince") is not None
        return {**fields, "release": release, "releaseSince": before["releaseSince"] if same else at}

    return change


def record(name: str, *, ok: bool, at: dt.datetime, error: str | None = None, took: float | None = None) -> None:
    """Leave the outcome of a run of job ``name`` in its record. A failure to write it is
    logged, never raised: it must not turn a job's success into a failure, or hide one."""
    from . import db

    fields: dict[str, Any] = (
        {"lastSuccess": at, "lastDuration": round(took or 0.0, 3)}
        if ok
        else {"lastFailure": at, "lastError": error or "Exception"}
    )
    try:
        db.record_job_run(name, _outcome(fields, at))
    except Exception as exc:
        logs.error("job record failed", job=name, exc=exc)


def recorded(fn: F, *, clock: Clock = utcnow) -> F:
    """Wrap the scheduled function ``fn`` (declared in :data:`JOBS` under its name): its log
    lines name it, and each run's success or failure goes to its record; a failure is
    logged with its traceback and raised again, as before."""
    job = declared(fn.__name__)

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        logs.reset()
        logs.bind(function=job.name)
        started = time.perf_counter()
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:
            logs.error("job failed", job=job.name, exc=exc)
            record(job.name, ok=False, at=clock(), error=type(exc).__name__)
            raise
        record(job.name, ok=True, at=clock(), took=time.perf_counter() - started)
        return result

    return run  # type: ignore[return-value]


# --- assessing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobState:
    """How a job is doing, as the health check tells staff."""

    job: Job
    last_success: dt.datetime | None
    last_failure: dt.datetime | None
    last_error: str | None
    late: bool

    @property
    def failing(self) -> bool:
        """Whether its last run failed."""
        if self.last_failure is None:
            return False
        return self.last_success is None or self.last_failure >= self.last_success


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def assess(
    records: Mapping[str, Mapping[str, Any]], now: dt.datetime, jobs: Iterable[Job] | None = None
) -> list[JobState]:
    """The state of each of ``jobs`` (default: every job) at ``now``, from their records
    (by job name; a job that never ran has none)."""
    release = config.release()
    starts = [_moment(r.get("releaseSince")) for r in records.values() if r.get("release") == release]
    since = min((s for s in starts if s is not None), default=None)
    states = []
    for job in JOBS.values() if jobs is None else jobs:
        found = records.get(job.name) or {}
        success, failure = _moment(found.get("lastSuccess")), _moment(found.get("lastFailure"))
        reference = success or since  # never succeeded: since the release first ran any job
        late = reference is not None and now - reference > job.deadline
        error = found.get("lastError")
        states.append(JobState(job, success, failure, str(error) if failure and error else None, late))
    return states
