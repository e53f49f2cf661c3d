"""Inbound n8n and GBU webhooks: signature first, idempotent, clear 4xx for unknowns."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from helpers import bearer, error_code

from portal import db, webhooks

pytestmark = pytest.mark.usefixtures("world")

N8N = ("/api/webhooks/n8n/projects", "dev-n8n-secret")
GBU = ("/api/webhooks/gbu", "dev-gbu-secret")


def send(
    http: httpx.Client,
    hook: tuple[str, str],
    payload: dict,
    *,
    secret: str | None = None,
    timestamp: int | None = None,
    headers: dict | None = None,
) -> httpx.Response:
    body = json.dumps(payload).encode()
    signed = webhooks.sign(secret or hook[1], body, timestamp)
    return http.post(hook[0], content=body, headers={"Content-Type": "application/json", **signed, **(headers or {})})


def milestone(project: str = "acme-rebrand", mid: str = "m4") -> dict:
    ref = db.client().document(f"orgs/acme/projects/{project}").get()
    return next(m for m in ref.get("milestones") if m["id"] == mid)


def test_n8n_completes_a_milestone_once(http: httpx.Client) -> None:
    event = {
        "eventId": "n8n-1",
        "type": "milestone.update",
        "orgId": "acme",
        "projectId": "acme-rebrand",
        "milestoneId": "m4",
        "done": True,
    }
    r = send(http, N8N, event)
    assert r.status_code == 200, r.text
    assert r.json()["duplicate"] is False and r.json()["project"]["progress"] == 80
    assert milestone()["done"] is True
    again = send(http, N8N, event)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    # A different event reopening it applies; replaying the first does not complete it again.
    send(http, N8N, {**event, "eventId": "n8n-2", "done": False})
    assert send(http, N8N, event).json()["duplicate"] is True
    assert milestone()["done"] is False


def test_n8n_status_change_and_new_milestone(http: httpx.Client) -> None:
    r = send(
        http,
        N8N,
        {
            "eventId": "n8n-3",
            "type": "project.status",
            "orgId": "acme",
            "projectId": "acme-launch-video",
            "status": "completed",
        },
    )
    assert r.status_code == 200 and r.json()["project"]["status"] == "completed"
    r = send(
        http,
        N8N,
        {
            "eventId": "n8n-4",
            "type": "milestone.add",
            "orgId": "acme",
            "projectId": "acme-rebrand",
            "title": "Print run",
            "due": "2027-02-01",
        },
    )
    assert r.status_code == 200
    detail = http.get("/api/projects/acme-rebrand", headers=bearer("owner@acme.test")).json()
    assert "Print run" in [m["title"] for m in detail["milestones"]]


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda: {"secret": "wrong-secret"}, "bad_signature"),
        (lambda: {"timestamp": int(time.time()) - 3600}, "stale_signature"),
        (lambda: {"headers": {"X-Portal-Signature": ""}}, "bad_signature"),
        (lambda: {"headers": {"X-Portal-Timestamp": "yesterday"}}, "bad_signature"),
    ],
)
def test_bad_signatures_are_401_and_change_nothing(http: httpx.Client, mutate, code: str) -> None:
    event = {
        "eventId": "n8n-x",
        "type": "milestone.update",
        "orgId": "acme",
        "projectId": "acme-rebrand",
        "milestoneId": "m4",
        "done": True,
    }
    r = send(http, N8N, event, **mutate())
    assert r.status_code == 401
    assert error_code(r) == code
    assert milestone()["done"] is False
    assert not list(db.client().collection("processedWebhooks").stream())


def test_signature_is_checked_before_the_body_is_parsed(http: httpx.Client) -> None:
    r = http.post(N8N[0], content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 401
    signed = webhooks.sign(N8N[1], b"{not json")
    r = http.post(N8N[0], content=b"{not json", headers={"Content-Type": "application/json", **signed})
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"eventId": "e1", "type": "project.status", "orgId": "acme", "projectId": "nope", "status": "active"}, 404),
        (
            {
                "eventId": "e2",
                "type": "project.status",
                "orgId": "nowhere",
                "projectId": "acme-rebrand",
                "status": "active",
            },
            404,
        ),
        (
            {
                "eventId": "e3",
                "type": "project.status",
                "orgId": "globex",
                "projectId": "acme-rebrand",
                "status": "active",
            },
            404,
        ),
        (
            {
                "eventId": "e4",
                "type": "milestone.update",
                "orgId": "acme",
                "projectId": "acme-rebrand",
                "milestoneId": "zz",
                "done": True,
            },
            404,
        ),
        ({"eventId": "e5", "type": "project.status", "orgId": "acme", "projectId": "acme-rebrand"}, 400),
        ({"eventId": "e6", "type": "explode", "orgId": "acme", "projectId": "acme-rebrand"}, 400),
        ({"type": "project.status", "orgId": "acme", "projectId": "acme-rebrand", "status": "active"}, 400),
    ],
)
def test_unknown_targets_and_bad_events(http: httpx.Client, payload: dict, status: int) -> None:
    before = db.client().document("orgs/acme/projects/acme-rebrand").get().to_dict()
    r = send(http, N8N, payload)
    assert r.status_code == status, r.text
    after = db.client().document("orgs/acme/projects/acme-rebrand").get().to_dict()
    assert before == after
    assert not list(db.client().collection("processedWebhooks").stream())


def test_gbu_contract_status_in_order_and_out_of_order(http: httpx.Client) -> None:
    base = {"contractId": "c-100", "orgId": "acme", "projectId": "acme-rebrand", "title": "Brand refresh SOW"}
    r = send(http, GBU, {**base, "eventId": "g1", "status": "sent", "occurredAt": "2026-11-01T10:00:00Z"})
    assert r.status_code == 200 and r.json()["applied"] is True
    r = send(http, GBU, {**base, "eventId": "g3", "status": "signed", "occurredAt": "2026-11-03T10:00:00Z"})
    assert r.json()["applied"] is True
    late = send(http, GBU, {**base, "eventId": "g2", "status": "viewed", "occurredAt": "2026-11-02T10:00:00Z"})
    assert late.status_code == 200 and late.json()["applied"] is False
    contract = db.client().document("orgs/acme/contracts/c-100").get().to_dict()
    assert contract["status"] == "signed"
    assert [h["eventId"] for h in contract["history"]] == ["g1", "g3", "g2"]
    assert send(http, GBU, {**base, "eventId": "g3", "status": "signed"}).json()["duplicate"] is True
    project = http.get("/api/projects/acme-rebrand", headers=bearer("owner@acme.test")).json()
    assert project["contract"]["status"] == "signed"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"eventId": "g9", "contractId": "c1", "orgId": "nowhere", "status": "sent"}, 404),
        ({"eventId": "g9", "contractId": "c1", "orgId": "agency", "status": "sent"}, 404),
        ({"eventId": "g9", "contractId": "c1", "orgId": "acme", "projectId": "globex-campaign", "status": "sent"}, 404),
        ({"eventId": "g9", "contractId": "c1", "orgId": "acme", "status": "lost"}, 400),
        ({"eventId": "g9", "contractId": "c1", "orgId": "acme", "status": "sent", "documentUrl": "nope"}, 400),
    ],
)
def test_gbu_refusals_change_nothing(http: httpx.Client, payload: dict, status: int) -> None:
    r = send(http, GBU, payload)
    assert r.status_code == status, r.text
    assert not list(db.client().collection("orgs/acme/contracts").stream())
    assert not list(db.client().collection("processedWebhooks").stream())


def test_signatures_are_per_integration(http: httpx.Client) -> None:
    r = send(http, GBU, {"eventId": "g1", "contractId": "c1", "orgId": "acme", "status": "sent"}, secret=N8N[1])
    assert r.status_code == 401
