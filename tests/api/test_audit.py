"""The audit log through the real functions: who reads it (GET /api/audit), its filters
and pages, bad input, one entry per sensitive operation, and retention."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx
import pytest
from helpers import bearer, error_code, forged_token, sign_in, wait_for, web
from test_billing import ACME, company, deliver_webhook, linked  # noqa: F401  (fixtures)
from test_files import upload

from portal import db
from portal.audit import actions
from portal.audit import service as audit
from portal.audit.retention import expire
from portal.identity import Caller, Role

pytestmark = pytest.mark.usefixtures("world")
URL = "/api/audit"


def entries(action: str, **fields: Any) -> list[dict[str, Any]]:
    """The stored entries of ``action`` whose fields match ``fields``."""
    found = [s.to_dict() for s in db.audit_log().where(filter=db.eq("event", action)).stream()]
    return [e for e in found if all(e.get(k) == v for k, v in fields.items())]


def one(action: str, **fields: Any) -> dict[str, Any]:
    """Exactly one entry of ``action`` matching ``fields`` (waiting for it a little)."""
    found = wait_for(lambda: entries(action, **fields), timeout=20)
    assert len(found) == 1, (action, fields, found)
    entry = found[0]
    for key in ("event", "at", "actorUid", "actorEmail", "actorRole", "orgId", "target", "ip", "requestId"):
        assert key in entry, key
    return entry


def staff(email: str = "admin@agency.test") -> Caller:
    return Caller(uid="u-" + email.split("@")[0], email=email, role=Role.AJ_ADMIN, org_id="agency")


def write(org_id: str, action: str = "org.settings", uid: str = "someone") -> None:
    caller = Caller(uid=uid, email=f"{uid}@x.test", role=Role.CLIENT_OWNER, org_id=org_id)
    audit.record(action, actor=caller, org_id=org_id, target=org_id)


def listed(http: httpx.Client, who: str, **query: Any) -> httpx.Response:
    return http.get(URL, params=query, headers=bearer(who))


# --- who reads what ----------------------------------------------------------------------------


def test_admins_read_all_client_owners_their_own_others_nothing(http: httpx.Client) -> None:
    write("acme", uid="acme-person")
    write("globex", uid="globex-person")
    r = listed(http, "admin@agency.test")
    assert r.status_code == 200, r.text
    orgs = {e["orgId"] for e in r.json()["items"]}
    assert {"acme", "globex"} <= orgs
    assert {a["name"] for a in r.json()["actions"]} == set(actions.ACTIONS)
    only = listed(http, "admin@agency.test", orgId="globex").json()["items"]
    assert only and {e["orgId"] for e in only} == {"globex"}
    agency = listed(http, "admin@agency.test", orgId="agency")
    assert agency.status_code == 200
    mine = listed(http, "owner@acme.test")
    assert mine.status_code == 200 and mine.json()["items"]
    assert {e["orgId"] for e in mine.json()["items"]} == {"acme"}
    assert {e["orgId"] for e in listed(http, "owner@acme.test", orgId="acme").json()["items"]} == {"acme"}
    assert listed(http, "owner@acme.test", orgId="globex").status_code == 404
    assert listed(http, "owner@globex.test", orgId="acme").status_code == 404
    assert {e["orgId"] for e in listed(http, "owner@globex.test").json()["items"]} == {"globex"}
    assert listed(http, "member@acme.test").status_code == 403
    assert listed(http, "ops@agency.test").status_code == 403
    assert listed(http, "ops@agency.test", orgId="acme").status_code == 403
    assert listed(http, "admin@agency.test", orgId="nosuchorg").status_code == 404
    anonymous = http.get(URL)
    assert anonymous.status_code == 401 and error_code(anonymous) == "no_credentials"


def test_filters_and_pages(http: httpx.Client) -> None:
    for n in range(5):
        write("acme", "org.settings", uid=f"pager{n % 2}")
    write("acme", "org.updated", uid="pager0")
    admin = "admin@agency.test"
    by_actor = listed(http, admin, actor="pager1").json()["items"]
    assert len(by_actor) == 2 and {e["actorUid"] for e in by_actor} == {"pager1"}
    combined = listed(http, admin, actor="pager0", action="org.settings", orgId="acme").json()["items"]
    assert len(combined) == 3 and {e["action"] for e in combined} == {"org.settings"}
    # Compared as times: an instant on a whole second is written without a fraction.
    newest_first = [dt.datetime.fromisoformat(e["at"]) for e in listed(http, admin, orgId="acme").json()["items"]]
    assert newest_first == sorted(newest_first, reverse=True)
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert listed(http, admin, since=future).json()["items"] == []
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    assert listed(http, admin, until=past, actor="pager0").json()["items"] == []
    assert len(listed(http, admin, since=past, actor="pager0").json()["items"]) == 4
    seen: list[str] = []
    cursor = None
    while True:
        query = {"actor": "pager0", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = listed(http, admin, **query).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert len(seen) == 4 and len(set(seen)) == 4


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"cursor": db.encode_cursor("p1", "orgs/acme/projects/p1")}, "invalid_cursor"),
        ({"cursor": db.encode_cursor("gone", "auditLog/gone")}, "invalid_cursor"),
        ({"since": "yesterday"}, "invalid_query"),
        ({"until": "2026-13-45T00:00:00Z"}, "invalid_query"),
        ({"since": "2026-01-01T00:00:00"}, "invalid_query"),  # no time zone
        ({"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "invalid_query"),
        ({"action": "auth.hack"}, "invalid_query"),
        ({"orgId": "__main__"}, "invalid_query"),
        ({"actor": "__x__"}, "invalid_query"),
        ({"limit": "0"}, "invalid_query"),
        ({"limit": "many"}, "invalid_query"),
        ({"unknown": "1"}, "invalid_query"),
    ],
)
def test_bad_input_is_a_clear_400(http: httpx.Client, query: dict, code: str) -> None:
    for who in ("admin@agency.test", "owner@acme.test"):
        r = listed(http, who, **query)
        assert r.status_code == 400, (who, r.text)
        assert error_code(r) == code


def test_entries_cannot_be_changed_through_the_api(http: httpx.Client) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = http.request(method, URL, json={}, headers=bearer("admin@agency.test"))
        assert r.status_code == 405, method


# --- one entry per sensitive operation ----------------------------------------------------------


def test_sign_ins_and_refused_sign_ins(http: httpx.Client) -> None:
    session = sign_in("owner@acme.test", fresh=True)
    assert http.post("/api/auth/login", json={"idToken": session["idToken"]}).status_code == 200
    entry = one("auth.login", actorUid=session["localId"])
    assert entry["orgId"] == "acme" and entry["actorRole"] == "client_owner" and entry["requestId"]
    stale = forged_token(session["localId"], email="owner@acme.test", auth_time=int(time.time()) - 3600,
                         role="client_owner", orgId="acme")  # fmt: skip
    r = http.post("/api/auth/login", json={"idToken": stale})
    assert r.status_code == 401 and error_code(r) == "stale_sign_in"
    refused = one("auth.login_refused", target=session["localId"])
    assert refused["details"]["code"] == "stale_sign_in" and refused["actorUid"] is None
    assert http.post("/api/auth/login", json={"idToken": "garbage"}).status_code == 401
    assert [e for e in entries("auth.login_refused") if e["details"]["code"] == "invalid_token"]


def test_blocked_sign_up(http: httpx.Client) -> None:
    from env import AUTH

    r = web.post(f"{AUTH}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=any",
                   json={"email": "walk-in@example.test", "password": "secret-123"}, timeout=30)  # fmt: skip
    assert r.status_code == 400
    entry = one("auth.signup_blocked", actorEmail="walk-in@example.test")
    assert entry["details"]["email"] == "walk-in@example.test"


def test_approval_decisions(http: httpx.Client) -> None:
    body = {"orgId": "acme", "projectId": "acme-rebrand", "contentType": "design", "title": "Audited logo",
            "due": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "assigneeEmails": ["member@acme.test"],
            "content": {"previewUrl": "https://cdn.example.com/a.png", "fileUrls": [], "notes": ""}}  # fmt: skip
    item = http.post("/api/approvals", json=body, headers=bearer("ops@agency.test")).json()
    r = http.post(f"/api/approvals/{item['id']}/action", json={"action": "approve", "comment": ""},
                  headers=bearer("owner@acme.test"))  # fmt: skip
    assert r.status_code == 200, r.text
    entry = one("approval.decided", target=item["id"])
    assert entry["orgId"] == "acme" and entry["details"] == {"action": "approve", "version": 1}
    again = http.post(f"/api/approvals/{item['id']}/action", json={"action": "approve", "comment": ""},
                      headers=bearer("owner@acme.test"))  # fmt: skip
    assert again.status_code == 409
    assert len(entries("approval.decided", target=item["id"])) == 1


def test_people_role_changes_and_removals(http: httpx.Client) -> None:
    members = http.get("/api/members", params={"orgId": "acme"}, headers=bearer("admin@agency.test")).json()
    member = next(m for m in members["items"] if m["email"] == "member@acme.test")
    r = http.patch(f"/api/members/{member['uid']}", json={"role": "client_owner"}, headers=bearer("admin@agency.test"))
    assert r.status_code == 200, r.text
    assert one("user.role_changed", target=member["uid"])["details"] == {"from": "client_member", "to": "client_owner"}
    r = http.delete(f"/api/members/{member['uid']}", headers=bearer("owner@acme.test"))
    assert r.status_code == 200, r.text
    assert one("user.disabled", target=member["uid"])["actorEmail"] == "owner@acme.test"
    r = http.post("/api/invites", json={"orgId": "acme", "email": "new@acme.test", "role": "client_member"},
                  headers=bearer("owner@acme.test"))  # fmt: skip
    assert r.status_code in (200, 201), r.text
    assert one("invite.created", orgId="acme", actorEmail="owner@acme.test")["details"]


def test_file_downloads_and_deletions(http: httpx.Client, drive: Any) -> None:
    from portal.files.demo import png

    admin = bearer("admin@agency.test")
    file = upload(http, bearer("owner@acme.test"), "audited.png", png())
    assert http.get(f"/api/files/{file['id']}/download", headers=bearer("owner@acme.test")).status_code == 200
    assert one("file.download", target=file["id"])["orgId"] == "acme"
    assert http.delete(f"/api/files/{file['id']}", headers=admin).status_code == 200
    assert one("file.deleted", target=file["id"])["details"]["name"] == file["name"]


def test_settings_changes(http: httpx.Client) -> None:
    r = http.patch("/api/orgs/acme/settings", json={"emailDomains": ["acme.test"]}, headers=bearer("ops@agency.test"))
    assert r.status_code == 200, r.text
    assert one("org.settings", target="acme")["actorEmail"] == "ops@agency.test"


@pytest.mark.usefixtures("linked")
def test_billing_link_sync_and_webhook(http: httpx.Client, linked: Any) -> None:  # noqa: F811
    admin = {"orgId": "acme", "actorEmail": "admin@agency.test"}
    assert one("billing.linked", **admin)["target"] == ACME
    assert len(entries("billing.synced", **admin)) == 1  # linking syncs
    r = http.post("/api/billing/sync", json={"orgId": "acme"}, headers=bearer("admin@agency.test"))
    assert r.status_code == 200
    assert wait_for(lambda: len(entries("billing.synced", **admin)) == 2, timeout=20)
    from portal.billing import service as billing

    def scheduled() -> list[dict[str, Any]]:
        return entries("billing.synced", orgId="acme", actorEmail="scheduled")

    before = len(scheduled())
    billing.sync_all(respect_backoff=False)  # the scheduled poll: nothing changed, nothing recorded
    assert len(scheduled()) == before
    linked.set_status(ACME, "canceled")
    r = deliver_webhook(http, linked, "membership.deactivated", ACME, msg_id="msg_audit_1")
    assert r.status_code == 200, r.text
    applied = one("billing.webhook_applied", orgId="acme")
    assert applied["actorEmail"] == "whop" and applied["details"]["eventId"] == "msg_audit_1"
    assert deliver_webhook(http, linked, "membership.deactivated", ACME, msg_id="msg_audit_1").status_code == 200
    assert len(entries("billing.webhook_applied", orgId="acme")) == 1
    linked.set_status(ACME, "active")
    billing.sync_all(respect_backoff=False)  # Whop says active again: a change, recorded
    assert len(scheduled()) == before + 1
    assert [e for e in scheduled() if e["details"].get("was") == "canceled"]


def test_every_recorded_action_is_registered() -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record("made.up", actor_label="test")


# --- retention ------------------------------------------------------------------------------------


def test_retention_deletes_expired_entries_in_bounded_batches() -> None:
    now = dt.datetime.now(dt.UTC)
    log = db.audit_log()
    for n in range(5):
        log.document(f"old{n}").set({"event": "auth.login", "at": now - dt.timedelta(days=500 + n), "orgId": "acme"})
    log.document("recent").set({"event": "auth.login", "at": now - dt.timedelta(days=10), "orgId": "acme"})
    first = expire(now=now, days=400, batch=2, max_batches=2)
    assert first["deleted"] == 4 and first["more"] is True
    second = expire(now=now, days=400, batch=2, max_batches=2)
    assert second["deleted"] == 1 and second["more"] is False
    remaining = {s.id for s in log.stream()}
    assert "recent" in remaining and not any(i.startswith("old") for i in remaining)
    assert expire(now=now, days=5)["deleted"] >= 1 and not log.document("recent").get().exists


def test_retention_period_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.audit.retention import DEFAULT_DAYS, retention_days

    monkeypatch.delenv("AUDIT_RETENTION_DAYS", raising=False)
    assert retention_days() == DEFAULT_DAYS == 400
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "90")
    assert retention_days() == 90
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "ninety")
    assert retention_days() == DEFAULT_DAYS
