"""Authentication: bearer tokens, session cookies, CSRF, logout, and every way to be refused."""

from __future__ import annotations

import time

import httpx
import pytest
from helpers import after_issue, bearer, error_code, forged_token, sign_in, token, web

from portal import authn, db

pytestmark = pytest.mark.usefixtures("world")


def test_me_with_bearer_token(http: httpx.Client) -> None:
    r = http.get("/api/auth/me", headers=bearer("owner@acme.test"))
    assert r.status_code == 200
    body = r.json()
    assert body["email"] == "owner@acme.test"
    assert body["role"] == "client_owner"
    assert body["orgId"] == "acme"
    assert body["orgName"] == "Acme Corporation"
    assert body["profile"]["firstName"] == "Olivia"
    assert "billing.read" in body["capabilities"]["clients"]
    assert "projects.update" not in body["capabilities"]["clients"]
    assert body["capabilities"]["agency"] == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": "Bearer a.b.c"},
    ],
)
def test_missing_or_malformed_credentials_get_401(http: httpx.Client, headers: dict[str, str]) -> None:
    r = http.get("/api/auth/me", headers=headers)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/json"
    assert r.json()["error"]["message"]


def test_expired_token_gets_401(http: httpx.Client) -> None:
    uid = sign_in("owner@acme.test")["localId"]
    expired = forged_token(uid, exp_offset=-60, role="client_owner", orgId="acme", email="owner@acme.test")
    r = http.get("/api/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401
    assert error_code(r) == "expired"


def test_revoked_token_gets_401(http: httpx.Client) -> None:
    session = sign_in("owner@acme.test")
    after_issue(session["idToken"])  # revocation is checked at one-second resolution
    authn.revoke_sessions(session["localId"])
    r = http.get("/api/auth/me", headers={"Authorization": f"Bearer {session['idToken']}"})
    assert r.status_code == 401
    assert error_code(r) == "revoked"


def test_disabled_user_gets_401(http: httpx.Client) -> None:
    session = sign_in("member@acme.test")
    authn.admin_auth().update_user(session["localId"], disabled=True)
    r = http.get("/api/auth/me", headers={"Authorization": f"Bearer {session['idToken']}"})
    assert r.status_code == 401
    assert error_code(r) == "user_disabled"


def test_account_without_portal_claims_gets_403(http: httpx.Client) -> None:
    authn.admin_auth().create_user(email="stray@example.test", password="portal-demo")
    r = http.get("/api/auth/me", headers=bearer("stray@example.test"))
    assert r.status_code == 403
    assert error_code(r) == "no_access"


def _login(http: httpx.Client, email: str) -> tuple[httpx.Response, str]:
    r = http.post("/api/auth/login", json={"idToken": token(email)})
    cookie = r.cookies.get("__session") or ""
    return r, cookie


def test_login_sets_a_hardened_session_cookie(http: httpx.Client) -> None:
    r, cookie = _login(http, "owner@globex.test")
    assert r.status_code == 200
    assert cookie
    set_cookie = r.headers["set-cookie"]
    for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/"):
        assert flag in set_cookie
    assert r.json()["user"]["orgId"] == "globex"
    assert r.json()["csrfToken"]


def test_session_cookie_authenticates_and_csrf_guards_unsafe_methods(http: httpx.Client) -> None:
    r, cookie = _login(http, "owner@acme.test")
    csrf = r.json()["csrfToken"]
    jar = {"Cookie": f"__session={cookie}"}
    session = http.get("/api/auth/session", headers=jar)
    assert session.status_code == 200
    assert session.json()["authenticated"] is True
    assert session.json()["csrfToken"] == csrf
    # An unsafe request with the cookie but no CSRF token is refused and changes nothing.
    invite = {"email": "new@acme.test", "role": "client_member"}
    r = http.post("/api/invites", json=invite, headers=jar)
    assert r.status_code == 403
    assert error_code(r) == "csrf"
    r = http.post("/api/invites", json=invite, headers={**jar, "X-CSRF-Token": "0" * 64})
    assert r.status_code == 403
    assert not list(db.client().collection("orgs/acme/invites").stream())
    r = http.post("/api/invites", json=invite, headers={**jar, "X-CSRF-Token": csrf})
    assert r.status_code == 201


def test_cross_site_origin_is_refused_for_unsafe_methods(http: httpx.Client) -> None:
    r, cookie = _login(http, "owner@acme.test")
    headers = {"Cookie": f"__session={cookie}", "X-CSRF-Token": r.json()["csrfToken"], "Origin": "https://evil.example"}
    r = http.post("/api/auth/logout", headers=headers)
    assert r.status_code == 403
    assert error_code(r) == "bad_origin"


def test_login_refuses_bad_tokens_and_bad_bodies(http: httpx.Client) -> None:
    assert http.post("/api/auth/login", json={"idToken": "nope"}).status_code == 401
    assert http.post("/api/auth/login", json={}).status_code == 400
    assert http.post("/api/auth/login", json={"idToken": "x", "extra": 1}).status_code == 400
    assert (
        http.post(
            "/api/auth/login", content=b"idToken=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
        ).status_code
        == 415
    )
    assert (
        http.post("/api/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}).status_code
        == 400
    )


def test_login_needs_a_recent_sign_in(http: httpx.Client) -> None:
    uid = sign_in("owner@acme.test")["localId"]
    old = forged_token(
        uid, role="client_owner", orgId="acme", email="owner@acme.test", auth_time=int(time.time()) - 3600
    )
    r = http.post("/api/auth/login", json={"idToken": old})
    assert r.status_code == 401
    assert error_code(r) == "stale_sign_in"


def test_logout_revokes_sessions_and_clears_the_cookie(http: httpx.Client) -> None:
    r, cookie = _login(http, "member@acme.test")
    csrf = r.json()["csrfToken"]
    after_issue(cookie)
    jar = {"Cookie": f"__session={cookie}"}
    r = http.post("/api/auth/logout", headers={**jar, "X-CSRF-Token": csrf})
    assert r.status_code == 200
    assert "__session=;" in r.headers["set-cookie"] or "Max-Age=0" in r.headers["set-cookie"]
    after = http.get("/api/auth/session", headers=jar)
    assert after.status_code == 401
    assert error_code(after) == "revoked"


def test_sign_in_and_out_are_audited(http: httpx.Client) -> None:
    r, cookie = _login(http, "owner@acme.test")
    http.post("/api/auth/logout", headers={"Cookie": f"__session={cookie}", "X-CSRF-Token": r.json()["csrfToken"]})
    events = {s.get("event") for s in db.client().collection("auditLog").stream()}
    assert {"auth.login", "auth.logout"} <= events


def test_config_is_public(http: httpx.Client) -> None:
    r = http.get("/api/auth/config")
    assert r.status_code == 200
    assert r.json()["firebase"]["projectId"]
    assert r.json()["authEmulatorUrl"]


def test_self_sign_up_is_refused_by_the_blocking_function() -> None:
    from env import AUTH

    r = web.post(
        f"{AUTH}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=any",
        json={"email": "walk-in@example.test", "password": "secret-123", "returnSecureToken": True},
        timeout=30,
    )
    assert r.status_code == 400
    assert "invitation only" in r.text
    from firebase_admin import auth

    with pytest.raises(auth.UserNotFoundError):
        authn.admin_auth().get_user_by_email("walk-in@example.test")
