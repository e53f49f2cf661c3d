"""Second factors: removing one's own phone after signing in again with it, and resetting a
person's second factors when their phone is lost (per role, own and other organisations,
oneself, no credentials, bad input). Codes are read from the Auth emulator."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from helpers import after_issue, bearer, enrol_phone, enrol_phones, error_code, forged_token, two_factor_sign_in

from portal import authn, db
from portal.account import mfa

pytestmark = pytest.mark.usefixtures("world")

REMOVE = "/api/me/second-factors/remove"


def _uid(email: str) -> str:
    return str(authn.admin_auth().get_user_by_email(email).uid)


def _factors(email: str) -> list[str]:
    return [f["mfaEnrollmentId"] for f in mfa.enrollments(authn.admin_auth().get_user_by_email(email))]


def _entries(event: str) -> list[dict[str, Any]]:
    return [s.to_dict() or {} for s in db.audit_log().where(filter=db.eq("event", event)).stream()]


def _session(http: httpx.Client, id_token: str) -> dict[str, str]:
    r = http.post("/api/auth/login", json={"idToken": id_token})
    assert r.status_code == 200, r.text
    return {"Cookie": f"__session={r.cookies.get('__session')}", "X-CSRF-Token": r.json()["csrfToken"]}


def test_an_owner_removes_one_of_two_phones_after_signing_in_again_with_one(http: httpx.Client) -> None:
    email = "owner@acme.test"
    kept, gone = enrol_phones(_uid(email), "+15555550171", "+15555550172")
    signed_in = _session(http, two_factor_sign_in(email, "+15555550171")["idToken"])
    fresh = two_factor_sign_in(email, "+15555550171")["idToken"]
    r = http.post(REMOVE, json={"factorUid": gone, "idToken": fresh}, headers=signed_in)
    assert r.status_code == 200, r.text
    assert [f["uid"] for f in r.json()["secondFactors"]] == [kept]
    assert _factors(email) == [kept]
    # the session goes on: removing a factor ends no session
    assert http.get("/api/auth/me", headers=signed_in).status_code == 200
    [entry] = _entries("auth.second_factor_removed")
    assert (entry["actorEmail"], entry["target"], entry["orgId"]) == (email, _uid(email), "acme")
    assert entry["details"] == {"factor": gone, "displayName": "Phone 0172", "remaining": 1}
    # the same factor again is gone; the last one may go too (a client needs none)
    r = http.post(REMOVE, json={"factorUid": gone, "idToken": fresh}, headers=signed_in)
    assert r.status_code == 404 and error_code(r) == "factor_not_found"
    r = http.post(REMOVE, json={"factorUid": kept, "idToken": fresh}, headers=signed_in)
    assert r.status_code == 200 and r.json()["secondFactors"] == []
    assert _factors(email) == []


def _refused_removal(http: httpx.Client, headers: dict, body: Any, status: int, code: str) -> None:
    email = "member@acme.test"
    before = _factors(email)
    r = http.post(REMOVE, json=body, headers=headers)
    assert r.status_code == status, r.text
    assert error_code(r) == code
    assert _factors(email) == before
    assert not _entries("auth.second_factor_removed")


def test_removal_needs_a_fresh_two_factor_sign_in_of_the_caller(http: httpx.Client) -> None:
    uid = _uid("member@acme.test")
    member = bearer("member@acme.test", fresh=True)  # signed in before enrolling (then a code is needed)
    enrol_phone(uid, "+15555550173")
    factor = "phone0173"
    now = int(time.time())
    two_factor = {"firebase": {"sign_in_provider": "password", "sign_in_second_factor": "phone"}}
    claims = {"role": "client_member", "orgId": "acme", "email": "member@acme.test"}
    cases = [
        ("not-a-token", "reauthentication_required"),
        # a sign-in with the password alone
        (forged_token(uid, **claims, firebase={"sign_in_provider": "password"}), "reauthentication_required"),
        # a two-factor sign-in of ten minutes ago
        (forged_token(uid, **claims, **two_factor, auth_time=now - 600), "reauthentication_required"),
        # someone else's fresh two-factor sign-in
        (forged_token(_uid("owner@acme.test"), **two_factor), "reauthentication_required"),
    ]
    for id_token, code in cases:
        _refused_removal(http, member, {"factorUid": factor, "idToken": id_token}, 400, code)
    for body in ({}, {"factorUid": factor}, {"idToken": "x"}, {"factorUid": "", "idToken": "x"},
                 {"factorUid": factor, "idToken": 7}, {"factorUid": "f" * 129, "idToken": "x"}):  # fmt: skip
        r = http.post(REMOVE, json=body, headers=member)
        assert r.status_code == 400, (body, r.text)
        assert _factors("member@acme.test") == [factor]
    fresh = forged_token(uid, **claims, **two_factor)
    _refused_removal(http, member, {"factorUid": "phone9999", "idToken": fresh}, 404, "factor_not_found")
    r = http.post(REMOVE, json={"factorUid": factor, "idToken": fresh})
    assert r.status_code == 401
    assert _factors("member@acme.test") == [factor]


def test_staff_who_must_sign_in_with_a_second_factor_keep_their_last_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.account import service
    from portal.errors import Conflict
    from portal.identity import Caller, Role

    monkeypatch.setenv("STAFF_SECOND_FACTOR", "required")
    email, uid = "ops@agency.test", _uid("ops@agency.test")
    caller = Caller(uid=uid, email=email, role=Role.AJ_OPS, org_id="agency")
    first, second = enrol_phones(uid, "+15555550174", "+15555550175")
    fresh = two_factor_sign_in(email, "+15555550174")["idToken"]
    out = service.remove_second_factor(caller, second, fresh)
    assert [f["uid"] for f in out["secondFactors"]] == [first] and out["secondFactorRequired"] is True
    with pytest.raises(Conflict) as refused:
        service.remove_second_factor(caller, first, fresh)
    assert refused.value.code == "second_factor_required"
    assert "add another phone" in refused.value.message
    assert _factors(email) == [first]
    assert len(_entries("auth.second_factor_removed")) == 1


# --- an administrator (or a client's owner) resets a lost phone ---------------------------------


def _reset(http: httpx.Client, who: str | None, target: str) -> httpx.Response:
    return http.post(f"/api/members/{target}/second-factors/reset", headers=bearer(who) if who else {})


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("owner@acme.test", "member@acme.test"),  # a client's owner, their own organisation's member
        ("admin@agency.test", "owner@globex.test"),  # an admin, any client
        ("admin@agency.test", "ops@agency.test"),  # an admin, staff
    ],
)
def test_a_lost_phone_is_reset_sessions_end_and_the_person_is_mailed(
    http: httpx.Client, mails: Any, who: str, target: str
) -> None:
    from helpers import forget_sessions, sign_in, wait_for

    uid = _uid(target)
    enrol_phones(uid, "+15555550181", "+15555550182")
    stale = two_factor_sign_in(target, "+15555550181")["idToken"]
    after_issue(stale)
    r = _reset(http, who, uid)
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["member"]["uid"], out["member"]["email"], out["removed"], out["mailed"]) == (uid, target, 2, True)
    assert _factors(target) == []
    # every session of the person ended; the password alone signs in again
    assert http.get("/api/auth/me", headers={"Authorization": f"Bearer {stale}"}).status_code == 401
    fresh = sign_in(target, fresh=True)["idToken"]
    assert http.get("/api/auth/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    [entry] = _entries("user.second_factors_reset")
    assert (entry["actorEmail"], entry["target"]) == (who, uid)
    assert entry["details"] == {"email": target, "removed": 2}
    got = wait_for(lambda: mails.to(target), timeout=90)
    assert got and got[0]["subject"] == "Your two-factor sign-in was reset"
    assert f"reset by {who}" in got[0]["text"]
    # nothing left to reset: nothing happens
    again = _reset(http, who, uid)
    assert again.status_code == 200 and again.json()["removed"] == 0
    assert len(_entries("user.second_factors_reset")) == 1
    forget_sessions(target)


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        (None, "member@acme.test", 401),
        ("member@acme.test", "owner@acme.test", 403),  # a member manages no one
        ("ops@agency.test", "member@acme.test", 403),  # ops do not reset factors
        ("ops@agency.test", "admin@agency.test", 403),
        ("owner@acme.test", "owner@acme.test", 403),  # never one's own: remove it on Your account
        ("admin@agency.test", "admin@agency.test", 403),
        ("owner@globex.test", "member@acme.test", 404),  # another organisation's
        ("owner@acme.test", "ops@agency.test", 404),  # staff, to a client
        ("owner@acme.test", "no-such-uid", 404),
        ("admin@agency.test", "no-such-uid", 404),
    ],
)
def test_who_may_reset_whose_second_factors(http: httpx.Client, who: str | None, target: str, status: int) -> None:
    uid = _uid(target) if "@" in target else target
    headers = bearer(who, fresh=True) if who else {}  # signed in before the phone is enrolled
    if "@" in target:
        enrol_phone(uid, "+15555550183")
    r = http.post(f"/api/members/{uid}/second-factors/reset", headers=headers)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"]
    if "@" in target:
        assert _factors(target) == ["phone0183"]
    assert not _entries("user.second_factors_reset")


def test_a_client_cannot_tell_missing_foreign_and_staff_accounts_apart(http: httpx.Client) -> None:
    answers = []
    for target in ("no-such-uid", _uid("member@globex.test"), _uid("ops@agency.test"), _uid("admin@agency.test")):
        r = _reset(http, "owner@acme.test", target)
        answers.append((r.status_code, r.json()["error"]["code"], r.json()["error"]["message"]))
        # the same as the other member routes answer
        other = http.delete(f"/api/members/{target}", headers=bearer("owner@acme.test"))
        answers.append((other.status_code, other.json()["error"]["code"], other.json()["error"]["message"]))
    assert len(set(answers)) == 1, answers
    assert answers[0][0] == 404


def test_bad_path_ids_are_refused_cleanly(http: httpx.Client) -> None:
    for bad in ("__x__", "a" * 200, "%00"):
        r = http.post(f"/api/members/{bad}/second-factors/reset", headers=bearer("admin@agency.test"))
        assert r.status_code in (400, 404), (bad, r.text)
        assert r.json()["error"]["code"]
