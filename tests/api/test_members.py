"""Members: listing per organisation, removal, role changes, billing access."""

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


# --- billing access ------------------------------------------------------------------------------


def _audit(event: str) -> list[dict]:
    entries = (s.to_dict() for s in db.client().collection("auditLog").stream())
    return [e for e in entries if e["event"] == event]


def _billing_of(http: httpx.Client, headers: dict[str, str]) -> int:
    return http.get("/api/billing", headers=headers).status_code


def _give(http: httpx.Client, uid: str, value: bool, who: str = "owner@acme.test") -> httpx.Response:
    return http.patch(f"/api/members/{uid}", json={"billingAccess": value}, headers=bearer(who))


def test_an_owner_gives_a_member_billing_access_and_takes_it_back(http: httpx.Client) -> None:
    member = sign_in("member@acme.test")
    owner_uid = _uid("owner@acme.test")
    before = {"Authorization": f"Bearer {member['idToken']}"}
    assert _billing_of(http, before) == 403
    after_issue(member["idToken"])

    r = _give(http, member["localId"], True)
    assert r.status_code == 200, r.text
    assert r.json()["changed"] is True
    assert r.json()["member"] == {"uid": member["localId"], "email": "member@acme.test", "role": "client_member",
                                  "orgId": "acme", "disabled": False, "billingAccess": True}  # fmt: skip
    # The grant is in the member's claims: their credentials end, and the next ones carry it.
    assert refused_within_interval(lambda: http.get("/api/auth/me", headers=before)).status_code == 401
    granted = bearer("member@acme.test", fresh=True)
    assert _billing_of(http, granted) == 200
    me = http.get("/api/auth/me", headers=granted).json()
    assert "billing.read" in me["permissions"] and "billing.read" in me["capabilities"]["clients"]
    listed = {m["email"]: m["billingAccess"] for m in http.get("/api/members", headers=granted).json()["items"]}
    assert listed == {"owner@acme.test": True, "member@acme.test": True}
    [entry] = _audit("user.billing_access_granted")
    assert (entry["actorUid"], entry["orgId"], entry["target"]) == (owner_uid, "acme", member["localId"])
    assert entry["details"] == {"email": "member@acme.test"}

    # Asking again changes nothing: no new entry, the member's sessions go on.
    r = _give(http, member["localId"], True)
    assert r.status_code == 200 and r.json()["changed"] is False and r.json()["member"]["billingAccess"] is True
    assert len(_audit("user.billing_access_granted")) == 1
    assert _billing_of(http, granted) == 200

    # Taken back: refused billing at once by this instance, within SESSION_CHECK_SECONDS by every other.
    after_issue(granted["Authorization"].split()[1])
    r = _give(http, member["localId"], False)
    assert r.status_code == 200 and r.json()["changed"] is True and r.json()["member"]["billingAccess"] is False
    assert refused_within_interval(lambda: http.get("/api/billing", headers=granted)).status_code == 401
    assert _billing_of(http, bearer("member@acme.test", fresh=True)) == 403
    [entry] = _audit("user.billing_access_revoked")
    assert (entry["actorUid"], entry["target"], entry["actorRole"]) == (owner_uid, member["localId"], "client_owner")
    stored = db.system("acme").user(member["localId"]).get().to_dict()
    assert stored["permissions"] == []


def test_an_admin_gives_any_clients_member_billing_access(http: httpx.Client) -> None:
    uid = _uid("member@globex.test")
    r = http.patch(f"/api/members/{uid}", json={"billingAccess": True}, headers=bearer("admin@agency.test"))
    assert r.status_code == 200, r.text
    assert _billing_of(http, bearer("member@globex.test", fresh=True)) == 200
    assert _audit("user.billing_access_granted")[0]["actorRole"] == "aj_admin"


@pytest.mark.parametrize(
    ("who", "target", "status", "code"),
    [
        ("member@acme.test", "member@acme.test", 403, "forbidden"),  # not one's own
        ("member@acme.test", "owner@acme.test", 403, "forbidden"),  # members grant nothing
        ("owner@acme.test", "owner@acme.test", 403, "forbidden"),
        ("ops@agency.test", "member@acme.test", 403, "forbidden"),  # ops see billing, the client decides
        ("owner@globex.test", "member@acme.test", 404, "not_found"),
        ("owner@acme.test", "ops@agency.test", 404, "not_found"),
        ("admin@agency.test", "owner@acme.test", 400, "billing_by_role"),  # owners see billing by their role
        ("admin@agency.test", "ops@agency.test", 403, "forbidden"),  # and staff by theirs
        ("admin@agency.test", "admin@agency.test", 403, "forbidden"),
    ],
)
def test_who_may_give_whom_billing_access(http: httpx.Client, who: str, target: str, status: int, code: str) -> None:
    r = http.patch(f"/api/members/{_uid(target)}", json={"billingAccess": True}, headers=bearer(who))
    assert r.status_code == status, r.text
    assert error_code(r) == code
    assert _billing_of(http, bearer("member@acme.test")) == 403
    assert not _audit("user.billing_access_granted")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"billingAccess": "yes"},
        {"billingAccess": 1},
        {"billingAccess": None},
        {"role": "client_member", "billingAccess": True},  # one change at a time
        {"billingAccess": True, "extra": 1},
    ],
)
def test_a_bad_billing_access_body_is_refused(http: httpx.Client, body: dict) -> None:
    r = http.patch(f"/api/members/{_uid('member@acme.test')}", json=body, headers=bearer("owner@acme.test"))
    assert r.status_code == 400, r.text
    assert error_code(r) == "invalid_body"
    assert _billing_of(http, bearer("member@acme.test")) == 403


def test_a_client_cannot_tell_accounts_apart_by_billing_access(http: httpx.Client) -> None:
    answers = set()
    for target in ("no-such-uid", _uid("member@globex.test"), _uid("ops@agency.test"), _uid("admin@agency.test")):
        r = http.patch(f"/api/members/{target}", json={"billingAccess": True}, headers=bearer("owner@acme.test"))
        answers.add((r.status_code, r.json()["error"]["code"], r.json()["error"]["message"]))
    assert len(answers) == 1 and next(iter(answers))[0] == 404, answers


def test_an_archived_organisations_owner_changes_no_billing_access(http: httpx.Client) -> None:
    assert http.post("/api/orgs/acme/archive", headers=bearer("admin@agency.test")).status_code == 200
    uid = _uid("member@acme.test")
    r = http.patch(f"/api/members/{uid}", json={"billingAccess": True}, headers=bearer("owner@acme.test"))
    assert r.status_code == 409 and error_code(r) == "org_archived", r.text
    assert not _audit("user.billing_access_granted")
    r = http.patch(f"/api/members/{uid}", json={"billingAccess": True}, headers=bearer("admin@agency.test"))
    assert r.status_code == 200, r.text  # staff keep managing an archived client
