"""Contracts through Hosting and the functions emulator: ``GET /api/orgs/{orgId}/contracts`` per
role (owners and staff every contract, a member a project's, another organisation a 404, no
credentials a 401, bad input a 400), the signing date and the links as GBU's webhook stores
them, and the owners told once, in the portal and by mail, when a contract comes to await
their signature (not again for GBU's redeliveries, its "viewed" event or a trigger run twice)."""

from __future__ import annotations

import json

import httpx
import pytest
from helpers import bearer, error_code, settle, wait_for

from portal import db, webhooks
from portal.contracts import events

pytestmark = pytest.mark.usefixtures("world")

GBU = "/api/webhooks/gbu"
SECRET = "dev-gbu-secret"
SOW = "acme-rebrand-sow"
MSA = "acme-msa"


def gbu(http: httpx.Client, event: dict) -> dict:
    body = json.dumps(event).encode()
    r = http.post(GBU, content=body, headers={"Content-Type": "application/json", **webhooks.sign(SECRET, body)})
    assert r.status_code == 200, r.text
    return dict(r.json())


def contracts(http: httpx.Client, who: str, org: str = "acme", **query: str) -> httpx.Response:
    return http.get(f"/api/orgs/{org}/contracts", params=query, headers=bearer(who))


@pytest.fixture
def demo_contracts(world: dict) -> None:
    """Acme's master agreement, signed, and its brand refresh's statement of work, awaiting
    the owner's signature: the demo's, through GBU's webhook handling."""
    from portal.seed import seed_contracts

    seed_contracts()


@pytest.mark.usefixtures("demo_contracts")
@pytest.mark.parametrize("who", ["owner@acme.test", "ops@agency.test", "admin@agency.test"])
def test_owners_and_staff_see_every_contract_with_its_date_link_and_project(http: httpx.Client, who: str) -> None:
    r = contracts(http, who)
    assert r.status_code == 200, r.text
    items = {c["id"]: c for c in r.json()["items"]}
    assert [c["id"] for c in r.json()["items"]] == [SOW, MSA]  # newest status first
    sow, msa = items[SOW], items[MSA]
    assert sow["status"] == "viewed" and sow["awaitingSignature"] is True and sow["signedAt"] is None
    assert sow["title"] == "Brand refresh — statement of work"
    assert sow["projectId"] == "acme-rebrand" and sow["projectName"] == "Brand refresh"
    assert sow["documentUrl"] == "https://app.gbu.example/documents/acme-rebrand-sow"
    assert msa["status"] == "signed" and msa["awaitingSignature"] is False and msa["signedAt"]
    assert msa["projectId"] is None and msa["projectName"] is None
    assert "history" not in msa


@pytest.mark.usefixtures("demo_contracts")
def test_a_member_sees_the_contracts_of_projects_not_the_organisation_wide_ones(http: httpx.Client) -> None:
    r = contracts(http, "member@acme.test")
    assert r.status_code == 200, r.text
    assert [c["id"] for c in r.json()["items"]] == [SOW]


@pytest.mark.usefixtures("demo_contracts")
def test_a_project_s_contracts(http: httpx.Client) -> None:
    for who in ("owner@acme.test", "member@acme.test", "ops@agency.test"):
        r = contracts(http, who, projectId="acme-rebrand")
        assert r.status_code == 200, r.text
        assert [c["id"] for c in r.json()["items"]] == [SOW], who
    assert contracts(http, "owner@acme.test", projectId="acme-podcast").json()["items"] == []
    assert contracts(http, "owner@acme.test", projectId="globex-campaign").json()["items"] == []


@pytest.mark.usefixtures("demo_contracts")
@pytest.mark.parametrize(
    ("who", "org", "status"),
    [
        ("owner@globex.test", "acme", 404),
        ("member@globex.test", "acme", 404),
        ("owner@acme.test", "globex", 404),
        ("owner@acme.test", "agency", 404),
        ("ops@agency.test", "agency", 403),
        ("ops@agency.test", "nowhere", 404),
    ],
)
def test_other_organisations_are_refused(http: httpx.Client, who: str, org: str, status: int) -> None:
    r = contracts(http, who, org)
    assert r.status_code == status, r.text
    assert "Master services agreement" not in r.text


@pytest.mark.usefixtures("demo_contracts")
def test_another_client_s_list_is_empty_and_no_credentials_get_nothing(http: httpx.Client) -> None:
    r = contracts(http, "owner@globex.test", "globex")
    assert r.status_code == 200 and r.json()["items"] == []
    r = http.get("/api/orgs/acme/contracts")
    assert r.status_code == 401 and "Master" not in r.text


@pytest.mark.parametrize(
    "query",
    [{"projectId": "__x__"}, {"projectId": "a" * 200}, {"projectId": "a/b"}, {"status": "signed"}],
)
def test_bad_queries_are_400(http: httpx.Client, query: dict) -> None:
    r = contracts(http, "owner@acme.test", **query)
    assert r.status_code == 400, r.text
    assert error_code(r) == "invalid_query"


def test_the_signing_date_and_the_link_survive_later_events(http: httpx.Client) -> None:
    base = {"contractId": "c-200", "orgId": "acme", "projectId": "acme-launch-video", "title": "Launch film SOW"}
    gbu(http, {**base, "eventId": "s1", "status": "sent", "occurredAt": "2026-11-01T10:00:00Z",
               "documentUrl": "https://gbu.example/d/c-200"})  # fmt: skip
    gbu(http, {"contractId": "c-200", "orgId": "acme", "eventId": "s2", "status": "signed",
               "occurredAt": "2026-11-04T09:30:00Z"})  # fmt: skip
    (item,) = contracts(http, "owner@acme.test").json()["items"]
    assert item["status"] == "signed" and item["signedAt"] == "2026-11-04T09:30:00Z"
    assert item["documentUrl"] == "https://gbu.example/d/c-200"  # the signed event carried no link
    assert item["projectId"] == "acme-launch-video" and item["title"] == "Launch film SOW"
    assert item["updatedAt"] == "2026-11-04T09:30:00Z"
    project = http.get("/api/projects/acme-launch-video", headers=bearer("owner@acme.test")).json()
    assert project["contract"] == {"id": "c-200", "status": "signed", "title": "Launch film SOW"}  # still linked


def _to_sign(http: httpx.Client, who: str) -> list[dict]:
    r = http.get("/api/notifications", params={"limit": 100}, headers=bearer(who))
    assert r.status_code == 200, r.text
    return [n for n in r.json()["items"] if n["kind"] == "contract_to_sign"]


def test_a_contract_sent_for_signature_tells_the_owner_once_in_the_portal_and_by_mail(
    http: httpx.Client, mails
) -> None:
    base = {"contractId": "c-300", "orgId": "acme", "projectId": "acme-rebrand", "title": "Brand refresh SOW"}
    gbu(http, {**base, "eventId": "d1", "status": "draft", "occurredAt": "2026-11-01T09:00:00Z"})
    event = {**base, "eventId": "t1", "status": "sent", "occurredAt": "2026-11-01T10:00:00Z",
             "documentUrl": "https://gbu.example/d/c-300"}  # fmt: skip
    assert gbu(http, event)["applied"] is True

    def mailed() -> list[dict]:
        return [m for m in mails.to("owner@acme.test") if "Brand refresh SOW" in m["subject"]]

    got = wait_for(lambda: mailed() and _to_sign(http, "owner@acme.test"), timeout=90)
    (note,) = got
    assert note["title"] == "Please sign “Brand refresh SOW”" and note["link"] == "/projects/acme-rebrand"
    assert note["label"] == "Contract to sign" and note["read"] is False and note["orgId"] == "acme"
    # GBU delivers the event again, then reports the owner opened it; the trigger runs twice.
    assert gbu(http, event)["duplicate"] is True
    assert gbu(http, {**base, "eventId": "t2", "status": "viewed", "occurredAt": "2026-11-02T10:00:00Z"})["applied"]
    stored = db.system("acme").contract("c-300").get().to_dict()
    assert events.on_contract_written("acme", "c-300", {"status": "draft"}, stored) == 0  # already told
    settle()
    assert len(_to_sign(http, "owner@acme.test")) == 1
    assert len(mailed()) == 1
    mail = mailed()[0]
    assert "http://127.0.0.1:5000/projects/acme-rebrand" in mail["text"]
    # Only owners: not a member, not staff, not another client.
    for who in ("member@acme.test", "ops@agency.test", "owner@globex.test"):
        assert _to_sign(http, who) == [], who
    assert not [m for m in mails.to("member@acme.test") if "Brand refresh SOW" in m["subject"]]


def test_a_contract_that_never_awaits_a_signature_tells_nobody(http: httpx.Client) -> None:
    base = {"contractId": "c-400", "orgId": "acme", "title": "Side letter"}
    gbu(http, {**base, "eventId": "n1", "status": "draft", "occurredAt": "2026-11-01T09:00:00Z"})
    gbu(http, {**base, "eventId": "n2", "status": "voided", "occurredAt": "2026-11-02T09:00:00Z"})
    settle()
    assert _to_sign(http, "owner@acme.test") == []


def test_an_owner_who_chose_the_portal_only_gets_no_mail(http: httpx.Client, mails) -> None:
    r = http.patch("/api/me/preferences", json={"kinds": {"contract_to_sign": "in_app"}},
                   headers=bearer("owner@acme.test"))  # fmt: skip
    assert r.status_code == 200, r.text
    gbu(http, {"contractId": "c-500", "orgId": "acme", "title": "Retainer", "eventId": "p1", "status": "sent",
               "occurredAt": "2026-11-01T09:00:00Z"})  # fmt: skip
    (note,) = wait_for(lambda: _to_sign(http, "owner@acme.test"), timeout=90)
    assert note["title"] == "Please sign “Retainer”" and note["link"] == "/"  # no project: the dashboard
    settle()
    assert [m for m in mails.to("owner@acme.test") if "Retainer" in m["subject"]] == []
    r = http.get("/api/me/preferences", headers=bearer("member@acme.test"))
    assert "contract_to_sign" in {k["id"] for k in r.json()["kinds"]}  # members may choose it too
