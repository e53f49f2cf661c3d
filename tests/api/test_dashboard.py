"""The dashboard: one response, fed by the summaries the project trigger keeps."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from helpers import bearer, settle, wait_for

from portal.dashboard import summaries

pytestmark = pytest.mark.usefixtures("world")


@pytest.fixture
def fresh(world: dict) -> None:
    """Summaries as the trigger leaves them (refreshed directly so the test need not wait), once
    the previous test's functions and queued summary tasks are done: a refresh running meanwhile
    holds the same documents in its transaction."""
    settle()
    for org in ("acme", "globex"):
        summaries.refresh_org(org)


@pytest.mark.usefixtures("fresh")
def test_client_dashboard_has_next_actions_and_project_cards(http: httpx.Client) -> None:
    r = http.get("/api/dashboard", headers=bearer("member@acme.test"))
    assert r.status_code == 200
    body = r.json()
    assert body["scope"] == "org"
    names = {p["name"] for p in body["projects"]}
    assert {"Brand refresh", "Product launch video", "Website copy"} <= names
    assert "Podcast jingle" not in names  # completed projects are not cards
    assert all(p["orgId"] == "acme" for p in body["projects"])
    titles = [a["title"] for a in body["nextActions"]]
    assert any("Guidelines draft" in t for t in titles)  # due in 6 days
    assert not any("Product pages" in t for t in titles)  # due in 40 days
    horizon = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    assert all(a["due"] <= horizon and a["link"].startswith("/projects/") for a in body["nextActions"])
    assert body["billingAlert"] is None and body["upcomingBookings"] == []
    assert body["counts"]["completed"] == 1


@pytest.mark.usefixtures("fresh")
def test_dashboards_are_isolated(http: httpx.Client) -> None:
    body = http.get("/api/dashboard", headers=bearer("owner@globex.test")).json()
    assert {p["orgId"] for p in body["projects"]} == {"globex"}
    assert "Brand refresh" not in str(body)
    assert http.get("/api/dashboard", params={"orgId": "acme"}, headers=bearer("owner@globex.test")).status_code == 404
    assert http.get("/api/dashboard").status_code == 401
    assert http.get("/api/dashboard", params={"orgId": "../x"}, headers=bearer("owner@globex.test")).status_code == 400


@pytest.mark.usefixtures("fresh")
def test_staff_see_what_needs_attention_grouped_by_client(http: httpx.Client) -> None:
    body = http.get("/api/dashboard", headers=bearer("ops@agency.test")).json()
    assert body["scope"] == "agency"
    assert [c["orgName"] for c in body["clients"]] == ["Acme Corporation", "Globex"]
    assert {a["orgId"] for a in body["nextActions"]} == {"acme", "globex"}
    one = http.get("/api/dashboard", params={"orgId": "globex"}, headers=bearer("admin@agency.test")).json()
    assert one["scope"] == "org" and {p["orgId"] for p in one["projects"]} == {"globex"}


def test_the_trigger_keeps_the_dashboard_current(http: httpx.Client) -> None:
    due = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    r = http.post(
        "/api/projects/globex-campaign/milestones",
        json={"title": "Urgent print proof", "due": due},
        headers=bearer("ops@agency.test"),
    )
    assert r.status_code == 201
    http.patch("/api/projects/globex-campaign", json={"status": "active"}, headers=bearer("admin@agency.test"))

    def shows() -> bool:
        body = http.get("/api/dashboard", headers=bearer("owner@globex.test")).json()
        return any("Urgent print proof" in a["title"] for a in body["nextActions"])

    assert wait_for(shows)


@pytest.mark.usefixtures("fresh")
def test_a_burst_of_writes_converges_to_the_last(http: httpx.Client) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from portal import db

    project = db.client().document("orgs/globex/projects/globex-campaign")
    with ThreadPoolExecutor(max_workers=8) as pool:  # writes as an import would make them, each a trigger
        list(pool.map(lambda i: project.update({"name": f"Burst {i:02d}", "lastActivity": dt.datetime.now(dt.UTC)}),
                      range(30)))  # fmt: skip
    project.update({"name": "Burst final", "lastActivity": dt.datetime.now(dt.UTC)})

    def names() -> list[str]:
        body = http.get("/api/dashboard", headers=bearer("owner@globex.test")).json()
        return [card["name"] for card in body["projects"]]

    assert wait_for(lambda: "Burst final" in names())
