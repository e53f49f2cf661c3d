"""Live updates: the Firestore sign-in for a session (POST /api/auth/live-token) and the
change signals the approvals trigger writes."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from env import AUTH, FIRESTORE, PROJECT
from helpers import after_issue, bearer, browser_session, error_code, refused_within_interval, sign_in, token, web

from portal import authn, db, live
from portal.approvals import events as approval_events

pytestmark = pytest.mark.usefixtures("world")

PATH = "/api/auth/live-token"
DOCS = f"{FIRESTORE}/v1/projects/{PROJECT}/databases/(default)/documents"
PEOPLE = {
    "owner@acme.test": ("client_owner", "acme"),
    "member@acme.test": ("client_member", "acme"),
    "owner@globex.test": ("client_owner", "globex"),
    "ops@agency.test": ("aj_ops", "agency"),
    "admin@agency.test": ("aj_admin", "agency"),
}


def _claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def firestore_sign_in(custom_token: str) -> str:
    """What the browser's signInWithCustomToken does: a Firebase ID token for the custom token."""
    r = web.post(
        f"{AUTH}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=any",
        json={"token": custom_token, "returnSecureToken": True},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return str(r.json()["idToken"])


def read_signal(uid: str, id_token: str) -> int:
    return web.get(f"{DOCS}/live/{uid}", headers={"Authorization": f"Bearer {id_token}"}, timeout=30).status_code


@pytest.mark.parametrize("email", list(PEOPLE))
def test_each_role_gets_a_token_for_itself_only(http: httpx.Client, email: str) -> None:
    role, org = PEOPLE[email]
    uid = sign_in(email)["localId"]
    r = http.post(PATH, headers=browser_session(http, email))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["uid"] == uid
    claims = _claims(body["token"])
    assert claims["uid"] == uid
    assert claims["claims"]["role"] == role and claims["claims"]["orgId"] == org

    id_token = firestore_sign_in(body["token"])
    signed = _claims(id_token)
    assert (signed["user_id"], signed["role"], signed["orgId"]) == (uid, role, org)
    live.poke([uid], "approvals", "ap-1")
    assert read_signal(uid, id_token) == 200
    other = sign_in("member@globex.test")["localId"]
    live.poke([other], "approvals", "ap-2")
    assert read_signal(other, id_token) == 403  # someone else's signal, even another organisation's


def test_the_body_cannot_ask_for_someone_else(http: httpx.Client) -> None:
    other = sign_in("owner@globex.test")["localId"]
    r = http.post(PATH, json={"uid": other, "orgId": "globex"}, headers=browser_session(http, "member@acme.test"))
    assert r.status_code == 200
    assert r.json()["uid"] == sign_in("member@acme.test")["localId"]
    assert _claims(r.json()["token"])["claims"]["orgId"] == "acme"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-jwt"}, {"Cookie": "__session=forged"}])
def test_no_or_bad_credentials_get_401(http: httpx.Client, headers: dict[str, str]) -> None:
    r = http.post(PATH, headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]["message"]


def test_only_post(http: httpx.Client) -> None:
    r = http.get(PATH, headers=bearer("owner@acme.test"))
    assert r.status_code == 405
    assert r.headers["content-type"] == "application/json"


def test_session_cookie_needs_its_csrf_token(http: httpx.Client) -> None:
    login = http.post("/api/auth/login", json={"idToken": token("owner@acme.test")})
    jar = {"Cookie": f"__session={login.cookies.get('__session')}"}
    r = http.post(PATH, headers=jar)
    assert r.status_code == 403 and error_code(r) == "csrf"
    r = http.post(PATH, headers={**jar, "X-CSRF-Token": login.json()["csrfToken"]})
    assert r.status_code == 200
    # Signed out with the session: the cookie mints nothing more (revocation counts whole
    # seconds, so sign out in a later second than the cookie's).
    after_issue(str(login.cookies.get("__session")))
    http.post("/api/auth/logout", headers={**jar, "X-CSRF-Token": login.json()["csrfToken"]})
    r = refused_within_interval(lambda: http.post(PATH, headers={**jar, "X-CSRF-Token": login.json()["csrfToken"]}))
    assert r.status_code == 401


@pytest.mark.parametrize("change", [{"disabled": True}, {"role": "client_member"}])
def test_a_membership_that_no_longer_matches_gets_no_token(http: httpx.Client, change: dict[str, Any]) -> None:
    headers = browser_session(http, "owner@acme.test")
    uid = sign_in("owner@acme.test")["localId"]
    db.system("acme").user(uid).set(change, merge=True)
    r = http.post(PATH, headers=headers)
    assert r.status_code == 403
    assert error_code(r) == "membership_changed"


def test_a_removed_member_gets_no_token(http: httpx.Client) -> None:
    headers = browser_session(http, "member@acme.test")
    db.system("acme").user(sign_in("member@acme.test")["localId"]).delete()
    r = http.post(PATH, headers=headers)
    assert r.status_code == 403


def test_a_live_credential_reads_its_signal_and_nothing_else_and_ends_with_its_session(http: httpx.Client) -> None:
    uid = sign_in("owner@acme.test")["localId"]
    assert error_code(http.post(PATH, headers=bearer("owner@acme.test"))) == "session_required"
    device = browser_session(http, "owner@acme.test")
    minted = http.post(PATH, headers=device).json()["token"]
    r = web.post(f"{AUTH}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=any",
                   json={"token": minted, "returnSecureToken": True}, timeout=30)  # fmt: skip
    live_id, refresh = r.json()["idToken"], r.json()["refreshToken"]
    live.poke([uid], "approvals", "ap-3")
    assert read_signal(uid, live_id) == 200
    # not a key to the API, nor to a new session, nor after a refresh
    r = http.get("/api/auth/me", headers={"Authorization": f"Bearer {live_id}"})
    assert r.status_code == 401 and error_code(r) == "live_only"
    r = http.post("/api/auth/login", json={"idToken": live_id})
    assert r.status_code == 401 and error_code(r) == "live_only"
    grant = {"grant_type": "refresh_token", "refresh_token": refresh}
    refreshed = web.post(f"{AUTH}/securetoken.googleapis.com/v1/token?key=any", data=grant, timeout=30).json()
    assert http.get("/api/auth/me", headers={"Authorization": f"Bearer {refreshed['id_token']}"}).status_code == 401
    # signing this device out ends it (another device's session does not keep it alive)
    other = browser_session(http, "owner@acme.test", fresh=True)
    sessions = http.get("/api/me/sessions", headers=device).json()["items"]
    current = next(s for s in sessions if s["current"])
    assert http.delete(f"/api/me/sessions/{current['id']}", headers=other).status_code == 200
    assert read_signal(uid, live_id) == 403
    assert read_signal(uid, refreshed["id_token"]) == 403


def test_a_disabled_account_gets_401(http: httpx.Client) -> None:
    session = sign_in("member@acme.test")
    authn.admin_auth().update_user(session["localId"], disabled=True)
    r = refused_within_interval(lambda: http.post(PATH, headers={"Authorization": f"Bearer {session['idToken']}"}))
    assert r.status_code == 401


def test_the_approvals_trigger_signals_the_organisation_and_the_staff() -> None:
    uids = {email: sign_in(email)["localId"] for email in (*PEOPLE, "member@globex.test")}
    approval_events.on_approval_written("e1", "acme", "ap-live", None, {"title": "Logo", "currentVersion": 1})
    for email, uid in uids.items():
        snap = db.live_signal(uid).get()
        signalled = snap.exists and (snap.to_dict() or {}).get("approvals", {}).get("ref") == "ap-live"
        assert signalled == (not email.endswith("globex.test")), email
        if signalled:
            # Only when and what changed, never the item itself.
            assert all(set(change) == {"at", "ref"} for change in (snap.to_dict() or {}).values())


def test_a_disabled_member_is_not_signalled() -> None:
    uid = sign_in("member@acme.test")["localId"]
    db.system("acme").user(uid).set({"disabled": True}, merge=True)
    assert uid not in live.audience("acme")
    assert sign_in("owner@acme.test")["localId"] in live.audience("acme")
