"""The staff workspace through the real functions: client organisations (create with
the first owner invited, edit, archive and restore), settings per client (the Slack
webhook write-only), the clients overview, project templates, projects from a
template and archived projects. Per role, another organisation, no credentials, bad input."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import httpx
import pytest
from api.test_approvals import act, submit
from api.test_project_detail import wait_for
from helpers import error_code, token

from portal import db

pytestmark = pytest.mark.usefixtures("world")

SLACK = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"


@cache
def _token(email: str) -> str:
    return token(email)


def h(email: str) -> dict[str, str]:
    """Bearer headers (ID tokens outlive a test; accounts are the same demo ones)."""
    return {"Authorization": f"Bearer {_token(email)}"}


@pytest.fixture(autouse=True)
def _fresh_tokens() -> None:
    _token.cache_clear()  # the emulator's accounts are recreated for each test


def new_client(http: httpx.Client, **overrides: object) -> httpx.Response:
    body = {"name": "Initech", "logoUrl": "https://cdn.example.com/initech.png", "emailDomains": ["initech.test"],
            "owner": {"email": "bill@initech.test"}, **overrides}  # fmt: skip
    return http.post("/api/orgs", json=body, headers=h("ops@agency.test"))


def org_count() -> int:
    return len(list(db.client().collection("orgs").select([]).stream()))


# --- client organisations -------------------------------------------------------------


def test_ops_creates_a_client_with_its_owner_invited(http: httpx.Client) -> None:
    r = new_client(http)
    assert r.status_code == 201, r.text
    body = r.json()
    org = body["org"]
    assert org["name"] == "Initech" and org["kind"] == "client" and org["emailDomains"] == ["initech.test"]
    assert body["invite"]["email"] == "bill@initech.test" and body["invite"]["role"] == "client_owner"
    assert body["invite"]["orgId"] == org["id"] and "/invite#token=" in body["inviteUrl"]
    listed = http.get("/api/orgs", headers=h("ops@agency.test")).json()["items"]
    assert org["id"] in {o["id"] for o in listed}
    invites = http.get("/api/invites", params={"orgId": org["id"]}, headers=h("admin@agency.test")).json()["items"]
    assert [i["email"] for i in invites] == ["bill@initech.test"]


@pytest.mark.parametrize(("who", "status"), [("owner@acme.test", 403), ("member@acme.test", 403), (None, 401)])
def test_clients_and_strangers_create_no_organisation(http: httpx.Client, who: str | None, status: int) -> None:
    before = org_count()
    body = {"name": "Evil", "owner": {"email": "x@evil.test"}}
    r = http.post("/api/orgs", json=body, headers=h(who) if who else {})
    assert r.status_code == status
    assert org_count() == before


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"name": ""}, 400, "invalid_body"),
        ({"name": "x" * 121}, 400, "invalid_body"),
        ({"logoUrl": "http://cdn.example.com/x.png"}, 400, "invalid_body"),
        ({"logoUrl": "javascript:alert(1)"}, 400, "invalid_body"),
        ({"emailDomains": ["not a domain"]}, 400, "invalid_body"),
        ({"owner": {"email": "nope"}}, 400, "invalid_body"),
        ({"owner": None}, 400, "invalid_body"),
        ({"kind": "agency"}, 400, "invalid_body"),
        ({"emailDomains": ["acme.test"]}, 409, "domain_taken"),
        ({"owner": {"email": "member@acme.test"}}, 409, "email_exists"),
    ],
)
def test_bad_client_organisations_change_nothing(http: httpx.Client, overrides: dict, status: int, code: str) -> None:
    before = org_count()
    r = new_client(http, **overrides)
    assert r.status_code == status, r.text
    assert error_code(r) == code
    assert org_count() == before


def test_staff_edit_a_client_and_its_projects_follow_the_name(http: httpx.Client) -> None:
    r = http.patch("/api/orgs/acme", json={"name": "Acme Inc", "emailDomains": ["acme.test", "acme-corp.test"],
                                           "logoUrl": None}, headers=h("ops@agency.test"))  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Acme Inc" and r.json()["emailDomains"] == ["acme.test", "acme-corp.test"]
    project = http.get("/api/projects/acme-rebrand", headers=h("owner@acme.test")).json()
    assert project["orgName"] == "Acme Inc"
    assert http.get("/api/orgs/acme", headers=h("member@acme.test")).json()["name"] == "Acme Inc"


@pytest.mark.parametrize(
    ("who", "org", "body", "status"),
    [
        ("owner@acme.test", "acme", {"name": "Mine now"}, 403),
        ("owner@acme.test", "globex", {"name": "Yours"}, 404),
        ("member@globex.test", "acme", {"name": "Yours"}, 404),
        (None, "acme", {"name": "x"}, 401),
        ("ops@agency.test", "acme", {}, 400),
        ("ops@agency.test", "acme", {"name": "   "}, 400),
        ("ops@agency.test", "acme", {"emailDomains": ["globex.test"]}, 409),
        ("ops@agency.test", "acme", {"kind": "agency"}, 400),
        ("ops@agency.test", "agency", {"name": "Renamed agency"}, 403),
        ("ops@agency.test", "nope", {"name": "x"}, 404),
    ],
)
def test_org_edits_refused(http: httpx.Client, who: str | None, org: str, body: dict, status: int) -> None:
    r = http.patch(f"/api/orgs/{org}", json=body, headers=h(who) if who else {})
    assert r.status_code == status, r.text
    assert db.client().document("orgs/acme").get().get("name") == "Acme Corporation"


def test_an_archived_client_is_read_only_hidden_and_restorable(http: httpx.Client) -> None:
    item = submit(http)
    assert http.post("/api/orgs/acme/archive", headers=h("ops@agency.test")).status_code == 403
    r = http.post("/api/orgs/acme/archive", headers=h("admin@agency.test"))
    assert r.status_code == 200 and r.json()["archived"] is True
    # At once, whatever any instance cached: every write by its people is refused, reads go on.
    r = act(http, "owner@acme.test", item["id"], "approve")
    assert r.status_code == 409 and error_code(r) == "org_archived"
    r = http.post(f"/api/approvals/{item['id']}/comments", json={"body": "hi"}, headers=h("member@acme.test"))
    assert r.status_code == 409 and error_code(r) == "org_archived"
    r = http.post(
        "/api/invites", json={"email": "new@acme.test", "role": "client_member"}, headers=h("owner@acme.test")
    )
    assert r.status_code == 409
    assert http.get("/api/projects", headers=h("member@acme.test")).status_code == 200
    assert http.get(f"/api/approvals/{item['id']}", headers=h("owner@acme.test")).status_code == 200
    # Hidden from default lists; data kept.
    assert "acme" not in {o["id"] for o in http.get("/api/orgs", headers=h("ops@agency.test")).json()["items"]}
    assert "acme" not in {c["id"] for c in http.get("/api/clients", headers=h("ops@agency.test")).json()["items"]}
    everything = http.get("/api/orgs", params={"archived": "true"}, headers=h("ops@agency.test")).json()["items"]
    assert {o["id"]: o["archived"] for o in everything if o["id"] == "acme"} == {"acme": True}
    assert "acme" not in {
        g["orgId"] for g in http.get("/api/dashboard", headers=h("ops@agency.test")).json()["clients"]
    }
    assert http.post("/api/orgs/acme/archive", headers=h("admin@agency.test")).status_code == 409
    # Restored by an admin only.
    assert http.delete("/api/orgs/acme/archive", headers=h("ops@agency.test")).status_code == 403
    assert http.delete("/api/orgs/acme/archive", headers=h("owner@acme.test")).status_code == 403
    assert http.delete("/api/orgs/acme/archive", headers=h("admin@agency.test")).status_code == 200
    assert act(http, "owner@acme.test", item["id"], "approve").status_code == 200
    assert http.delete("/api/orgs/acme/archive", headers=h("admin@agency.test")).status_code == 409


@pytest.mark.parametrize(
    ("who", "org", "status"),
    [("owner@acme.test", "acme", 403), ("owner@globex.test", "acme", 404), (None, "acme", 401),
     ("admin@agency.test", "agency", 403), ("admin@agency.test", "nope", 404)],
)  # fmt: skip
def test_archive_refused(http: httpx.Client, who: str | None, org: str, status: int) -> None:
    r = http.post(f"/api/orgs/{org}/archive", headers=h(who) if who else {})
    assert r.status_code == status
    assert not db.org_archived("acme")


# --- settings -------------------------------------------------------------------------


def _folder(standin: Any, name: str, parent: str = "root") -> str:
    """A folder in the Drive stand-in (under the portal's root folder by default)."""
    from portal.integrations.drive import Drive

    return Drive("root", api_url=standin.base_url).ensure_folder(name, parent)


def test_settings_in_one_place_and_the_slack_webhook_is_write_only(http: httpx.Client, drive_standin: Any) -> None:
    folder = _folder(drive_standin, "Acme shared")
    r = http.get("/api/orgs/acme/settings", headers=h("ops@agency.test"))
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["whop"]["connected"] is False and s["whop"]["lastWorkedAt"] is None  # not linked in this world
    assert s["slack"]["connected"] is False and s["drive"]["connected"] is False
    assert s["emailDomains"] == ["acme.test"]
    body = {"slackWebhookUrl": SLACK, "driveFolderId": folder, "calendarId": "acme@group.calendar.google.com",
            "bookingLinks": [{"label": "Kick-off", "url": "https://cal.com/northlight/kickoff"},
                             {"label": "Review", "url": "https://calendly.com/northlight/review"}]}  # fmt: skip
    r = http.patch("/api/orgs/acme/settings", json=body, headers=h("ops@agency.test"))
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["slack"]["connected"] is True and s["slack"]["savedAt"]
    assert s["drive"] == {**s["drive"], "connected": True, "folderId": folder}
    assert s["calendar"]["calendarId"] == "acme@group.calendar.google.com" and len(s["booking"]["links"]) == 2
    # Never shown again: not in the answer, not on the organisation, not readable by the org's people.
    for who in ("ops@agency.test", "admin@agency.test"):
        assert "hooks.slack.com" not in http.get("/api/orgs/acme/settings", headers=h(who)).text
    assert "hooks.slack.com" not in str(db.client().document("orgs/acme").get().to_dict())
    assert "hooks.slack.com" not in http.get("/api/orgs/acme", headers=h("owner@acme.test")).text
    from portal.orgs import settings

    assert settings.slack_webhook("acme") == SLACK and settings.settings("acme")["driveFolderId"] == folder
    r = http.patch("/api/orgs/acme/settings", json={"slackWebhookUrl": None, "bookingLinks": None},
                   headers=h("admin@agency.test"))  # fmt: skip
    assert r.json()["slack"]["connected"] is False and r.json()["booking"]["links"] == []
    assert settings.slack_webhook("acme") is None


def test_a_client_is_never_pointed_at_another_clients_folder_or_calendar(
    http: httpx.Client, drive_standin: Any
) -> None:
    ops = h("ops@agency.test")
    acme, globex = _folder(drive_standin, "Acme (acme)"), _folder(drive_standin, "Globex (globex)")
    nested = _folder(drive_standin, "Deliverables", globex)
    outside = drive_standin.add_folder("Someone else's", drive_standin.add_folder("Shared with me", "theirs").id).id
    assert http.patch("/api/orgs/globex/settings", json={"driveFolderId": globex}, headers=ops).status_code == 200
    db.system("globex").project("globex-campaign").update({"driveFolderId": nested})
    before = db.client().document("orgs/acme").get().to_dict()
    refused = ((globex, 409, "folder_in_use"), (nested, 409, "folder_in_use"),
               (outside, 400, "folder_outside_root"), ("1NoSuchFolder", 400, "unknown_folder"))  # fmt: skip
    for folder, status, code in refused:
        r = http.patch("/api/orgs/acme/settings", json={"driveFolderId": folder}, headers=ops)
        assert (r.status_code, error_code(r)) == (status, code), (folder, r.text)
    assert db.client().document("orgs/acme").get().to_dict() == before
    assert http.patch("/api/orgs/acme/settings", json={"driveFolderId": acme}, headers=ops).status_code == 200
    shared = {"calendarId": "globex@group.calendar.google.com"}
    assert http.patch("/api/orgs/globex/settings", json=shared, headers=ops).status_code == 200
    r = http.patch("/api/orgs/acme/settings", json=shared, headers=ops)
    assert r.status_code == 409 and error_code(r) == "calendar_in_use"
    assert http.patch("/api/orgs/globex/settings", json=shared, headers=ops).status_code == 200  # its own again


@pytest.mark.parametrize(
    "body",
    [
        {"slackWebhookUrl": "http://hooks.slack.com/services/T/B/X"},
        {"slackWebhookUrl": "https://hooks.slack.com.evil.test/services/T/B/X"},
        {"slackWebhookUrl": "https://evil.test/services/T/B/X"},
        {"slackWebhookUrl": "https://user:pw@hooks.slack.com/services/T/B/X"},
        {"slackWebhookUrl": "https://hooks.slack.com/other"},
        {"slackWebhookUrl": "x" * 600},
        {"driveFolderId": "../../etc"},
        {"calendarId": "a b"},
        {"bookingLinks": [{"label": "x", "url": "https://evil.test/cal"}]},
        {"bookingLinks": [{"label": "", "url": "https://cal.com/x"}]},
        {"emailDomains": "acme.test"},
        {"whop": {"membershipId": "mem_x"}},
        {},
    ],
)
def test_bad_settings_change_nothing(http: httpx.Client, body: dict) -> None:
    before = db.client().document("orgs/acme").get().to_dict()
    r = http.patch("/api/orgs/acme/settings", json=body, headers=h("ops@agency.test"))
    assert r.status_code == 400, r.text
    assert db.client().document("orgs/acme").get().to_dict() == before
    assert not db.system("acme").private_settings().get().exists


@pytest.mark.parametrize(
    ("who", "org", "status"),
    [("owner@acme.test", "acme", 403), ("member@acme.test", "acme", 403), ("owner@globex.test", "acme", 404),
     (None, "acme", 401), ("ops@agency.test", "nope", 404)],
)  # fmt: skip
def test_settings_are_staff_only(http: httpx.Client, who: str | None, org: str, status: int) -> None:
    headers = h(who) if who else {}
    assert http.get(f"/api/orgs/{org}/settings", headers=headers).status_code == status
    r = http.patch(f"/api/orgs/{org}/settings", json={"slackWebhookUrl": SLACK}, headers=headers)
    assert r.status_code == status
    assert not db.system("acme").private_settings().get().exists


def test_client_scoped_slack_messages_reach_the_clients_channel(http: httpx.Client, hooks) -> None:
    url = "http://127.0.0.1:9912/slack/acme"  # under the configured stand-in base
    assert http.patch("/api/orgs/acme/settings", json={"slackWebhookUrl": url},
                      headers=h("ops@agency.test")).status_code == 200  # fmt: skip
    submit(http, title="For the client channel")
    submit(http, orgId="globex", projectId="globex-social", assigneeEmails=[], title="Globex only")

    def texts(path: str) -> list[str]:
        return [r.content.decode() for r in hooks.received(path)]

    assert wait_for(lambda: any("For the client channel" in t for t in texts("/slack/acme"))
                    and any("For the client channel" in t for t in texts("/slack")), timeout=60)  # fmt: skip
    assert wait_for(lambda: any("Globex only" in t for t in texts("/slack")), timeout=60)
    assert not any("Globex only" in t for t in texts("/slack/acme"))
    assert wait_for(
        lambda: http.get("/api/orgs/acme/settings", headers=h("ops@agency.test")).json()["slack"]["lastWorkedAt"],
        timeout=30,
    )


# --- clients overview -----------------------------------------------------------------


def test_the_clients_overview_comes_from_the_summaries(http: httpx.Client) -> None:
    from portal.dashboard import summaries

    for org in ("acme", "globex"):
        summaries.refresh_org(org)
    billing = {"acme": {"billing": {"status": "past_due"}}, "globex": {"billing": {"status": "active"}}}
    db.client().document("summaries/clients").set({"clients": billing}, merge=True)  # as billing events write it
    r = http.get("/api/clients", headers=h("ops@agency.test"))
    assert r.status_code == 200, r.text
    rows = {c["id"]: c for c in r.json()["items"]}
    assert set(rows) == {"acme", "globex"}
    assert rows["acme"]["billingStatus"] == "past_due" and rows["globex"]["billingStatus"] == "active"
    waiting = db.client().collection("orgs/acme/approvals").where(filter=db.eq("status", "pending")).count().get()
    assert rows["acme"]["approvalsWaiting"] == int(waiting[0][0].value)
    assert rows["acme"]["unreadMessages"] == 0 and rows["acme"]["lastActivity"]
    assert rows["acme"]["emailDomains"] == ["acme.test"]


@pytest.mark.parametrize(("who", "status"), [("owner@acme.test", 403), ("member@globex.test", 403), (None, 401)])
def test_clients_never_see_the_overview(http: httpx.Client, who: str | None, status: int) -> None:
    assert http.get("/api/clients", headers=h(who) if who else {}).status_code == status
    assert http.get("/api/clients", params={"archived": "maybe"}, headers=h("ops@agency.test")).status_code == 400


# --- templates and projects -----------------------------------------------------------


def test_templates_are_read_by_staff_and_managed_by_admins(http: httpx.Client) -> None:
    items = http.get("/api/templates", headers=h("ops@agency.test")).json()["items"]
    assert {t["id"] for t in items} == {"tpl-brand-identity", "tpl-video"}
    steps = [{"title": "Brief", "offsetDays": 0}, {"title": "Mix", "offsetDays": 14}]
    body = {"name": "Podcast", "description": "Audio", "milestones": steps}
    assert http.post("/api/templates", json=body, headers=h("ops@agency.test")).status_code == 403
    r = http.post("/api/templates", json=body, headers=h("admin@agency.test"))
    assert r.status_code == 201, r.text
    tid = r.json()["id"]
    r = http.patch(f"/api/templates/{tid}", json={"name": "Podcast series"}, headers=h("admin@agency.test"))
    assert r.status_code == 200 and r.json()["name"] == "Podcast series" and len(r.json()["milestones"]) == 2
    assert http.patch(f"/api/templates/{tid}", json={"name": "x"}, headers=h("ops@agency.test")).status_code == 403
    assert http.delete(f"/api/templates/{tid}", headers=h("ops@agency.test")).status_code == 403
    assert http.delete(f"/api/templates/{tid}", headers=h("admin@agency.test")).status_code == 200
    assert http.get(f"/api/templates/{tid}", headers=h("ops@agency.test")).status_code == 404
    assert http.delete(f"/api/templates/{tid}", headers=h("admin@agency.test")).status_code == 404


@pytest.mark.parametrize(
    ("who", "method", "status"),
    [("owner@acme.test", "GET", 403), ("member@acme.test", "GET", 403), ("owner@acme.test", "POST", 403),
     (None, "GET", 401), (None, "POST", 401)],
)  # fmt: skip
def test_clients_never_reach_templates(http: httpx.Client, who: str | None, method: str, status: int) -> None:
    body = {"name": "x"} if method == "POST" else None
    r = http.request(method, "/api/templates", json=body, headers=h(who) if who else {})
    assert r.status_code == status
    assert http.get("/api/templates/tpl-video", headers=h(who) if who else {}).status_code == status


@pytest.mark.parametrize(
    "body",
    [{"name": ""}, {"name": "x", "milestones": [{"title": "a", "offsetDays": -1}]},
     {"name": "x", "milestones": [{"title": "", "offsetDays": 1}]},
     {"name": "x", "milestones": [{"title": "a", "offsetDays": "soon"}]}, {"name": "x", "extra": 1}],
)  # fmt: skip
def test_bad_templates_change_nothing(http: httpx.Client, body: dict) -> None:
    assert http.post("/api/templates", json=body, headers=h("admin@agency.test")).status_code == 400
    assert http.patch("/api/templates/tpl-video", json=body, headers=h("admin@agency.test")).status_code == 400
    assert len(http.get("/api/templates", headers=h("ops@agency.test")).json()["items"]) == 2


def test_a_project_from_a_template_gets_its_milestones_due_from_the_start(http: httpx.Client) -> None:
    start = dt.date(2027, 3, 1)
    body = {"orgId": "globex", "name": "Globex identity", "templateId": "tpl-brand-identity",
            "timeline": {"start": start.isoformat()}, "teamMembers": ["ops@agency.test"]}  # fmt: skip
    r = http.post("/api/projects", json=body, headers=h("ops@agency.test"))
    assert r.status_code == 201, r.text
    project = r.json()
    assert (
        project["templateId"] == "tpl-brand-identity" and project["description"] == "Discovery to final brand assets."
    )
    assert [(m["title"], m["due"]) for m in project["milestones"]][:2] == [
        ("Discovery workshop", "2027-03-01"),
        ("Moodboards", "2027-03-11"),
    ]
    r = http.post("/api/projects", json={**body, "templateId": "tpl-nope"}, headers=h("ops@agency.test"))
    assert r.status_code == 404
    r = http.post("/api/projects", json={**body, "templateId": "../x"}, headers=h("ops@agency.test"))
    assert r.status_code == 400
    assert http.post("/api/projects", json=body, headers=h("owner@globex.test")).status_code == 403


def test_admins_archive_and_restore_projects(http: httpx.Client) -> None:
    assert http.post("/api/projects/acme-podcast/archive", headers=h("ops@agency.test")).status_code == 403
    assert http.post("/api/projects/acme-podcast/archive", headers=h("owner@acme.test")).status_code == 403
    # A client may not archive at all: refused before any project is looked up.
    assert http.post("/api/projects/acme-podcast/archive", headers=h("owner@globex.test")).status_code == 403
    assert http.post("/api/projects/acme-podcast/archive").status_code == 401
    r = http.post("/api/projects/acme-podcast/archive", headers=h("admin@agency.test"))
    assert r.status_code == 200 and r.json()["archived"] is True
    assert http.post("/api/projects/acme-podcast/archive", headers=h("admin@agency.test")).status_code == 409
    ids = {p["id"] for p in http.get("/api/projects", headers=h("owner@acme.test")).json()["items"]}
    assert "acme-podcast" not in ids and "acme-rebrand" in ids
    archived = http.get("/api/projects", params={"archived": "true", "orgId": "acme"}, headers=h("ops@agency.test"))
    assert [p["id"] for p in archived.json()["items"]] == ["acme-podcast"]
    assert http.get("/api/projects/acme-podcast", headers=h("owner@acme.test")).status_code == 200
    assert http.delete("/api/projects/acme-podcast/archive", headers=h("admin@agency.test")).status_code == 200
    assert "acme-podcast" in {p["id"] for p in http.get("/api/projects", headers=h("owner@acme.test")).json()["items"]}
    assert http.post("/api/projects/nope/archive", headers=h("admin@agency.test")).status_code == 404
