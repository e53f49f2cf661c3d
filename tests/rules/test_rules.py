"""firestore.rules, loaded in the Firestore emulator, walked exhaustively:
each collection x each role x own/other organisation x read/write.

Documents are written with the server's (rules-bypassing) client, then read and
written over the REST API with each user's ID token, as a browser SDK would."""

from __future__ import annotations

import httpx
import pytest
from env import FIRESTORE, PROJECT
from helpers import sign_in

from portal import authn, db

pytestmark = pytest.mark.usefixtures("world")

DOCS = f"{FIRESTORE}/v1/projects/{PROJECT}/databases/(default)/documents"

ORG_WIDE = [
    "",
    "/users/u1",
    "/projects/p1",
    "/projects/p1/activity/a1",
    "/contracts/c1",
    "/summary/dashboard",
    "/approvals/ap1",
    "/approvals/ap1/versions/v1",
    "/approvals/ap1/decisions/d1",
    "/threads/t1",
    "/threads/t1/messages/m1",
    "/files/f1",
    "/bookings/b1",
]
OWNER_AND_STAFF = ["/invites/i1", "/billing/current", "/billing/current/payments/pay1"]

ROLES = {
    "acme_owner": "owner@acme.test",
    "acme_member": "member@acme.test",
    "globex_owner": "owner@globex.test",
    "ops": "ops@agency.test",
    "admin": "admin@agency.test",
}


@pytest.fixture
def tokens() -> dict[str, str | None]:
    out: dict[str, str | None] = {name: sign_in(email)["idToken"] for name, email in ROLES.items()}
    authn.admin_auth().create_user(email="nobody@example.test", password="portal-demo")
    out["no_claims"] = sign_in("nobody@example.test")["idToken"]
    out["anonymous"] = None
    return out


@pytest.fixture
def member_uid() -> str:
    return str(sign_in("member@acme.test")["localId"])


@pytest.fixture
def docs(world: dict, member_uid: str) -> None:
    client = db.client()
    for org in ("acme", "globex"):
        for path in ORG_WIDE[1:] + OWNER_AND_STAFF:
            client.document(f"orgs/{org}{path}").set({"orgId": org, "x": 1})
        client.document(f"orgs/{org}/notifications/n-member").set({"uid": member_uid, "orgId": org})
        client.document(f"orgs/{org}/notifications/n-other").set({"uid": "someone-else", "orgId": org})
    client.document("auditLog/e1").set({"event": "x"})
    client.document("summaries/clients").set({"clients": {}})
    client.document("somethingElse/s1").set({"x": 1})


def _headers(tok: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"} if tok else {}


def can_read(path: str, tok: str | None) -> bool:
    r = httpx.get(f"{DOCS}/{path}", headers=_headers(tok), timeout=30)
    assert r.status_code in (200, 403), r.text
    return r.status_code == 200


def can_write(path: str, tok: str | None) -> bool:
    r = httpx.patch(f"{DOCS}/{path}", json={"fields": {"x": {"integerValue": "2"}}}, headers=_headers(tok), timeout=30)
    assert r.status_code in (200, 403), r.text
    return r.status_code == 200


def expected_read(role: str, org: str, kind: str) -> bool:
    staff = role in ("ops", "admin")
    own = role.startswith(org)
    if kind == "org_wide":
        return staff or own
    if kind == "owner_and_staff":
        return staff or (own and role.endswith("owner"))
    raise AssertionError(kind)


@pytest.mark.usefixtures("docs")
@pytest.mark.parametrize("org", ["acme", "globex"])
def test_org_collections(tokens: dict[str, str | None], org: str) -> None:
    mismatches = []
    for role, tok in tokens.items():
        for kind, paths in (("org_wide", ORG_WIDE), ("owner_and_staff", OWNER_AND_STAFF)):
            for path in paths:
                full = f"orgs/{org}{path}"
                want = role in ROLES and expected_read(role, org, kind)
                if can_read(full, tok) != want:
                    mismatches.append(("read", role, full, want))
                if can_write(full, tok):
                    mismatches.append(("write", role, full, False))
    assert mismatches == []


@pytest.mark.usefixtures("docs")
def test_notifications_are_private_to_their_user(tokens: dict[str, str | None]) -> None:
    assert can_read("orgs/acme/notifications/n-member", tokens["acme_member"])
    for role in ROLES:
        assert not can_read("orgs/acme/notifications/n-other", tokens[role])
        assert not can_write("orgs/acme/notifications/n-member", tokens[role])
    assert not can_read("orgs/acme/notifications/n-member", tokens["acme_owner"])


@pytest.mark.usefixtures("world")
def test_staff_notifications_and_preferences_are_out_of_every_other_reach(tokens: dict[str, str | None]) -> None:
    """Staff notifications live under the agency's organisation; preferences under each
    person's own, closed to every browser (the API reads them)."""
    ops_uid = str(sign_in("ops@agency.test")["localId"])
    client = db.client()
    client.document("orgs/agency/notifications/n-ops").set({"uid": ops_uid, "orgId": "acme", "title": "x"})
    client.document(f"orgs/agency/preferences/{ops_uid}").set({"kinds": {"message": "email"}})
    client.document("orgs/acme/preferences/p1").set({"kinds": {}})
    assert can_read("orgs/agency/notifications/n-ops", tokens["ops"])
    for role in ROLES:
        if role != "ops":
            assert not can_read("orgs/agency/notifications/n-ops", tokens[role]), role
        assert not can_read(f"orgs/agency/preferences/{ops_uid}", tokens[role]), role
        assert not can_read("orgs/acme/preferences/p1", tokens[role]), role
        assert not can_write("orgs/agency/notifications/n-ops", tokens[role]), role


@pytest.mark.usefixtures("docs")
def test_audit_log_is_for_admins_and_unknown_collections_for_nobody(tokens: dict[str, str | None]) -> None:
    for role, tok in tokens.items():
        assert can_read("auditLog/e1", tok) == (role == "admin")
        assert can_read("summaries/clients", tok) == (role in ("ops", "admin"))
        assert not can_write("summaries/clients", tok)
        assert not can_write("auditLog/e1", tok)
        assert not can_read("somethingElse/s1", tok)
        assert not can_write("somethingElse/s1", tok)
        assert not can_write("orgs/newco", tok)


def _query(parent: str, collection: str, all_descendants: bool, tok: str | None) -> int:
    body = {"structuredQuery": {"from": [{"collectionId": collection, "allDescendants": all_descendants}]}}
    url = f"{DOCS}/{parent}:runQuery" if parent else f"{DOCS}:runQuery"
    return httpx.post(url, json=body, headers=_headers(tok), timeout=30).status_code


@pytest.mark.usefixtures("docs")
def test_queries_and_listeners_cannot_cross_organisations(tokens: dict[str, str | None]) -> None:
    acme_owner = tokens["acme_owner"]
    assert _query("orgs/acme", "projects", False, acme_owner) == 200
    assert _query("orgs/globex", "projects", False, acme_owner) == 403
    # A collection-group query over every organisation's projects: clients are refused.
    assert _query("", "projects", True, acme_owner) == 403
    assert _query("", "projects", True, tokens["ops"]) == 200
    # Listing the organisations themselves.
    assert _query("", "orgs", False, acme_owner) == 403
    assert _query("orgs/acme", "billing", False, tokens["acme_member"]) == 403


@pytest.mark.usefixtures("docs")
def test_settings_secrets_are_closed_and_templates_are_staff_only(tokens: dict[str, str | None]) -> None:
    client = db.client()
    client.document("orgs/acme/private/settings").set({"slackWebhookUrl": "https://hooks.slack.com/services/x"})
    client.document("orgs/agency/templates/t1").set({"name": "Brand identity"})
    for role, tok in tokens.items():
        assert not can_read("orgs/acme/private/settings", tok), role
        assert not can_write("orgs/acme/private/settings", tok), role
        assert can_read("orgs/agency/templates/t1", tok) == (role in ("ops", "admin")), role
        assert not can_write("orgs/agency/templates/t1", tok), role


@pytest.mark.usefixtures("docs")
def test_internal_notes_are_refused_to_clients_as_a_whole(tokens: dict[str, str | None]) -> None:
    client = db.client()
    for org in ("acme", "globex"):
        client.document(f"orgs/{org}/threads/t1/notes/n-1").set({"body": "internal", "afterSeq": 1})
    for role, tok in tokens.items():
        staff = role in ("ops", "admin")
        for org in ("acme", "globex"):
            assert can_read(f"orgs/{org}/threads/t1/notes/n-1", tok) == staff, (role, org)
            assert not can_write(f"orgs/{org}/threads/t1/notes/n-1", tok), (role, org)
    # Listing the notes of a thread (what a listener does), or every note at once: clients are refused.
    assert _query("orgs/acme/threads/t1", "notes", False, tokens["acme_owner"]) == 403
    assert _query("orgs/acme/threads/t1", "notes", False, tokens["acme_member"]) == 403
    assert _query("", "notes", True, tokens["acme_owner"]) == 403
    assert _query("orgs/acme/threads/t1", "notes", False, tokens["ops"]) == 200


@pytest.mark.usefixtures("docs")
def test_read_state_is_private_to_its_person(tokens: dict[str, str | None], member_uid: str) -> None:
    client = db.client()
    owner_uid = sign_in("owner@acme.test")["localId"]
    for uid in (member_uid, owner_uid):
        client.document(f"orgs/acme/threads/t1/reads/{uid}").set({"uid": uid, "readSeq": 3, "unread": False})
    assert can_read(f"orgs/acme/threads/t1/reads/{member_uid}", tokens["acme_member"])
    assert not can_read(f"orgs/acme/threads/t1/reads/{owner_uid}", tokens["acme_member"])
    assert not can_read(f"orgs/acme/threads/t1/reads/{member_uid}", tokens["acme_owner"])
    assert not can_read(f"orgs/acme/threads/t1/reads/{member_uid}", tokens["ops"])
    assert not can_read(f"orgs/acme/threads/t1/reads/{member_uid}", tokens["globex_owner"])
    assert not can_write(f"orgs/acme/threads/t1/reads/{member_uid}", tokens["acme_member"])
    assert _query("orgs/acme/threads/t1", "reads", False, tokens["acme_member"]) == 403
    assert _query("", "reads", True, tokens["acme_member"]) == 403
