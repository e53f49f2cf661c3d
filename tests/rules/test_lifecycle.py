"""Removed, disabled and demoted people, as the browser meets them: the ID token it got for
live updates (POST /api/auth/live-token, then signInWithCustomToken) stays valid for up to an
hour, so the rules must refuse it at once, and the API must refuse the person's old bearer
token and mint them no new live token (the instance that made the change at once, the others
within SESSION_CHECK_SECONDS: portal.revocation). Each change is made through the API, as an owner or
an admin makes it (and through the admin CLI's service for a disabled account)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from env import AUTH, FIRESTORE, PROJECT
from helpers import after_issue, bearer, browser_session, refused_within_interval, sign_in, web

from portal import live
from portal.members import service as members

pytestmark = pytest.mark.usefixtures("world")

DOCS = f"{FIRESTORE}/v1/projects/{PROJECT}/databases/(default)/documents"


def live_id_token(http: httpx.Client, email: str) -> tuple[str, str, str]:
    """(uid, the bearer token, the browser's Firestore ID token for live updates)."""
    session = sign_in(email, fresh=True)
    r = http.post("/api/auth/live-token", headers=browser_session(http, email))
    assert r.status_code == 200, r.text
    r2 = web.post(
        f"{AUTH}/identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=any",
        json={"token": r.json()["token"], "returnSecureToken": True},
        timeout=30,
    )
    assert r2.status_code == 200, r2.text
    return str(session["localId"]), str(session["idToken"]), str(r2.json()["idToken"])


def reads(path: str, id_token: str) -> int:
    return web.get(f"{DOCS}/{path}", headers={"Authorization": f"Bearer {id_token}"}, timeout=30).status_code


def _remove(http: httpx.Client, actor: str) -> Callable[[str], None]:
    def change(uid: str) -> None:
        r = http.delete(f"/api/members/{uid}", headers=bearer(actor))
        assert r.status_code == 200, r.text

    return change


def _demote(http: httpx.Client, role: str) -> Callable[[str], None]:
    def change(uid: str) -> None:
        r = http.patch(f"/api/members/{uid}", json={"role": role}, headers=bearer("admin@agency.test"))
        assert r.status_code == 200, r.text

    return change


CHANGES = {
    "member removed by the owner": ("member@acme.test", lambda http: _remove(http, "owner@acme.test")),
    "ops removed by an admin": ("ops@agency.test", lambda http: _remove(http, "admin@agency.test")),
    "owner demoted to member": ("owner@acme.test", lambda http: _demote(http, "client_member")),
    "account disabled by the operator": ("owner@globex.test", lambda http: members.disable_user),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_the_browser_loses_live_reads_at_once_and_the_api_within_the_interval(http: httpx.Client, change: str) -> None:
    email, make = CHANGES[change]
    uid, bearer_token, live_token = live_id_token(http, email)
    live.poke([uid], "approvals", "ap-1")
    assert reads(f"live/{uid}", live_token) == 200
    after_issue(bearer_token)  # revocation counts whole seconds
    make(http)(uid)
    assert reads(f"live/{uid}", live_token) == 403  # the same, unexpired token
    old = {"Authorization": f"Bearer {bearer_token}"}
    assert refused_within_interval(lambda: http.get("/api/auth/me", headers=old)).status_code == 401
    r = refused_within_interval(lambda: http.post("/api/auth/live-token", headers=old))
    assert r.status_code == 401, r.text
    org = email.split("@")[1].split(".")[0]
    for path in (f"orgs/{org}", f"orgs/{org}/users/{uid}", "orgs/acme/projects/acme-rebrand"):
        assert reads(path, live_token) == 403, path  # and nothing else, before or after


def test_a_demoted_person_signed_in_again_reads_their_signal_with_the_new_role(http: httpx.Client) -> None:
    uid, _, _ = live_id_token(http, "owner@acme.test")
    _demote(http, "client_member")(uid)
    _, _, again = live_id_token(http, "owner@acme.test")  # a new sign-in carries the new role
    live.poke([uid], "approvals", "ap-2")
    assert reads(f"live/{uid}", again) == 200
