"""The health check against the emulators: a scheduled job's run leaves its record, staff
admins see it in /api/health, everyone else (a client, ops, anyone) gets the status alone;
a backup that fails to start degrades the status for everyone."""

from __future__ import annotations

from typing import Any

import flask
import httpx
import pytest
from helpers import bearer

from portal import backups, db, jobs

pytestmark = pytest.mark.usefixtures("world")


def _run_scheduled(function: Any) -> int:
    """Run a deployed scheduled function in-process, as Cloud Scheduler calls it."""
    headers = {"X-CloudScheduler-JobName": function.__name__, "X-CloudScheduler-ScheduleTime": "2030-05-01T03:30:00Z"}
    with flask.Flask(__name__).test_request_context("/", method="POST", headers=headers):
        return int(function(flask.request).status_code)


def test_a_scheduled_run_is_recorded_and_only_staff_admins_see_it(http: httpx.Client) -> None:
    from scheduled.audit import expire_audit_log

    assert _run_scheduled(expire_audit_log) == 200
    record = db.job_run("expire_audit_log").get().to_dict() or {}
    assert record["lastSuccess"] and record["release"] and "lastFailure" not in record

    admin = http.get("/api/health", headers=bearer("admin@agency.test"))
    assert admin.status_code == 200, admin.text
    body = admin.json()
    assert body["status"] == "ok" and body["release"]
    assert {j["name"] for j in body["jobs"]} == set(jobs.JOBS)
    ran = next(j for j in body["jobs"] if j["name"] == "expire_audit_log")
    assert ran["lastSuccess"] and ran["late"] is False and ran["failing"] is False
    assert ran["schedule"] == "every day 03:30"
    never = next(j for j in body["jobs"] if j["name"] == "refresh_summaries")
    assert never["lastSuccess"] is None and never["late"] is False  # its turn has not come yet
    assert body["backup"] == {"configured": False, "lastSuccess": None, "lastFailure": None, "failed": False}

    for who in ({}, bearer("owner@acme.test"), bearer("member@acme.test"), bearer("ops@agency.test")):
        r = http.get("/api/health", headers=who)
        assert (r.status_code, r.json()) == (200, {"status": "ok"}), who
    for bad in ({"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}, {"Cookie": "__session=x"}):
        r = http.get("/api/health", headers=bad)  # credentials that do not verify: answered as to anyone
        assert (r.status_code, r.json()) == (200, {"status": "ok"}), bad


class _RefusingAdmin:
    """Firestore's admin API refusing to start the export (no permission on the bucket)."""

    def export_documents(self, request: dict[str, Any]) -> Any:
        from google.api_core.exceptions import PermissionDenied

        raise PermissionDenied("The caller does not have permission")


def test_a_backup_that_fails_to_start_degrades_the_health(http: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKUP_BUCKET", "gs://portal-backups/firestore")

    def backup_firestore(event: Any) -> None:  # the scheduled function's service, with Google's refusal
        backups.export(admin=_RefusingAdmin())

    with pytest.raises(Exception, match="permission"):
        jobs.recorded(backup_firestore)(None)
    record = db.job_run(jobs.BACKUP).get().to_dict() or {}
    assert record["lastFailure"] and record["lastError"] == "PermissionDenied"

    assert http.get("/api/health").json() == {"status": "degraded"}
    assert http.get("/api/health", headers=bearer("owner@acme.test")).json() == {"status": "degraded"}
    body = http.get("/api/health", headers=bearer("admin@agency.test")).json()
    assert body["status"] == "degraded"
    assert body["backup"]["failed"] is True and body["backup"]["lastFailure"]
    backup = next(j for j in body["jobs"] if j["name"] == jobs.BACKUP)
    assert backup["failing"] is True and backup["lastError"] == "PermissionDenied" and backup["late"] is False
