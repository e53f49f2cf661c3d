"""The health check and the scheduled jobs' records, without the emulators: late detection
with an injected clock, what a run leaves in its record, who is told what, and 503 (logged)
when Firestore does not answer."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest

from portal import config, db, health, jobs, policy
from portal.errors import Unavailable
from portal.identity import Caller, Role

T0 = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


class _Unreachable:
    def __init__(self) -> None:
        self.asked: dict[str, Any] = {}

    def collection(self, name: str) -> Any:
        return self

    def document(self, name: str) -> Any:
        return self

    def get_all(self, refs: list[Any], **kwargs: Any) -> Any:
        self.asked = kwargs
        raise TimeoutError("deadline exceeded")


def test_unreachable_firestore_is_unavailable(capsys: pytest.CaptureFixture[str]) -> None:
    stand_in = _Unreachable()
    with db.using(stand_in), pytest.raises(Unavailable) as caught:  # type: ignore[arg-type]
        health.report(None)
    assert caught.value.status == 503 and "deadline" not in str(caught.value)
    assert stand_in.asked["timeout"] <= 5 and stand_in.asked["retry"] is None  # a monitor must not wait on retries
    assert "Firestore unreachable" in capsys.readouterr().out


# --- schedules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "every"),
    [
        ("every 5 minutes", 5 * MIN),
        ("every 1 hours", HOUR),
        ("every 6 hours", 6 * HOUR),
        ("every day 03:30", 24 * HOUR),
    ],
)
def test_intervals_follow_from_schedules(schedule: str, every: dt.timedelta) -> None:
    assert jobs.interval(schedule) == every


@pytest.mark.parametrize("schedule", ["every monday 09:00", "*/5 * * * *", "every 0 minutes"])
def test_a_schedule_of_another_form_is_refused(schedule: str) -> None:
    with pytest.raises(ValueError, match="interval"):
        jobs.interval(schedule)


def test_every_scheduled_function_is_a_declared_job_with_its_schedule() -> None:
    import main

    deployed = {}
    for module, names in main.FUNCTIONS.items():
        if module.startswith("scheduled."):
            loaded = importlib.import_module(module)
            for name in names:
                trigger = getattr(loaded, name).__firebase_endpoint__.scheduleTrigger
                deployed[name] = (trigger["schedule"], trigger["timeZone"])
    assert deployed == {name: (job.schedule, job.timezone) for name, job in jobs.JOBS.items()}
    assert all(job.every > dt.timedelta(0) for job in jobs.JOBS.values())


def test_an_undeclared_job_cannot_be_wrapped() -> None:
    def not_a_job() -> None: ...

    with pytest.raises(LookupError, match=r"portal\.jobs\.JOBS"):
        jobs.recorded(not_a_job)


# --- late or not ----------------------------------------------------------------------------

FIVE = jobs.JOBS["mail_waiting"]  # every 5 minutes: late after 2 x 5 + 15 minutes
DAILY = jobs.JOBS["refresh_summaries"]


def _state(records: dict[str, dict[str, Any]], now: dt.datetime, job: jobs.Job = FIVE) -> jobs.JobState:
    return jobs.assess(records, now, [job])[0]


def _ran(at: dt.datetime, **more: Any) -> dict[str, Any]:
    return {"lastSuccess": at, "release": config.release(), "releaseSince": at, **more}


def test_late_means_no_success_for_twice_the_interval_and_slack() -> None:
    records = {FIVE.name: _ran(T0)}
    assert FIVE.deadline == 25 * MIN
    assert not _state(records, T0 + 25 * MIN).late
    assert _state(records, T0 + 25 * MIN + dt.timedelta(seconds=1)).late
    daily = {DAILY.name: _ran(T0)}
    assert not _state(daily, T0 + 48 * HOUR, DAILY).late
    assert _state(daily, T0 + 49 * HOUR, DAILY).late


def test_one_failure_is_failing_not_late_and_a_success_ends_it() -> None:
    records = {FIVE.name: _ran(T0, lastFailure=T0 + 5 * MIN, lastError="TimeoutError")}
    state = _state(records, T0 + 6 * MIN)
    assert (state.failing, state.late, state.last_error) == (True, False, "TimeoutError")
    assert _state(records, T0 + 30 * MIN).late  # it kept failing
    records[FIVE.name]["lastSuccess"] = T0 + 10 * MIN
    state = _state(records, T0 + 11 * MIN)
    assert (state.failing, state.late) == (False, False)


def test_a_job_that_never_ran_is_late_once_the_release_has_run_longer_than_its_deadline() -> None:
    other = {FIVE.name: _ran(T0)}  # the first job that ran under this release
    assert not _state(other, T0 + 47 * HOUR, DAILY).late  # a fresh deployment: its turn has not come
    assert _state(other, T0 + 49 * HOUR, DAILY).late  # never scheduled, or added and never run
    assert not _state({}, T0 + 1000 * HOUR, DAILY).late  # nothing ran at all: nothing to measure from


def test_a_new_release_restarts_the_wait_for_jobs_that_never_ran() -> None:
    old = {FIVE.name: {"lastSuccess": T0 + 99 * HOUR, "release": "an-older-one", "releaseSince": T0}}
    assert not _state(old, T0 + 100 * HOUR, DAILY).late


# --- recording ------------------------------------------------------------------------------


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    """The jobs' records, in memory."""
    records: dict[str, dict[str, Any]] = {}

    def record_job_run(name: str, change: Any) -> None:
        records.setdefault(name, {}).update(change(dict(records.get(name, {}))))

    monkeypatch.setattr(db, "record_job_run", record_job_run)
    monkeypatch.setattr(db, "job_runs", lambda names, timeout=3.0: {n: r for n, r in records.items() if n in names})
    return records


def mail_waiting(*args: Any) -> str:
    return "done"


def backup_firestore(*args: Any) -> None:
    raise PermissionError("the service account may not export (dana@agency.example)")


def test_a_run_records_its_success_and_a_failure_its_time_and_type(
    store: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORTAL_RELEASE", "abc1234")
    assert jobs.recorded(mail_waiting, clock=lambda: T0)("event") == "done"
    assert store["mail_waiting"]["lastSuccess"] == T0
    assert store["mail_waiting"]["release"] == "abc1234" and store["mail_waiting"]["releaseSince"] == T0
    jobs.recorded(mail_waiting, clock=lambda: T0 + 5 * MIN)("event")
    assert store["mail_waiting"]["lastSuccess"] == T0 + 5 * MIN
    assert store["mail_waiting"]["releaseSince"] == T0  # the same release: when it first ran a job
    with pytest.raises(PermissionError):
        jobs.recorded(backup_firestore, clock=lambda: T0 + 6 * MIN)("event")
    failed = store["backup_firestore"]
    assert failed["lastFailure"] == T0 + 6 * MIN and failed["lastError"] == "PermissionError"
    assert "dana" not in repr(store)  # the exception's type, never its message
    line = next(x for x in capsys.readouterr().out.splitlines() if '"job failed"' in x)
    assert '"stack_trace"' in line and '"function": "backup_firestore"' in line
    monkeypatch.setenv("PORTAL_RELEASE", "def5678")
    jobs.recorded(mail_waiting, clock=lambda: T0 + HOUR)("event")
    assert store["mail_waiting"]["releaseSince"] == T0 + HOUR


def test_a_record_that_cannot_be_written_does_not_change_the_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str, change: Any) -> None:
        raise TimeoutError("Firestore is down")

    monkeypatch.setattr(db, "record_job_run", broken)
    assert jobs.recorded(mail_waiting)("event") == "done"
    with pytest.raises(PermissionError):
        jobs.recorded(backup_firestore)("event")


# --- who is told what -----------------------------------------------------------------------

ADMIN = Caller("a1", "admin@agency.test", Role.AJ_ADMIN, "agency")
OPS = Caller("o1", "ops@agency.test", Role.AJ_OPS, "agency")
OWNER = Caller("c1", "owner@acme.test", Role.CLIENT_OWNER, "acme")


@pytest.mark.parametrize(("caller", "sees"), [(ADMIN, True), (OPS, False), (OWNER, False), (None, False)])
def test_only_staff_admins_see_the_operations(caller: Caller | None, sees: bool) -> None:
    assert policy.sees_operations(caller) is sees


def test_the_status_alone_to_anyone_and_the_detail_to_admins(store: dict[str, dict[str, Any]]) -> None:
    store.update({job: _ran(T0) for job in jobs.JOBS})
    assert health.report(None, now=T0 + MIN) == {"status": "ok"}
    assert health.report(OWNER, now=T0 + MIN) == {"status": "ok"}
    assert health.report(OPS, now=T0 + MIN) == {"status": "ok"}
    detail = health.report(ADMIN, now=T0 + MIN)
    assert detail["status"] == "ok" and detail["release"] == config.release()
    assert {j["name"] for j in detail["jobs"]} == set(jobs.JOBS)
    first = detail["jobs"][0]
    assert first["lastSuccess"] == "2030-05-01T12:00:00Z" and first["late"] is False
    assert detail["backup"]["failed"] is False


def test_a_late_job_or_a_failed_backup_degrades_the_status(store: dict[str, dict[str, Any]]) -> None:
    store.update({job: _ran(T0) for job in jobs.JOBS})
    assert health.report(None, now=T0 + 30 * MIN) == {"status": "degraded"}  # mail_waiting is late
    late = [j["name"] for j in health.report(ADMIN, now=T0 + 30 * MIN)["jobs"] if j["late"]]
    assert late == ["mail_waiting"]
    store["backup_firestore"].update(lastFailure=T0 + MIN, lastError="PermissionError")
    store["mail_waiting"]["lastSuccess"] = T0 + 29 * MIN
    assert health.report(None, now=T0 + 30 * MIN) == {"status": "degraded"}
    backup = health.report(ADMIN, now=T0 + 30 * MIN)["backup"]
    assert backup["failed"] is True and backup["lastFailure"] == "2030-05-01T12:01:00Z"


def test_the_public_answer_serialises_to_the_status_alone() -> None:
    from portal.api.common import Health

    assert Health.model_validate({"status": "ok"}).model_dump(mode="json") == {"status": "ok"}
