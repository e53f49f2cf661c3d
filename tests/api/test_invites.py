"""Invitations: who may invite whom, single use, expiry, revocation, acceptance."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from env import AUTH
from helpers import accept_invite, bearer, email_link_token, error_code, sign_in, web

from portal import db

pytestmark = pytest.mark.usefixtures("world")


def _invite(http: httpx.Client, who: str, **body: str) -> httpx.Response:
    return http.post("/api/invites", json=body, headers=bearer(who))


def _token(r: httpx.Response) -> str:
    return parse_qs(urlparse(r.json()["inviteUrl"]).fragment)["token"][0]


def _accept(http: httpx.Client, token: str, password: str = "new-password-1") -> httpx.Response:
    return accept_invite(http, token, password)


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
    started = http.post("/api/invites/accept", json={"token": _token(r)})
    assert started.status_code == 200
    proof = email_link_token("h@acme.test")
    base = {"invite": started.json()["invite"], "idToken": proof, "password": "long-enough-1", "firstName": "H"}
    for bad in (
        {**base, "password": "short"},
        {**base, "firstName": "  "},
        {**base, "invite": "acme"},
        {**base, "invite": "acme/x.y"},
        {k: v for k, v in base.items() if k != "idToken"},
        {**base, "extra": 1},
    ):
        r2 = http.post("/api/invites/complete", json=bad)
        assert r2.status_code in (400, 404), (bad, r2.text)
        assert r2.json()["error"]["code"]
    assert http.post("/api/invites/accept", json={}).status_code == 400
    assert http.post("/api/invites/lookup", json={"token": _token(r)}).status_code == 200


def test_the_inviter_cannot_take_the_invited_address(http: httpx.Client) -> None:
    """Invite squatting: the inviter holds the link, but accepting needs the invited mailbox."""
    r = _invite(http, "owner@acme.test", email="victim@acme.test", role="client_owner")
    token = _token(r)
    started = http.post("/api/invites/accept", json={"token": token})
    assert started.status_code == 200
    assert started.json() == {"email": "victim@acme.test", "invite": f"acme.{r.json()['invite']['id']}"}
    # The pending account has no password and an unverified email: nothing signs in with it.
    with pytest.raises(httpx.HTTPStatusError):
        sign_in("victim@acme.test", "new-password-1")
    # The inviter's own proof (their own mailbox) does not fit the invite.
    theirs = email_link_token("owner@acme.test")
    body = {"invite": started.json()["invite"], "password": "squatter-pass", "firstName": "Sq"}
    mine = http.post("/api/invites/complete", json={**body, "idToken": theirs})
    assert mine.status_code == 403 and error_code(mine) == "email_mismatch"
    # A token for the pending account obtained without the mailbox (a custom token, as an
    # attacker with API access might try) does not carry a verified email.
    from portal import authn

    uid = authn.admin_auth().get_user_by_email("victim@acme.test").uid
    custom = authn.admin_auth().create_custom_token(uid).decode()
    signed = web.post(
        f"{AUTH}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=any",
        json={"token": custom, "returnSecureToken": True},
        timeout=30,
    ).json()["idToken"]
    unproven = http.post("/api/invites/complete", json={**body, "idToken": signed})
    assert unproven.status_code == 403 and error_code(unproven) == "email_not_verified"
    record = authn.admin_auth().get_user_by_email("victim@acme.test")
    assert not record.email_verified and not record.custom_claims
    assert [i["status"] for i in http.get("/api/invites", headers=bearer("owner@acme.test")).json()["items"]] == [
        "pending"
    ]
    assert not db.system("acme").user(uid).get().exists
    # The pending account does not block a new invite, and the real person accepts.
    again = _invite(http, "owner@acme.test", email="victim@acme.test", role="client_member")
    assert again.status_code == 201
    assert _accept(http, _token(again), "victims-pass-1").status_code == 201
    me = http.get("/api/auth/me", headers=bearer("victim@acme.test", "victims-pass-1")).json()
    assert (me["orgId"], me["role"]) == ("acme", "client_member")
    assert authn.admin_auth().get_user_by_email("victim@acme.test").email_verified


def test_a_pending_account_cannot_sign_in_to_the_portal(http: httpx.Client) -> None:
    r = _invite(http, "owner@acme.test", email="pend@acme.test", role="client_member")
    http.post("/api/invites/accept", json={"token": _token(r)})
    # Even with the mailbox, until the invite is completed the account has no portal access.
    proof = email_link_token("pend@acme.test")
    assert http.get("/api/auth/me", headers={"Authorization": f"Bearer {proof}"}).status_code == 403
    assert http.post("/api/auth/login", json={"idToken": proof}).status_code == 403
