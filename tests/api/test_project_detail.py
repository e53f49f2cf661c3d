"""Project detail, creation, edits, milestones, and the activity timeline written by
the project trigger (once per change, even when a trigger is delivered twice)."""

from __future__ import annotations

import httpx
import pytest
from helpers import bearer, error_code, settle, wait_for

from portal import db
from portal.projects import activity

pytestmark = pytest.mark.usefixtures("world")


def activity_types(http: httpx.Client, project_id: str, who: str = "owner@acme.test") -> list[str]:
    r = http.get(f"/api/projects/{project_id}", headers=bearer(who))
    assert r.status_code == 200, r.text
    return [a["type"] for a in r.json()["activity"]]


def test_detail_for_own_org_and_not_found_elsewhere(http: httpx.Client) -> None:
    r = http.get("/api/projects/acme-rebrand", headers=bearer("member@acme.test"))
    assert r.status_code == 200
    body = r.json()
    assert body["progress"] == 60 and len(body["milestones"]) == 5
    assert body["counts"] == {"openApprovals": 0, "files": 0, "threads": 0}
    assert body["timeline"]["start"]
    assert wait_for(lambda: "project.created" in activity_types(http, "acme-rebrand"))
    for who in ("owner@globex.test", "member@globex.test"):
        other = http.get("/api/projects/acme-rebrand", headers=bearer(who))
        assert other.status_code == 404
        assert "Brand" not in other.text
    assert http.get("/api/projects/acme-rebrand", headers=bearer("ops@agency.test")).status_code == 200
    assert http.get("/api/projects/nope", headers=bearer("ops@agency.test")).status_code == 404
    assert http.get("/api/projects/acme-rebrand").status_code == 401


def test_staff_create_a_project_and_clients_cannot(http: httpx.Client) -> None:
    body = {"orgId": "globex", "name": "Trade show booth", "milestones": [{"title": "Concept", "due": "2027-01-10"}]}
    r = http.post("/api/projects", json=body, headers=bearer("ops@agency.test"))
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["orgName"] == "Globex" and created["progress"] == 0 and created["nextDue"] == "2027-01-10"
    listed = http.get("/api/projects", headers=bearer("owner@globex.test")).json()["items"]
    assert created["id"] in {p["id"] for p in listed}
    assert http.post("/api/projects", json=body, headers=bearer("owner@globex.test")).status_code == 403
    assert (
        http.post("/api/projects", json={**body, "orgId": "acme"}, headers=bearer("owner@globex.test")).status_code
        == 404
    )
    agency = http.post("/api/projects", json={**body, "orgId": "agency"}, headers=bearer("admin@agency.test"))
    assert agency.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"orgId": "globex"},
        {"orgId": "globex", "name": ""},
        {"orgId": "globex", "name": "x", "status": "done"},
        {"orgId": "globex", "name": "x", "milestones": [{"title": "a", "due": "2027-02-30"}]},
        {"orgId": "globex", "name": "x", "timeline": {"start": "soon"}},
        {"orgId": "globex", "name": "x", "progress": 50},
    ],
)
def test_create_rejects_bad_bodies(http: httpx.Client, body: dict) -> None:
    before = len(list(db.client().collection("orgs/globex/projects").stream()))
    r = http.post("/api/projects", json=body, headers=bearer("ops@agency.test"))
    assert r.status_code == 400
    assert len(list(db.client().collection("orgs/globex/projects").stream())) == before


def test_admin_edits_status_and_the_timeline_records_it_once(http: httpx.Client) -> None:
    r = http.patch("/api/projects/acme-website-copy", json={"status": "active"}, headers=bearer("admin@agency.test"))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "active"
    assert wait_for(lambda: "project.status_changed" in activity_types(http, "acme-website-copy"))
    settle()
    assert activity_types(http, "acme-website-copy").count("project.status_changed") == 1


@pytest.mark.parametrize("who", ["ops@agency.test", "owner@acme.test", "member@acme.test"])
def test_only_admins_edit_projects(http: httpx.Client, who: str) -> None:
    r = http.patch("/api/projects/acme-rebrand", json={"name": "Hijacked"}, headers=bearer(who))
    assert r.status_code == 403
    assert db.client().document("orgs/acme/projects/acme-rebrand").get().get("name") == "Brand refresh"


def test_patch_rejects_bad_input(http: httpx.Client) -> None:
    admin = bearer("admin@agency.test")
    assert http.patch("/api/projects/acme-rebrand", json={}, headers=admin).status_code == 400
    assert http.patch("/api/projects/acme-rebrand", json={"status": "gone"}, headers=admin).status_code == 400
    assert http.patch("/api/projects/acme-rebrand", json={"progress": 99}, headers=admin).status_code == 400


def test_ops_manage_milestones_and_progress_follows(http: httpx.Client) -> None:
    ops = bearer("ops@agency.test")
    r = http.patch("/api/projects/acme-rebrand/milestones/m4", json={"done": True}, headers=ops)
    assert r.status_code == 200, r.text
    assert r.json()["progress"] == 80
    r = http.post(
        "/api/projects/acme-rebrand/milestones", json={"title": "Launch party", "due": "2027-03-01"}, headers=ops
    )
    assert r.status_code == 201
    assert r.json()["progress"] == 67  # 4 of 6
    new_id = next(m["id"] for m in r.json()["milestones"] if m["title"] == "Launch party")
    r = http.delete(f"/api/projects/acme-rebrand/milestones/{new_id}", headers=ops)
    assert r.json()["progress"] == 80
    types = wait_for(lambda: (t := activity_types(http, "acme-rebrand")) and "milestone.removed" in t and t)
    assert types.count("milestone.completed") == 1
    assert types.count("milestone.added") == 1
    assert types.count("milestone.removed") == 1


@pytest.mark.parametrize(
    ("who", "path", "body", "status"),
    [
        ("owner@acme.test", "/api/projects/acme-rebrand/milestones/m4", {"done": True}, 403),
        ("owner@globex.test", "/api/projects/acme-rebrand/milestones/m4", {"done": True}, 403),
        ("ops@agency.test", "/api/projects/acme-rebrand/milestones/zzz", {"done": True}, 404),
        ("ops@agency.test", "/api/projects/acme-rebrand/milestones/m4", {"done": "yes"}, 400),
        ("ops@agency.test", "/api/projects/acme-rebrand/milestones/m4", {}, 400),
        ("ops@agency.test", "/api/projects/acme-rebrand/milestones/m4", {"due": "tomorrow"}, 400),
    ],
)
def test_milestone_refusals(http: httpx.Client, who: str, path: str, body: dict, status: int) -> None:
    r = http.patch(path, json=body, headers=bearer(who))
    assert r.status_code == status, r.text
    assert error_code(r)
    milestones = db.client().document("orgs/acme/projects/acme-rebrand").get().get("milestones")
    assert next(m for m in milestones if m["id"] == "m4")["done"] is False


def test_a_trigger_delivered_twice_records_each_change_once() -> None:
    before = {"name": "P", "status": "active", "milestones": [{"id": "a", "title": "A", "done": False}]}
    after = {"name": "P", "status": "review", "milestones": [{"id": "a", "title": "A", "done": True}]}
    ref = db.client().document("orgs/acme/projects/acme-rebrand")
    assert activity.on_project_written("evt-42", "acme", "acme-rebrand", before, after) == 2
    assert activity.on_project_written("evt-42", "acme", "acme-rebrand", before, after) == 0
    entries = [a.to_dict() for a in ref.collection("activity").stream() if a.get("eventId") == "evt-42"]
    assert sorted(e["type"] for e in entries) == ["milestone.completed", "project.status_changed"]
