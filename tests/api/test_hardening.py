"""Input that once gave 500s or stored bad data: reserved ids, oversized and foreign
digits in signed timestamps, cursors naming other documents, explicit nulls in patches,
a damaged stored document, and counts that must be true."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from helpers import bearer, error_code

from portal import db, webhooks

pytestmark = pytest.mark.usefixtures("world")


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("owner@acme.test", "/api/projects/__x__", 404),
        ("ops@agency.test", "/api/projects/__x__", 404),
        ("owner@acme.test", "/api/approvals/__main__", 404),
        ("admin@agency.test", "/api/billing?orgId=__main__", 400),
        ("admin@agency.test", "/api/invites?orgId=__main__", 400),
        ("admin@agency.test", "/api/projects?orgId=__x__", 400),
        ("admin@agency.test", "/api/members?orgId=__x__", 400),
        ("owner@acme.test", "/api/files?projectId=__x__", 400),
    ],
)
def test_reserved_firestore_ids_are_refused_cleanly(http: httpx.Client, who: str, path: str, status: int) -> None:
    r = http.get(path, headers=bearer(who))
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"]


@pytest.mark.parametrize(
    "timestamp", ["9" * 5000, "\u0661\u0667\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660", "-1", "1e9", "0x10"]
)
def test_webhook_timestamps_that_are_not_times_are_refused(http: httpx.Client, timestamp: str) -> None:
    body = json.dumps({"eventId": "t1", "type": "project.status", "orgId": "acme", "projectId": "acme-rebrand",
                       "status": "paused"}).encode()  # fmt: skip
    signed = webhooks.sign("dev-n8n-secret", body)
    # Sent as UTF-8 bytes: a header may carry any octets, and an attacker's client sends them.
    headers = {"Content-Type": "application/json", **signed, "X-Portal-Timestamp": timestamp.encode()}
    r = http.post("/api/webhooks/n8n/projects", content=body, headers=headers)
    assert r.status_code == 401, r.text
    assert db.client().document("orgs/acme/projects/acme-rebrand").get().get("status") != "paused"


def _cursor(value: object, path: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, path]).encode()).decode()


def _approval(http: httpx.Client, project: str = "acme-rebrand") -> dict:
    body = {"orgId": "acme", "projectId": project, "contentType": "copy", "title": "Tagline",
            "content": {"notes": "Made to last."}}  # fmt: skip
    r = http.post("/api/approvals", json=body, headers=bearer("ops@agency.test"))
    assert r.status_code == 201, r.text
    return r.json()


def test_cursors_naming_other_documents_are_refused(http: httpx.Client) -> None:
    _approval(http)
    approval = next(iter(db.client().collection("orgs/acme/approvals").limit(1).stream()))
    comment_path = f"{approval.reference.path}/comments/c1"
    for who, path in [
        ("owner@acme.test", comment_path),
        ("ops@agency.test", comment_path),
        ("ops@agency.test", "orgs/acme/projects/acme-rebrand"),  # another collection, across clients
        ("owner@acme.test", "orgs/acme/approvals/__x__"),
        ("owner@acme.test", "orgs/globex/approvals/x"),
    ]:
        r = http.get("/api/approvals", params={"cursor": _cursor(approval.id, path)}, headers=bearer(who))
        assert r.status_code == 400, (who, path, r.text)
        assert error_code(r) == "invalid_cursor"
    r = http.get(
        "/api/projects", params={"cursor": _cursor("A", "orgs/acme/approvals/x")}, headers=bearer("ops@agency.test")
    )
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/projects/acme-rebrand", {"status": None}),
        ("/api/projects/acme-rebrand", {"name": None}),
        ("/api/projects/acme-rebrand", {"teamMembers": None}),
        ("/api/projects/acme-rebrand/milestones/m4", {"title": None}),
        ("/api/projects/acme-rebrand/milestones/m4", {"done": None}),
        ("/api/orgs/acme", {"name": None}),
    ],
)
def test_explicit_nulls_for_required_fields_are_refused(http: httpx.Client, path: str, body: dict) -> None:
    before = db.client().document("orgs/acme/projects/acme-rebrand").get().to_dict()
    org_before = db.client().document("orgs/acme").get().to_dict()
    r = http.patch(path, json=body, headers=bearer("ops@agency.test"))
    assert r.status_code == 400, r.text
    assert error_code(r) == "invalid_body"
    assert db.client().document("orgs/acme/projects/acme-rebrand").get().to_dict() == before
    assert db.client().document("orgs/acme").get().to_dict() == org_before


def test_nullable_fields_still_clear(http: httpx.Client) -> None:
    r = http.patch("/api/projects/acme-rebrand/milestones/m4", json={"due": None}, headers=bearer("ops@agency.test"))
    assert r.status_code == 200, r.text
    assert next(m for m in r.json()["milestones"] if m["id"] == "m4")["due"] is None


def test_openapi_patch_schemas_do_not_offer_null(http: httpx.Client) -> None:
    schemas = http.get("/api/openapi.json").json()["components"]["schemas"]
    status = schemas["ProjectPatch"]["properties"]["status"]
    assert "null" not in json.dumps(status)
    due = schemas["MilestonePatch"]["properties"]["due"]
    assert "null" in json.dumps(due)


def test_a_damaged_stored_project_does_not_fail_the_list(http: httpx.Client) -> None:
    db.client().document("orgs/acme/projects/acme-rebrand").update({"status": None})
    for who in ("owner@acme.test", "ops@agency.test"):
        r = http.get("/api/projects", headers=bearer(who))
        assert r.status_code == 200, r.text
        ids = [p["id"] for p in r.json()["items"]]
        assert "acme-rebrand" not in ids and "acme-website-copy" in ids


def test_project_counts_are_true(http: httpx.Client) -> None:
    _approval(http)
    _approval(http, "acme-website-copy")
    pending = [
        s
        for s in db.client().collection("orgs/acme/approvals").where("projectId", "==", "acme-rebrand").stream()
        if s.get("status") == "pending"
    ]
    files = list(db.client().collection("orgs/acme/files").where("projectId", "==", "acme-rebrand").stream())
    r = http.get("/api/projects/acme-rebrand", headers=bearer("member@acme.test"))
    assert r.status_code == 200
    counts = r.json()["counts"]
    assert counts["openApprovals"] == len(pending) >= 1
    assert counts["files"] == len(files)
