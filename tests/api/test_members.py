"""Members: listing per organisation, removal, role changes."""

from __future__ import annotations

import httpx
import pytest
from helpers import after_issue, bearer, error_code, refused_within_interval, sign_in

from portal import db

pytestmark = pytest.mark.usefixtures("world")


def _uid(email: str) -> str:
    return str(sign_in(email)["localId"])


@pytest.mark.parametrize(
    ("who", "org", "status", "emails"),
    [
        ("owner@acme.test", None, 200, {"owner@acme.test", "member@acme.test"}),
        ("member@acme.test", None, 200, {"owner@acme.test", "member@acme.test"}),
        ("member@acme.test", "globex", 404, None),
        ("owner@globex.test", "acme", 404, None),
        ("ops@agency.test", "globex", 200, {"owner@globex.test", "member@globex.test"}),
        ("admin@agency.test", "agency", 200, {"admin@agency.test", "ops@agency.test"}),
    ],
)
def test_members_list(http: httpx.Client, who: str, org: str | None, status: int, emails: set | None) -> None:
    r = http.get("/api/members", params={"orgId": org} if org else {}, headers=bearer(who))
    assert r.status_code == status
    if emails is not None:
        assert {m["email"] for m in r.json()["items"]} == emails
    else:
        assert "globex" not in r.text and "acme" not in r.text.replace("acme.test", "")


def test_owner_removes_a_member_whose_sessions_end(http: httpx.Client) -> None:
    member = sign_in("member@acme.test")
    after_issue(member["idToken"])
    r = http.delete(f"/api/members/{member['localId']}", headers=bearer("owner@acme.test"))
    assert r.status_code == 200
    assert r.json()["member"]["disabled"] is True
    # refused at once by the instance that removed them, by the others within SESSION_CHECK_SECONDS
    gone = refused_within_interval(
        lambda: http.get("/api/auth/me", headers={"Authorization": f"Bearer {member['idToken']}"})
    )
    assert gone.status_code == 401
    events = [s.get("event") for s in db.client().collection("auditLog").stream()]
    assert "user.disabled" in events


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("member@acme.test", "owner@acme.test", 403),
        ("owner@globex.test", "member@acme.test", 404),
        ("owner@acme.test", "owner@acme.test", 403),
        ("owner@acme.test", "ops@agency.test", 404),
        ("ops@agency.test", "admin@agency.test", 403),
    ],
)
def test_who_may_remove_whom(http: httpx.Client, who: str, target: str, status: int) -> None:
    uid = _uid(target)
    r = http.delete(f"/api/members/{uid}", headers=bearer(who))
    assert r.status_code == status, r.text
    assert http.get("/api/auth/me", headers=bearer(target)).status_code == 200


def test_unknown_member_is_not_found(http: httpx.Client) -> None:
    assert http.delete("/api/members/nobody", headers=bearer("admin@agency.test")).status_code == 404


def test_admin_changes_a_role_and_it_applies_at_once(http: httpx.Client) -> None:
    member = sign_in("member@acme.test")
    after_issue(member["idToken"])
    r = http.patch(
        f"/api/members/{member['localId']}", json={"role": "client_owner"}, headers=bearer("admin@agency.test")
    )
    assert r.status_code == 200, r.text
    assert r.json()["member"]["role"] == "client_owner"
    stale = refused_within_interval(
        lambda: http.get("/api/auth/me", headers={"Authorization": f"Bearer {member['idToken']}"})
    )
    assert stale.status_code == 401
    assert http.get("/api/auth/me", headers=bearer("member@acme.test", fresh=True)).json()["role"] == "client_owner"
    events = [s.to_dict() for s in db.client().collection("auditLog").stream()]
    change = next(e for e in events if e["event"] == "user.role_changed")
    assert change["details"] == {"from": "client_member", "to": "client_owner"}


@pytest.mark.parametrize(
    ("who", "target", "role", "status"),
    [
        ("owner@acme.test", "member@acme.test", "client_owner", 403),
        ("ops@agency.test", "member@acme.test", "client_owner", 403),
        ("admin@agency.test", "member@acme.test", "aj_admin", 400),
        ("admin@agency.test", "ops@agency.test", "client_owner", 400),
        ("admin@agency.test", "admin@agency.test", "aj_ops", 403),
        ("admin@agency.test", "member@acme.test", "wizard", 400),
    ],
)
def test_role_changes_refused(http: httpx.Client, who: str, target: str, role: str, status: int) -> None:
    r = http.patch(f"/api/members/{_uid(target)}", json={"role": role}, headers=bearer(who))
    assert r.status_code == status, r.text
    assert error_code(r)


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_a_client_cannot_tell_missing_foreign_and_staff_accounts_apart(http: httpx.Client, method: str) -> None:
    answers = []
    for target in ("no-such-uid", _uid("member@globex.test"), _uid("ops@agency.test"), _uid("admin@agency.test")):
        r = http.request(
            method, f"/api/members/{target}", json={"role": "client_member"}, headers=bearer("owner@acme.test")
        )
        answers.append((r.status_code, r.json()["error"]["code"], r.json()["error"]["message"]))
    assert len(set(answers)) == 1, answers
    assert answers[0][0] == 404
