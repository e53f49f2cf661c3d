"""Authentication: bearer tokens, session cookies, CSRF, logout, and every way to be refused."""

from __future__ import annotations

import time

import httpx
import pytest
from helpers import (
    after_issue,
    bearer,
    error_code,
    forged_token,
    in_process,
    refused_within_interval,
    sign_in,
    token,
    web,
)

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
    authn.revoke_sessions(session["localId"])  # here: the functions' instances learn it within the interval
    r = refused_within_interval(
        lambda: http.get("/api/auth/me", headers={"Authorization": f"Bearer {session['idToken']}"})
    )
    assert r.status_code == 401
    assert error_code(r) == "revoked"


def test_disabled_user_gets_401(http: httpx.Client) -> None:
    session = sign_in("member@acme.test")
    authn.admin_auth().update_user(session["localId"], disabled=True)
    r = refused_within_interval(
        lambda: http.get("/api/auth/me", headers={"Authorization": f"Bearer {session['idToken']}"})
    )
    assert r.status_code == 401
    assert error_code(r) == "user_disabled"


def _code(response: object) -> str:
    return str(response.get_json()["error"]["code"])  # type: ignore[attr-defined]


def test_a_revocation_is_refused_at_once_here_and_by_every_other_instance_within_the_interval(
    http: httpx.Client,
) -> None:
    """This test process is an instance too (the real pipeline, in-process): it revokes, and
    refuses at once; the functions' instances, which had just accepted the token, refuse it
    within SESSION_CHECK_SECONDS, and from then on."""
    session = sign_in("owner@acme.test", fresh=True)
    headers = {"Authorization": f"Bearer {session['idToken']}"}
    after_issue(session["idToken"])
    paths = ("/api/auth/me", "/api/projects", "/api/notifications/unread")
    for path in paths:  # each function's instance now remembers the account
        assert http.get(path, headers=headers).status_code == 200, path
    assert in_process("GET", "/api/auth/me", headers).status_code == 200
    authn.revoke_sessions(session["localId"])
    here = in_process("GET", "/api/auth/me", headers)
    assert here.status_code == 401 and _code(here) == "revoked"
    for path in paths:
        r = refused_within_interval(lambda path=path: http.get(path, headers=headers))
        assert r.status_code == 401 and error_code(r) == "revoked", path
    fresh = {"Authorization": f"Bearer {token('owner@acme.test', fresh=True)}"}  # signed in again: accepted
    assert http.get("/api/auth/me", headers=fresh).status_code == 200
    assert in_process("GET", "/api/auth/me", fresh).status_code == 200


def test_a_removed_member_is_refused_at_once_here_and_within_the_interval_everywhere(http: httpx.Client) -> None:
    from portal.members import service as members

    session = sign_in("member@acme.test", fresh=True)
    cookie = _login(http, "member@acme.test")[1]
    after_issue(cookie)
    bearer_headers = {"Authorization": f"Bearer {session['idToken']}"}
    jar = {"Cookie": f"__session={cookie}"}
    for headers in (bearer_headers, jar):
        assert http.get("/api/projects", headers=headers).status_code == 200
        assert in_process("GET", "/api/projects", headers).status_code == 200
    members.disable_user(session["localId"], actor_label="test")  # removed by the operator, in this instance
    for headers in (bearer_headers, jar):
        here = in_process("GET", "/api/projects", headers)
        assert here.status_code == 401 and _code(here) == "user_disabled"
        r = refused_within_interval(lambda headers=headers: http.get("/api/projects", headers=headers))
        assert r.status_code == 401 and error_code(r) == "user_disabled"


def test_firebase_auth_is_asked_once_per_account_and_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cost of checking revocation: one round trip to Firebase Auth per account, instance and
    SESSION_CHECK_SECONDS, instead of one per request (SESSION_CHECK_SECONDS=0 still asks every time)."""
    session = sign_in("ops@agency.test", fresh=True)
    headers = {"Authorization": f"Bearer {session['idToken']}"}
    after_issue(session["idToken"])
    monkeypatch.setenv("SESSION_CHECK_SECONDS", "60")
    authn.REVOCATIONS.forget()
    before = authn.auth_lookups()
    for _ in range(50):
        assert in_process("GET", "/api/auth/me", headers).status_code == 200
    assert authn.auth_lookups() - before == 1
    monkeypatch.setenv("SESSION_CHECK_SECONDS", "0")
    before = authn.auth_lookups()
    for _ in range(5):
        assert in_process("GET", "/api/auth/me", headers).status_code == 200
    assert authn.auth_lookups() - before == 5


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
