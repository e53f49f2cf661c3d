"""Invitations: who may invite whom, single use, expiry, revocation, acceptance."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from helpers import bearer, error_code, sign_in

from portal import db

pytestmark = pytest.mark.usefixtures("world")


def _invite(http: httpx.Client, who: str, **body: str) -> httpx.Response:
    return http.post("/api/invites", json=body, headers=bearer(who))


def _token(r: httpx.Response) -> str:
    return parse_qs(urlparse(r.json()["inviteUrl"]).fragment)["token"][0]


def _accept(http: httpx.Client, token: str, password: str = "new-password-1") -> httpx.Response:
    return http.post(
        "/api/invites/accept", json={"token": token, "password": password, "firstName": "Nia", "lastName": "New"}
    )


def test_owner_invites_a_member_who_accepts_and_signs_in(http: httpx.Client) -> None:
    r = _invite(http, "owner@acme.test", email="Nia@Acme.test", role="client_member")
    assert r.status_code == 201, r.text
    invite = r.json()["invite"]
    assert invite["email"] == "nia@acme.test"
    assert invite["orgId"] == "acme" and invite["status"] == "pending"
    assert r.json()["inviteUrl"].startswith("http://127.0.0.1:5000/invite#token=")
    token = _token(r)
    looked = http.post("/api/invites/lookup", json={"token": token})
    assert looked.status_code == 200
    assert looked.json()["orgName"] == "Acme Corporation"
    accepted = _accept(http, token)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["user"]["role"] == "client_member"
    me = http.get("/api/auth/me", headers=bearer("nia@acme.test", "new-password-1")).json()
    assert (me["orgId"], me["role"], me["profile"]["firstName"]) == ("acme", "client_member", "Nia")
    # Single use: the same link cannot make a second account.
    again = _accept(http, token, "another-password")
    assert again.status_code == 410
    assert error_code(again) == "invite_accepted"
    listed = http.get("/api/invites", headers=bearer("owner@acme.test")).json()["items"]
    assert [i["status"] for i in listed] == ["accepted"]


def test_invite_events_are_audited(http: httpx.Client) -> None:
    r = _invite(http, "owner@acme.test", email="a@acme.test", role="client_member")
    _accept(http, _token(r))
    events = [s.get("event") for s in db.client().collection("auditLog").stream()]
    assert "invite.created" in events and "invite.accepted" in events


def test_revoked_invite_cannot_be_used(http: httpx.Client) -> None:
    r = _invite(http, "owner@acme.test", email="b@acme.test", role="client_member")
    invite_id = r.json()["invite"]["id"]
    revoked = http.post(f"/api/invites/{invite_id}/revoke", headers=bearer("owner@acme.test"))
    assert revoked.status_code == 200
    assert revoked.json()["invite"]["status"] == "revoked"
    assert _accept(http, _token(r)).status_code == 410
    assert http.post("/api/invites/lookup", json={"token": _token(r)}).status_code == 410
    again = http.post(f"/api/invites/{invite_id}/revoke", headers=bearer("owner@acme.test"))
    assert again.status_code == 409


def test_expired_invite_cannot_be_used(http: httpx.Client) -> None:
    r = _invite(http, "owner@acme.test", email="c@acme.test", role="client_member")
    ref = db.client().document(f"orgs/acme/invites/{r.json()['invite']['id']}")
    ref.update({"expiresAt": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)})
    assert _accept(http, _token(r)).status_code == 410
    with pytest.raises(Exception):
        sign_in("c@acme.test", "new-password-1")


def test_a_new_invite_replaces_the_pending_one(http: httpx.Client) -> None:
    first = _invite(http, "owner@acme.test", email="d@acme.test", role="client_member")
    second = _invite(http, "owner@acme.test", email="d@acme.test", role="client_owner")
    assert _accept(http, _token(first)).status_code == 410
    assert _accept(http, _token(second)).status_code == 201


@pytest.mark.parametrize("token", ["", "x", "acme.nope.secret", "globex.x.y", "a/b.c.d", "acme..x"])
def test_bad_tokens_change_nothing(http: httpx.Client, token: str) -> None:
    r = _accept(http, token)
    assert r.status_code in (400, 404)
    assert http.post("/api/invites/lookup", json={"token": token}).status_code in (400, 404)


def test_guessing_the_secret_fails(http: httpx.Client) -> None:
    r = _invite(http, "owner@acme.test", email="e@acme.test", role="client_member")
    org, invite_id, _ = _token(r).split(".")
    assert _accept(http, f"{org}.{invite_id}.guess").status_code == 404


@pytest.mark.parametrize(
    ("who", "body", "status"),
    [
        ("member@acme.test", {"email": "x@acme.test", "role": "client_member"}, 403),
        ("owner@acme.test", {"email": "x@acme.test", "role": "client_member", "orgId": "globex"}, 404),
        ("owner@acme.test", {"email": "x@acme.test", "role": "aj_ops"}, 403),
        ("owner@acme.test", {"email": "x@acme.test", "role": "client_member", "orgId": "agency"}, 404),
        ("ops@agency.test", {"email": "x@agency.test", "role": "aj_ops", "orgId": "agency"}, 403),
        ("ops@agency.test", {"email": "x@globex.test", "role": "aj_admin", "orgId": "globex"}, 403),
        ("ops@agency.test", {"email": "x@acme.test", "role": "client_member", "orgId": "nowhere"}, 404),
        ("owner@acme.test", {"email": "member@acme.test", "role": "client_member"}, 409),
        ("owner@acme.test", {"email": "not-an-email", "role": "client_member"}, 400),
        ("owner@acme.test", {"email": "x@acme.test", "role": "superuser"}, 400),
        ("owner@acme.test", {"email": "x@acme.test"}, 400),
    ],
)
def test_who_may_invite_whom(http: httpx.Client, who: str, body: dict, status: int) -> None:
    r = http.post("/api/invites", json=body, headers=bearer(who))
    assert r.status_code == status, r.text
    for org in ("acme", "globex", "agency"):
        assert not list(db.client().collection(f"orgs/{org}/invites").stream())


@pytest.mark.parametrize(
    ("who", "body"),
    [
        ("ops@agency.test", {"email": "new@globex.test", "role": "client_owner", "orgId": "globex"}),
        ("admin@agency.test", {"email": "new@agency.test", "role": "aj_ops", "orgId": "agency"}),
    ],
)
def test_staff_invites(http: httpx.Client, who: str, body: dict) -> None:
    r = http.post("/api/invites", json=body, headers=bearer(who))
    assert r.status_code == 201, r.text
    assert _accept(http, _token(r)).status_code == 201
    me = http.get("/api/auth/me", headers=bearer(body["email"], "new-password-1")).json()
    assert me["role"] == body["role"]


def test_staff_without_org_id_get_a_clear_error(http: httpx.Client) -> None:
    r = http.post(
        "/api/invites", json={"email": "x@y.test", "role": "client_member"}, headers=bearer("ops@agency.test")
    )
    assert r.status_code == 403


def test_invite_lists_are_per_organisation(http: httpx.Client) -> None:
    _invite(http, "owner@acme.test", email="f@acme.test", role="client_member")
    assert len(http.get("/api/invites", headers=bearer("owner@acme.test")).json()["items"]) == 1
    assert http.get("/api/invites", headers=bearer("owner@globex.test")).json()["items"] == []
    assert http.get("/api/invites", params={"orgId": "acme"}, headers=bearer("owner@globex.test")).status_code == 404
    assert http.get("/api/invites", headers=bearer("member@acme.test")).status_code == 403
    assert (
        len(http.get("/api/invites", params={"orgId": "acme"}, headers=bearer("ops@agency.test")).json()["items"]) == 1
    )
    assert http.get("/api/invites").status_code == 401


def test_revoking_another_orgs_invite_is_not_found(http: httpx.Client) -> None:
    r = _invite(http, "owner@acme.test", email="g@acme.test", role="client_member")
    invite_id = r.json()["invite"]["id"]
    other = http.post(f"/api/invites/{invite_id}/revoke", headers=bearer("owner@globex.test"))
    assert other.status_code == 404
    assert _accept(http, _token(r)).status_code == 201


def test_accept_validates_the_body(http: httpx.Client) -> None:
    r = _invite(http, "owner@acme.test", email="h@acme.test", role="client_member")
    short = http.post("/api/invites/accept", json={"token": _token(r), "password": "short", "firstName": "H"})
    assert short.status_code == 400
    assert http.post("/api/invites/lookup", json={"token": _token(r)}).status_code == 200
