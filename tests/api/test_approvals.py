"""Content approvals through the real functions: who may submit, see, decide and
comment; versions; the permanent decision record; 409s; side effects once."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json

import httpx
import pytest
from helpers import bearer, error_code, settle, wait_for

from portal import db, webhooks
from portal.approvals import events as approval_events
from portal.integrations import signatures

pytestmark = pytest.mark.usefixtures("world")

CONTENT = {"previewUrl": "https://cdn.example.com/logo-v1.png", "fileUrls": [], "notes": "Three routes"}


def submit(http: httpx.Client, **overrides: object) -> dict:
    body = {"orgId": "acme", "projectId": "acme-rebrand", "contentType": "design", "title": "Logo routes",
            "due": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "assigneeEmails": ["member@acme.test"],
            "content": CONTENT, **overrides}  # fmt: skip
    r = http.post("/api/approvals", json=body, headers=bearer("ops@agency.test"))
    assert r.status_code == 201, r.text
    return r.json()


def act(
    http: httpx.Client, who: str, approval_id: str, action: str, comment: str = "", **extra: object
) -> httpx.Response:
    return http.post(f"/api/approvals/{approval_id}/action", json={"action": action, "comment": comment, **extra},
                     headers=bearer(who))  # fmt: skip


def test_staff_submit_clients_see_only_their_own(http: httpx.Client) -> None:
    item = submit(http)
    assert item["status"] == "pending" and item["currentVersion"] == 1
    assert item["assignees"][0]["email"] == "member@acme.test"
    mine = http.get("/api/approvals", headers=bearer("member@acme.test")).json()["items"]
    assert [i["id"] for i in mine] == [item["id"]] and mine[0]["canDecide"] is True
    assert http.get("/api/approvals", headers=bearer("owner@globex.test")).json()["items"] == []
    assert http.get(f"/api/approvals/{item['id']}", headers=bearer("owner@globex.test")).status_code == 404
    assert http.get(f"/api/approvals/{item['id']}", headers=bearer("admin@agency.test")).status_code == 200
    assert (
        http.get("/api/approvals", params={"status": "approved"}, headers=bearer("owner@acme.test")).json()["items"]
        == []
    )
    assert http.get("/api/approvals").status_code == 401


@pytest.mark.parametrize(
    ("who", "overrides", "status"),
    [
        ("owner@acme.test", {}, 403),
        ("member@acme.test", {}, 403),
        ("ops@agency.test", {"contentType": "poem"}, 400),
        ("ops@agency.test", {"assigneeEmails": ["owner@globex.test"]}, 400),
        ("ops@agency.test", {"projectId": "globex-campaign"}, 404),
        ("ops@agency.test", {"content": {"previewUrl": "not a url"}}, 400),
        ("ops@agency.test", {"due": "2026-02-31"}, 400),
    ],
)
def test_submission_refusals(http: httpx.Client, who: str, overrides: dict, status: int) -> None:
    body = {"orgId": "acme", "projectId": "acme-rebrand", "contentType": "design", "title": "T", "content": CONTENT,
            **overrides}  # fmt: skip
    assert http.post("/api/approvals", json=body, headers=bearer(who)).status_code == status
    assert not list(db.client().collection("orgs/acme/approvals").stream())


def test_owner_decides_and_the_record_is_permanent(http: httpx.Client) -> None:
    item = submit(http, assigneeEmails=[])
    r = act(http, "owner@acme.test", item["id"], "approve", "Lovely", version=1)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "approved"
    [decision] = body["decisions"]
    assert (decision["version"], decision["action"], decision["comment"]) == (1, "approve", "Lovely")
    assert decision["by"]["email"] == "owner@acme.test" and decision["by"]["role"] == "client_owner" and decision["at"]
    again = act(http, "owner@acme.test", item["id"], "reject", "Changed my mind")
    assert again.status_code == 409 and error_code(again) == "already_decided"
    assert len(http.get(f"/api/approvals/{item['id']}", headers=bearer("ops@agency.test")).json()["decisions"]) == 1


def test_members_decide_only_what_is_assigned_to_them(http: httpx.Client) -> None:
    theirs = submit(http)
    others = submit(http, assigneeEmails=[], title="Unassigned")
    denied = act(http, "member@acme.test", others["id"], "approve")
    assert denied.status_code == 403 and error_code(denied) == "not_assigned"
    assert act(http, "member@acme.test", theirs["id"], "approve").status_code == 200
    for staff in ("ops@agency.test", "admin@agency.test"):
        assert act(http, staff, others["id"], "approve").status_code == 403
    assert act(http, "owner@globex.test", others["id"], "approve").status_code == 404


def test_comment_required_and_bad_bodies(http: httpx.Client) -> None:
    item = submit(http)
    for action in ("reject", "request_revision"):
        r = act(http, "owner@acme.test", item["id"], action, "  ")
        assert r.status_code == 400 and error_code(r) == "comment_required"
    assert act(http, "owner@acme.test", item["id"], "destroy").status_code == 400
    assert http.post(f"/api/approvals/{item['id']}/action", content=b"approve", headers={
        **bearer("owner@acme.test"), "Content-Type": "text/plain"}).status_code == 415  # fmt: skip
    assert http.get(f"/api/approvals/{item['id']}", headers=bearer("owner@acme.test")).json()["status"] == "pending"


def test_new_version_reopens_keeps_history_and_stale_versions_are_409(http: httpx.Client) -> None:
    item = submit(http)
    assert act(http, "owner@acme.test", item["id"], "request_revision", "Bigger type").status_code == 200
    http.post(
        f"/api/approvals/{item['id']}/comments",
        json={"body": "On v1", "version": 1},
        headers=bearer("member@acme.test"),
    )
    r = http.post(f"/api/approvals/{item['id']}/versions", json={"content": {**CONTENT, "notes": "v2"}},
                  headers=bearer("ops@agency.test"))  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "pending" and r.json()["currentVersion"] == 2
    stale = act(http, "owner@acme.test", item["id"], "approve", version=1)
    assert stale.status_code == 409 and error_code(stale) == "stale_version"
    assert act(http, "owner@acme.test", item["id"], "approve", version=2).status_code == 200
    detail = http.get(f"/api/approvals/{item['id']}", headers=bearer("member@acme.test")).json()
    assert [v["number"] for v in detail["versions"]] == [1, 2]
    assert [(d["version"], d["action"]) for d in detail["decisions"]] == [(1, "request_revision"), (2, "approve")]
    assert [(c["version"], c["body"]) for c in detail["comments"]] == [(1, "On v1")]
    assert http.post(f"/api/approvals/{item['id']}/versions", json={"content": CONTENT},
                     headers=bearer("owner@acme.test")).status_code == 403  # fmt: skip


def test_two_concurrent_decisions_cannot_both_win(http: httpx.Client) -> None:
    item = submit(http)
    calls = [("owner@acme.test", "approve", ""), ("member@acme.test", "reject", "No")]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        codes = sorted(r.status_code for r in pool.map(lambda c: act(http, c[0], item["id"], c[1], c[2]), calls))
    assert codes == [200, 409]
    assert len(list(db.client().collection(f"orgs/acme/approvals/{item['id']}/decisions").stream())) == 1


def test_everyone_in_the_org_and_staff_comment(http: httpx.Client) -> None:
    item = submit(http)
    for who in ("owner@acme.test", "member@acme.test", "ops@agency.test"):
        r = http.post(f"/api/approvals/{item['id']}/comments", json={"body": f"from {who}"}, headers=bearer(who))
        assert r.status_code == 201, r.text
    assert http.post(f"/api/approvals/{item['id']}/comments", json={"body": "x"},
                     headers=bearer("owner@globex.test")).status_code == 404  # fmt: skip
    assert http.post(f"/api/approvals/{item['id']}/comments", json={"body": ""},
                     headers=bearer("owner@acme.test")).status_code == 400  # fmt: skip
    assert http.post(f"/api/approvals/{item['id']}/comments", json={"body": "x", "version": 9},
                     headers=bearer("owner@acme.test")).status_code == 400  # fmt: skip


def test_side_effects_happen_once(http: httpx.Client, hooks) -> None:
    item = submit(http, title="Side effects")

    def n8n_events() -> list[str]:  # only this item's: earlier tests' triggers may still be arriving
        bodies = [json.loads(r.content) for r in hooks.received("/n8n")]
        return sorted(b["event"] for b in bodies if b.get("approvalId") == item["id"])

    def slack_messages() -> int:
        return sum(1 for r in hooks.received("/slack") if "Side effects" in r.content.decode())

    assert wait_for(lambda: n8n_events() == ["approval_needed"] and slack_messages() == 1, timeout=60)
    act(http, "member@acme.test", item["id"], "approve", "Ship it")
    assert wait_for(lambda: len(n8n_events()) == 2, timeout=60)
    settle()
    assert n8n_events() == ["approval_decided", "approval_needed"]
    assert slack_messages() == 2
    # Events to n8n are signed with their own secret, not the one n8n signs its webhooks with.
    sent = next(r for r in hooks.received("/n8n") if json.loads(r.content).get("approvalId") == item["id"])
    events = signatures.PORTAL
    events.check("dev-n8n-events-secret", dict(sent.headers), sent.content)
    with pytest.raises(signatures.SignatureError):
        events.check("dev-n8n-secret", dict(sent.headers), sent.content)

    def notes() -> list[tuple[str, str]]:  # this item's (late triggers of earlier tests may add others)
        link = f"/approvals/{item['id']}"
        found = [n.to_dict() for n in db.client().collection("orgs/acme/notifications").stream()]
        return [(n["kind"], n["link"]) for n in found if n["link"] == link]

    # The assignee was asked; the decision (by the assignee) tells the owner, not the decider.
    link = f"/approvals/{item['id']}"
    assert sorted(notes()) == [("approval_decided", link), ("approval_needed", link)]
    # The trigger's work, delivered again, adds nothing.
    ref = db.client().document(f"orgs/acme/approvals/{item['id']}").get().to_dict()
    approval_events.on_approval_written("replayed", "acme", item["id"], None, ref)
    decision = db.decision(db.system("acme").approval(item["id"]), 1).get().to_dict()  # as the trigger gets it
    approval_events.on_decision_created("acme", item["id"], decision)
    settle()
    assert slack_messages() == 2 and n8n_events() == ["approval_decided", "approval_needed"]
    assert sorted(notes()) == [("approval_decided", link), ("approval_needed", link)]


def test_dashboard_shows_items_waiting(http: httpx.Client) -> None:
    item = submit(http)

    def waiting() -> bool:
        actions = http.get("/api/dashboard", headers=bearer("owner@acme.test")).json()["nextActions"]
        return any(a["link"] == f"/approvals/{item['id']}" for a in actions)

    assert wait_for(waiting, timeout=60)


def test_reminders_once_per_item_per_day(http: httpx.Client) -> None:
    due_tomorrow = submit(http, due=(dt.date.today() + dt.timedelta(days=1)).isoformat())
    submit(http, due=(dt.date.today() + dt.timedelta(days=9)).isoformat(), title="Later")
    assert approval_events.send_reminders() == 1
    assert approval_events.send_reminders() == 0
    notes = [n.to_dict() for n in db.client().collection("orgs/acme/notifications").stream()
             if n.get("kind") == "approval_reminder"]  # fmt: skip
    assert [n["link"] for n in notes] == [f"/approvals/{due_tomorrow['id']}"]


def test_n8n_creates_items_and_versions_once(http: httpx.Client) -> None:
    def send(payload: dict) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", **webhooks.sign("dev-n8n-secret", body)}
        return http.post("/api/webhooks/n8n/approvals", content=body, headers=headers)

    create = {"eventId": "n8n-a1", "type": "approval.create", "orgId": "acme", "projectId": "acme-rebrand",
              "contentType": "video", "title": "Teaser cut", "content": {"notes": "30s"}}  # fmt: skip
    first = send(create)
    assert first.status_code == 200, first.text
    assert send(create).json()["duplicate"] is True
    approval_id = first.json()["approvalId"]
    version = {"eventId": "n8n-a2", "type": "approval.version", "orgId": "acme", "approvalId": approval_id,
               "content": {"notes": "v2"}}  # fmt: skip
    assert send(version).json()["version"] == 2
    assert send(version).json()["duplicate"] is True
    detail = http.get(f"/api/approvals/{approval_id}", headers=bearer("owner@acme.test")).json()
    assert detail["currentVersion"] == 2 and detail["submittedBy"]["email"] == "n8n"
    assert send({**version, "eventId": "n8n-a3", "approvalId": "apv-nope"}).status_code == 404
    bad = http.post("/api/webhooks/n8n/approvals", content=json.dumps(create).encode(),
                    headers={"Content-Type": "application/json"})  # fmt: skip
    assert bad.status_code == 401
