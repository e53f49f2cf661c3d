"""Projects that move tell people, through the real functions: a status change or a completed
milestone notifies the client's people and the project's team in the portal and by mail as each
one's preferences say (never the person who made the change), posts to Slack and sends a signed
n8n event (``project_status_changed``, ``project_milestone``), once per change even when the
trigger is delivered twice; a write that changes neither sends nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
from helpers import bearer, settle, wait_for

from portal import authn, db, webhooks
from portal.integrations import signatures
from portal.notifications import service
from portal.projects import activity

pytestmark = pytest.mark.usefixtures("world")

KINDS = ("project_status", "milestone_completed")
CLIENT_SLACK = "http://127.0.0.1:9912/slack/acme"  # the client's own channel, under the stand-in's base


def uid(email: str) -> str:
    return str(authn.admin_auth().get_user_by_email(email).uid)


def notes(http: httpx.Client, who: str, project: str) -> list[dict[str, Any]]:
    """``who``'s notifications about ``project`` of the two kinds (the feed, through the API)."""
    r = http.get("/api/notifications", params={"limit": 100}, headers=bearer(who))
    assert r.status_code == 200, r.text
    return [n for n in r.json()["items"] if n["kind"] in KINDS and n["link"] == f"/projects/{project}"]


def n8n(hooks: Any, project: str) -> list[httpx.Request]:
    return [r for r in hooks.received("/n8n") if json.loads(r.content).get("projectId") == project]


def events(hooks: Any, project: str) -> list[dict[str, Any]]:
    return [json.loads(r.content) for r in n8n(hooks, project)]


def slack(hooks: Any, name: str, path: str = "/slack") -> list[str]:
    return [t for t in (r.content.decode() for r in hooks.received(path)) if name in t]


def mailed(mails: Any, who: str, marker: str) -> list[dict[str, Any]]:
    return [m for m in mails.to(who) if marker in m["subject"]]


def test_a_status_change_notifies_the_client_and_the_team_mails_and_announces_once(
    http: httpx.Client, hooks, mails
) -> None:
    assert http.patch("/api/orgs/acme/settings", json={"slackWebhookUrl": CLIENT_SLACK},
                      headers=bearer("ops@agency.test")).status_code == 200  # fmt: skip
    # The member wants these in the portal only; the owner keeps the default (mail at once).
    r = http.patch(
        "/api/me/preferences", json={"kinds": {"project_status": "in_app"}}, headers=bearer("member@acme.test")
    )
    assert r.status_code == 200, r.text
    # The admin who changes the status is on the team too: the team hears of it, the admin does not.
    team = ["ops@agency.test", "admin@agency.test"]
    r = http.patch("/api/projects/acme-website-copy", json={"status": "active", "teamMembers": team},
                   headers=bearer("admin@agency.test"))  # fmt: skip
    assert r.status_code == 200, r.text

    assert wait_for(lambda: all(notes(http, who, "acme-website-copy") for who in
                                ("owner@acme.test", "member@acme.test", "ops@agency.test")), timeout=90)  # fmt: skip
    subject = "“Website copy” is now Active"
    assert wait_for(lambda: mailed(mails, "owner@acme.test", subject) and mailed(mails, "ops@agency.test", subject)
                    and n8n(hooks, "acme-website-copy") and slack(hooks, "Website copy")
                    and slack(hooks, "Website copy", "/slack/acme"), timeout=90)  # fmt: skip
    settle()
    for who in ("owner@acme.test", "member@acme.test", "ops@agency.test"):
        [note] = notes(http, who, "acme-website-copy")
        assert note["kind"] == "project_status" and note["label"] == "Project status changed"
        assert note["title"] == subject and note["body"] == "Its status changed from Planning to Active."
        assert note["orgId"] == "acme" and not note["read"]
    assert notes(http, "admin@agency.test", "acme-website-copy") == []  # their own change
    assert mailed(mails, "member@acme.test", subject) == []  # in the portal only, as they chose
    [mail] = mailed(mails, "owner@acme.test", subject)
    assert "Planning to Active" in mail["text"] and "http://127.0.0.1:5000/projects/acme-website-copy" in mail["text"]
    assert len(mailed(mails, "ops@agency.test", subject)) == 1
    # The agency's Slack and the client's channel, once each; n8n once, signed with the events secret.
    assert slack(hooks, "Website copy") == [json.dumps({"text": ":arrows_counterclockwise: Acme Corporation: "
                                                        "“Website copy” moved from Planning to Active."})]  # fmt: skip
    assert len(slack(hooks, "Website copy", "/slack/acme")) == 1
    [sent] = n8n(hooks, "acme-website-copy")
    signatures.PORTAL.check("dev-n8n-events-secret", dict(sent.headers), sent.content)
    with pytest.raises(signatures.SignatureError):
        signatures.PORTAL.check("dev-n8n-secret", dict(sent.headers), sent.content)
    event = json.loads(sent.content)
    assert event["eventId"].startswith("project-status-acme-website-copy-")
    assert {k: v for k, v in event.items() if k != "eventId"} == {
        "event": "project_status_changed", "orgId": "acme", "orgName": "Acme Corporation",
        "projectId": "acme-website-copy", "projectName": "Website copy", "from": "planning", "to": "active",
        "progress": 0, "by": "admin@agency.test",
    }  # fmt: skip
    # Who made the change is the agency's to know: the client's notification, mail and channel do not name them.
    client_sees = [*notes(http, "owner@acme.test", "acme-website-copy"), mail, *slack(hooks, "Website copy",
                   "/slack/acme")]  # fmt: skip
    assert "admin@agency.test" not in json.dumps(client_sees)
    # Another client hears nothing.
    globex = http.get("/api/notifications", params={"limit": 100}, headers=bearer("owner@globex.test")).json()
    assert not [n for n in globex["items"] if n["kind"] in KINDS]

    # The trigger delivered again (the same event) adds nothing anywhere.
    event_id = event["eventId"].removeprefix("project-status-acme-website-copy-")
    after = db.client().document("orgs/acme/projects/acme-website-copy").get().to_dict()
    activity.on_project_written(event_id, "acme", "acme-website-copy", {**after, "status": "planning"}, after)
    settle()
    assert len(n8n(hooks, "acme-website-copy")) == 1 and len(slack(hooks, "Website copy")) == 1
    assert len(mailed(mails, "owner@acme.test", subject)) == 1
    assert all(len(notes(http, who, "acme-website-copy")) == 1 for who in ("owner@acme.test", "ops@agency.test"))


def test_completing_a_milestone_sends_project_milestone(http: httpx.Client, hooks, mails) -> None:
    # The owner wants completed milestones mailed at once; the member keeps the default, the daily digest.
    r = http.patch("/api/me/preferences", json={"kinds": {"milestone_completed": "email"}},
                   headers=bearer("owner@acme.test"))  # fmt: skip
    assert r.status_code == 200, r.text
    # Ops (the project's team) completes it: ops hears nothing of it, the client does.
    r = http.patch("/api/projects/acme-rebrand/milestones/m4", json={"done": True}, headers=bearer("ops@agency.test"))
    assert r.status_code == 200, r.text
    subject = "Milestone completed: “Guidelines draft”"
    assert wait_for(lambda: mailed(mails, "owner@acme.test", subject) and n8n(hooks, "acme-rebrand")
                    and notes(http, "member@acme.test", "acme-rebrand") and slack(hooks, "Guidelines draft"),
                    timeout=90)  # fmt: skip
    settle()
    for who in ("owner@acme.test", "member@acme.test"):
        [note] = notes(http, who, "acme-rebrand")
        assert note["kind"] == "milestone_completed" and note["title"] == subject
        assert note["body"] == "“Brand refresh” is 80% done."
    for who in ("ops@agency.test", "admin@agency.test"):  # who did it; not on the team
        assert notes(http, who, "acme-rebrand") == []
    assert "“Brand refresh” is 80% done." in mailed(mails, "owner@acme.test", subject)[0]["text"]
    assert mailed(mails, "member@acme.test", subject) == []  # waits for the digest
    [event] = events(hooks, "acme-rebrand")
    assert event["event"] == "project_milestone" and event["eventId"].startswith("project-milestone-acme-rebrand-m4-")
    assert {k: event[k] for k in ("orgId", "orgName", "projectName", "milestoneId", "title", "progress", "by")} == {
        "orgId": "acme", "orgName": "Acme Corporation", "projectName": "Brand refresh", "milestoneId": "m4",
        "title": "Guidelines draft", "progress": 80, "by": "ops@agency.test",
    }  # fmt: skip
    assert event["due"] and event["doneAt"]
    signatures.PORTAL.check("dev-n8n-events-secret", dict(n8n(hooks, "acme-rebrand")[0].headers),
                            n8n(hooks, "acme-rebrand")[0].content)  # fmt: skip
    assert slack(hooks, "Guidelines draft") == [json.dumps({"text": ":white_check_mark: Acme Corporation: milestone "
                                                            "“Guidelines draft” of “Brand refresh” completed "
                                                            "(80% done)."})]  # fmt: skip
    # The member's daily digest carries it.
    assert service.send_digest("acme", uid("member@acme.test"), dt.date(2031, 1, 1)) == "sent"
    digest = wait_for(lambda: [m for m in mails.to("member@acme.test") if "2031-01-01" in m["subject"]], timeout=60)
    assert subject in digest[0]["text"]


def test_n8n_reports_progress_and_the_team_hears_of_it(http: httpx.Client, hooks) -> None:
    """A change n8n reports has no person behind it: the team is told as well as the client."""
    for n, event in enumerate([{"type": "project.status", "status": "review"},
                               {"type": "milestone.update", "milestoneId": "m4", "done": True}]):  # fmt: skip
        body = json.dumps({"eventId": f"n8n-move-{n}", "orgId": "acme", "projectId": "acme-rebrand", **event}).encode()
        signed = webhooks.sign("dev-n8n-secret", body)
        r = http.post(
            "/api/webhooks/n8n/projects", content=body, headers={"Content-Type": "application/json", **signed}
        )
        assert r.status_code == 200, r.text
    assert wait_for(lambda: len(events(hooks, "acme-rebrand")) == 2, timeout=90)
    assert wait_for(lambda: len(notes(http, "ops@agency.test", "acme-rebrand")) == 2, timeout=60)
    settle()
    assert sorted(e["event"] for e in events(hooks, "acme-rebrand")) == ["project_milestone", "project_status_changed"]
    assert {e["by"] for e in events(hooks, "acme-rebrand")} == {"n8n"}
    assert sorted(n["kind"] for n in notes(http, "owner@acme.test", "acme-rebrand")) == list(sorted(KINDS))
    assert notes(http, "admin@agency.test", "acme-rebrand") == []  # not on the project's team


def test_a_write_that_moves_neither_the_status_nor_a_milestone_sends_nothing(http: httpx.Client, hooks, mails) -> None:
    admin, ops = bearer("admin@agency.test"), bearer("ops@agency.test")
    changes = [
        ("patch", "/api/projects/acme-rebrand", {"name": "Brand refresh 2", "description": "More."}, admin),
        ("patch", "/api/projects/acme-rebrand", {"status": "active"}, admin),  # the status it already has
        ("post", "/api/projects/acme-rebrand/milestones", {"title": "Launch party", "due": "2031-03-01"}, ops),
        ("patch", "/api/projects/acme-rebrand/milestones/m5", {"title": "Final files", "due": "2031-04-01"}, ops),
        ("patch", "/api/projects/acme-rebrand/milestones/m3", {"done": False}, ops),  # reopened: not news
        ("post", "/api/projects/acme-rebrand/archive", None, admin),
    ]
    for method, path, body, headers in changes:
        r = http.request(method.upper(), path, json=body, headers=headers)
        assert r.status_code in (200, 201), r.text
    created = http.post("/api/projects", json={"orgId": "acme", "name": "Fresh", "status": "active",
                        "milestones": [{"title": "Kick-off"}]}, headers=ops)  # fmt: skip
    assert created.status_code == 201, created.text
    assert wait_for(lambda: "milestone.reopened" in [a["type"] for a in http.get(
        "/api/projects/acme-rebrand", headers=admin).json()["activity"]], timeout=60)  # fmt: skip
    settle()
    for who in ("owner@acme.test", "member@acme.test", "ops@agency.test", "admin@agency.test"):
        r = http.get("/api/notifications", params={"limit": 100}, headers=bearer(who))
        assert [n for n in r.json()["items"] if n["kind"] in KINDS] == []
    assert n8n(hooks, "acme-rebrand") == [] and n8n(hooks, created.json()["id"]) == []
    assert slack(hooks, "Brand refresh") == [] and slack(hooks, "Fresh") == []
    assert not [m for m in mails.all() if "Milestone completed" in m["subject"] or "is now" in m["subject"]]
    assert not [d for d in db.deliveries().stream() if d.get("kind") in ("project_status_changed", "project_milestone")]
