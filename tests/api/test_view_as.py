"""View as client through the real functions: who may start it, that it answers what the
client sees, that it changes nothing (unsafe requests, downloads and the live sign-in are
refused, nothing is marked read), misuse of the token, and the audit of start and end."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from helpers import bearer, error_code
from test_files import upload

from portal import db, viewas
from portal.members import service as members

pytestmark = pytest.mark.usefixtures("world")
ADMIN = "admin@agency.test"


def uid_of(email: str) -> str:
    return members.find_uid(email)


def start(http: httpx.Client, who: str, email: str) -> httpx.Response:
    return http.post("/api/view-as", json={"uid": uid_of(email)}, headers=bearer(who))


def viewing(token: str, who: str = ADMIN) -> dict[str, str]:
    return {**bearer(who), viewas.HEADER: token}


def audit_entries(action: str) -> list[dict[str, Any]]:
    return [s.to_dict() for s in db.audit_log().where(filter=db.eq("event", action)).stream()]


def test_only_admins_start_it_and_only_for_client_accounts(http: httpx.Client) -> None:
    r = start(http, ADMIN, "owner@acme.test")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["role"] == "client_owner" and body["orgId"] == "acme" and body["token"]
    assert body["expiresAt"] > time.time() + 25 * 60
    assert start(http, ADMIN, "member@globex.test").status_code == 200
    for who in ("ops@agency.test", "owner@acme.test", "member@acme.test"):
        assert start(http, who, "member@acme.test").status_code == 403, who
    assert start(http, "owner@globex.test", "member@acme.test").status_code == 404
    staff = start(http, ADMIN, "ops@agency.test")
    assert staff.status_code == 403 and error_code(staff) == "view_as_staff"
    assert http.post("/api/view-as", json={"uid": uid_of("owner@acme.test")}).status_code == 401
    assert http.post("/api/view-as", json={"uid": "nobody-at-all"}, headers=bearer(ADMIN)).status_code == 404
    for bad in ({"uid": "__x__"}, {}, {"uid": 5}, {"uid": "a/b"}, {"uid": "x", "more": 1}):
        r = http.post("/api/view-as", json=bad, headers=bearer(ADMIN))
        assert r.status_code == 400, bad
    started = audit_entries("viewas.started")
    assert len(started) == 2
    assert {e["target"] for e in started} == {uid_of("owner@acme.test"), uid_of("member@globex.test")}
    assert all(e["actorEmail"] == ADMIN and e["actorRole"] == "aj_admin" for e in started)


@pytest.mark.parametrize("email", ["owner@acme.test", "member@acme.test", "owner@globex.test"])
def test_it_answers_what_the_client_sees(http: httpx.Client, email: str) -> None:
    token = start(http, ADMIN, email).json()["token"]
    me = http.get("/api/auth/me", headers=viewing(token)).json()
    own = http.get("/api/auth/me", headers=bearer(email)).json()
    assert me["viewer"] == uid_of(ADMIN) and own["viewer"] is None
    assert {**me, "viewer": None} == own
    for path in ("/api/projects", "/api/approvals", "/api/billing", "/api/files", "/api/messages", "/api/dashboard",
                 "/api/bookings", "/api/notifications", "/api/members"):  # fmt: skip
        seen, theirs = http.get(path, headers=viewing(token)), http.get(path, headers=bearer(email))
        assert seen.status_code == theirs.status_code, path
        if path != "/api/dashboard":  # the dashboard carries the time it was computed
            assert seen.json() == theirs.json(), path
    other = "globex" if "acme" in email else "acme"
    assert http.get("/api/projects", params={"orgId": other}, headers=viewing(token)).status_code == 404


def test_it_is_read_only(http: httpx.Client, drive: Any) -> None:
    import datetime as dt

    from portal.files.demo import png

    body = {"orgId": "acme", "projectId": "acme-rebrand", "contentType": "design", "title": "Read-only check",
            "due": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "assigneeEmails": ["member@acme.test"],
            "content": {"previewUrl": "https://cdn.example.com/a.png", "fileUrls": [], "notes": ""}}  # fmt: skip
    pending = http.post("/api/approvals", json=body, headers=bearer("ops@agency.test")).json()
    upload(http, bearer("owner@acme.test"), "seen.png", png())
    started = http.post("/api/messages", json={"orgId": "acme", "subject": "Kick-off", "body": "Hello Acme"},
                        headers=bearer("ops@agency.test"))  # fmt: skip
    assert started.status_code == 201, started.text
    thread = started.json()["thread"]
    token = start(http, ADMIN, "owner@acme.test").json()["token"]
    headers = viewing(token)
    refused = [
        http.post(f"/api/approvals/{pending['id']}/action", json={"action": "approve", "comment": ""}, headers=headers),
        http.post("/api/auth/live-token", headers=headers),
        http.post("/api/notifications/read", headers=headers),
        http.post("/api/auth/logout", headers=headers),
        http.post("/api/view-as", json={"uid": uid_of("member@acme.test")}, headers=headers),
    ]
    assert thread["id"] in [t["id"] for t in http.get("/api/messages", headers=headers).json()["items"]]
    refused.append(http.post(f"/api/messages/{thread['id']}", json={"body": "hi"}, headers=headers))
    refused.append(http.post(f"/api/messages/{thread['id']}/read", headers=headers))
    files = http.get("/api/files", headers=headers).json()["items"]
    refused.append(http.get(f"/api/files/{files[0]['id']}/download", headers=headers))
    refused.append(http.get(f"/api/files/{files[0]['id']}/download", params={"inline": "true"}, headers=headers))
    refused.append(http.get("/api/exports/any-export/download", headers=headers))  # never as them
    for r in refused:
        assert r.status_code == 403 and error_code(r) == "view_as_read_only", (r.request.url, r.text)
    assert http.get(f"/api/approvals/{pending['id']}", headers=bearer("owner@acme.test")).json()["status"] == "pending"
    assert audit_entries("file.download") == []
    owner = uid_of("owner@acme.test")
    read_before = db.read_state(db.system("acme").thread(thread["id"]), owner).get().to_dict()
    assert http.get(f"/api/messages/{thread['id']}", headers=headers).status_code == 200
    assert db.read_state(db.system("acme").thread(thread["id"]), owner).get().to_dict() == read_before
    assert http.get("/api/auth/me", headers=bearer(ADMIN)).json()["role"] == "aj_admin"  # without the header


def test_the_token_is_worth_nothing_to_anyone_else_or_when_changed(http: httpx.Client) -> None:
    token = start(http, ADMIN, "owner@acme.test").json()["token"]
    for who in ("ops@agency.test", "owner@acme.test", "owner@globex.test"):
        r = http.get("/api/projects", headers=viewing(token, who))
        assert r.status_code == 403 and error_code(r) == "view_as_invalid", who
    body, _, signature = token.partition(".")
    for forged in (f"{body}.{'0' * len(signature)}", f"{body[:-2]}xx.{signature}", "nonsense", "a.b.c", ""):
        r = http.get("/api/projects", headers={**bearer(ADMIN), viewas.HEADER: forged})
        assert r.status_code in (200, 403), forged  # an empty header is no header
        if forged:
            assert error_code(r) == "view_as_invalid", forged
    owner = uid_of("owner@acme.test")
    expired = viewas._encode({"v": uid_of(ADMIN), "u": owner, "e": "owner@acme.test", "r": "client_owner",
                              "o": "acme", "p": [], "exp": int(time.time()) - 5})  # fmt: skip
    r = http.get("/api/projects", headers=viewing(expired))
    assert r.status_code == 403 and error_code(r) == "view_as_expired"
    as_staff = viewas._encode({"v": uid_of(ADMIN), "u": uid_of("ops@agency.test"), "e": "ops@agency.test",
                               "r": "aj_ops", "o": "agency", "p": [], "exp": int(time.time()) + 60})  # fmt: skip
    assert error_code(http.get("/api/projects", headers=viewing(as_staff))) == "view_as_invalid"
    assert http.get("/api/projects", headers={viewas.HEADER: token}).status_code == 401


def test_ending_it_is_audited(http: httpx.Client) -> None:
    token = start(http, ADMIN, "member@acme.test").json()["token"]
    assert http.post("/api/view-as/end", json={"token": token}, headers=bearer("ops@agency.test")).status_code == 403
    r = http.post("/api/view-as/end", json={"token": token}, headers=bearer(ADMIN))
    assert r.status_code == 200 and r.json() == {"ok": True}
    ended = audit_entries("viewas.ended")
    assert len(ended) == 1 and ended[0]["target"] == uid_of("member@acme.test") and ended[0]["orgId"] == "acme"
    assert http.post("/api/view-as/end", json={"token": token}, headers=viewing(token)).status_code == 403
    for bad in ({}, {"token": ""}, {"token": 5}):
        assert http.post("/api/view-as/end", json=bad, headers=bearer(ADMIN)).status_code == 400, bad
    assert http.post("/api/view-as/end", json={"token": "x.y"}, headers=bearer(ADMIN)).status_code == 403
    assert http.post("/api/view-as/end", json={"token": token}).status_code == 401
