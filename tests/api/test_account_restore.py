"""Restoring one's own deleted account with the mailed link, through Hosting and the functions
emulator: the link comes by mail (the SMTP stand-in), works once, restores as an admin's undo
does, and is audited; a wrong, used, expired or purged link, and a deletion the person did
not ask for (a removal by their owner), all get one identical 404 and change nothing; junk
input is a 400 or that 404, never a 500."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import httpx
import pytest
from helpers import after_issue, bearer, issued_at, sign_in, token, wait_for

from portal import authn, db

pytestmark = pytest.mark.usefixtures("world")
LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
LINK = re.compile(r"http://\S+/restore#token=(\S+)")
RESTORE = "/api/account/restore"


def _delete_own(http: httpx.Client, who: str) -> dict[str, Any]:
    after_issue(sign_in(who, fresh=True)["idToken"])
    r = http.post("/api/deletions", json={"scope": "me", "confirm": who}, headers=bearer(who))
    assert r.status_code == 202, r.text
    assert r.json()["restoreMailed"] is True
    return dict(r.json()["deletion"])


def _mailed_token(mails: Any, who: str) -> str:
    got = wait_for(lambda: [m for m in mails.to(who) if "/restore#token=" in m["text"]], timeout=90)
    assert got, f"no restore link was mailed to {who}"
    assert len(got) == 1
    found = LINK.search(got[0]["text"])
    assert found, got[0]["text"]
    assert f'href="{found.group(0)}"' in got[0]["html"]
    return found.group(1)


def _state(deletion_id: str, uid: str) -> tuple[Any, ...]:
    snap = db.deletion(deletion_id).get()
    return (snap.exists, snap.to_dict() if snap.exists else None, authn.admin_auth().get_user(uid).disabled)


def _refused(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 404, r.text
    return dict(r.json())


def _delete_own_in_browser(http: httpx.Client, who: str) -> tuple[dict[str, Any], str]:
    """As the browser does: sign in for a session cookie, then delete the account with it, both
    in one second (Firebase compares issue and revocation times in whole seconds)."""

    def login() -> httpx.Response:
        r = http.post("/api/auth/login", json={"idToken": token(who, fresh=True)})
        assert r.status_code == 200, r.text
        return r

    def delete(r: httpx.Response, confirm: str) -> httpx.Response:
        headers = {"Cookie": f"__session={r.cookies.get('__session')}", "X-CSRF-Token": r.json()["csrfToken"]}
        return http.post("/api/deletions", json={"scope": "me", "confirm": confirm}, headers=headers)

    assert delete(login(), "not-me@example.test").status_code == 400  # both functions warm
    time.sleep(1.02 - time.time() % 1)
    signed_in = login()
    r = delete(signed_in, who)
    assert r.status_code == 202, r.text
    cookie = str(signed_in.cookies.get("__session"))
    revoked_ms = authn.admin_auth().get_user_by_email(who).tokens_valid_after_timestamp
    assert issued_at(cookie) * 1000 == revoked_ms  # the case this test is about
    return dict(r.json()["deletion"]), cookie


def test_the_mailed_link_restores_the_account_once(http: httpx.Client, mails: Any) -> None:
    deletion, cookie = _delete_own_in_browser(http, "member@acme.test")
    uid = deletion["uid"]
    token = _mailed_token(mails, "member@acme.test")
    stored = db.deletion(deletion["id"]).get().to_dict() or {}
    secret = token.rpartition(".")[2]
    assert token.startswith(f"{deletion['id']}.") and stored["restoreHash"] != secret and secret not in str(stored)
    # the delivery kept no usable copy of the link once it was sent
    sent = wait_for(lambda: [s.to_dict() for s in db.deliveries().stream()
                             if s.get("kind") == "account_restore" and s.get("status") == "delivered"])  # fmt: skip
    assert sent and secret not in str(sent)
    r = http.get("/api/deliveries", headers=bearer("admin@agency.test"))
    assert r.status_code == 200 and secret not in r.text

    before = _state(deletion["id"], uid)
    wrong = _refused(http.post(RESTORE, json={"token": f"{deletion['id']}.{'x' * len(secret)}"}))
    assert _state(deletion["id"], uid) == before and before[2] is True

    # Restored in a later second than the deletion, as a person opening their mail does: a
    # restore in the very second of the cookie would leave it valid (whole seconds), the old
    # check of every request included.
    after_issue(cookie)
    r = http.post(RESTORE, json={"token": token})
    assert r.status_code == 200, r.text
    assert r.json() == {"ok": True, "email": "member@acme.test"}
    assert not db.deletion(deletion["id"]).get().exists
    assert not authn.admin_auth().get_user(uid).disabled
    user = db.system("acme").user(uid).get().to_dict() or {}
    assert user.get("disabled") is False and "deletion" not in user
    assert http.get("/api/auth/me", headers=bearer("member@acme.test", fresh=True)).status_code == 200
    # the restored account starts signed out everywhere: the old device signs in again
    assert http.get("/api/auth/me", headers={"Cookie": f"__session={cookie}"}).status_code == 401
    entries = [s.to_dict() or {} for s in db.audit_log().where(filter=db.eq("event", "deletion.undone")).stream()]
    assert [(e["actorUid"], e["actorEmail"], e["actorRole"], e["target"], e["details"]["by"]) for e in entries] == [
        (uid, "member@acme.test", "client_member", uid, "self")
    ]

    used = _refused(http.post(RESTORE, json={"token": token}))
    assert used == wrong  # one identical answer for a used link and a wrong one


def test_an_expired_or_purged_link_changes_nothing(http: httpx.Client, mails: Any) -> None:
    from portal.privacy import deletion as deletions

    deletion = _delete_own(http, "owner@globex.test")
    uid = deletion["uid"]
    token = _mailed_token(mails, "owner@globex.test")
    unknown = _refused(http.post(RESTORE, json={"token": "user-nobody.secret"}))
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.deletion(deletion["id"]).update({"purgeAfter": past})
    before = _state(deletion["id"], uid)
    assert _refused(http.post(RESTORE, json={"token": token})) == unknown  # expired
    assert _state(deletion["id"], uid) == before
    assert deletions.purge_due(now=LATER) == {deletion["id"]: "purged"}
    assert _refused(http.post(RESTORE, json={"token": token})) == unknown  # purged


def test_a_member_removed_by_their_owner_cannot_restore_themselves(http: httpx.Client, mails: Any) -> None:
    member = sign_in("member@acme.test")
    uid = member["localId"]
    r = http.delete(f"/api/members/{uid}", headers=bearer("owner@acme.test"))
    assert r.status_code == 200, r.text
    pending = db.deletion(f"user-{uid}").get().to_dict() or {}
    assert pending["reason"] == "removed" and "restoreHash" not in pending
    unknown = _refused(http.post(RESTORE, json={"token": "user-nobody.secret"}))
    # Even a deletion document given the hash of a known secret is refused when it is a removal.
    from portal.privacy.deletion import _hash

    db.deletion(f"user-{uid}").update({"restoreHash": _hash("guessed")})
    before = _state(f"user-{uid}", uid)
    assert _refused(http.post(RESTORE, json={"token": f"user-{uid}.guessed"})) == unknown
    assert _state(f"user-{uid}", uid) == before
    assert [m for m in mails.to("member@acme.test") if "/restore#" in m["text"]] == []


def test_a_removal_wins_over_an_earlier_self_deletion(http: httpx.Client, mails: Any) -> None:
    deletion = _delete_own(http, "member@acme.test")
    token = _mailed_token(mails, "member@acme.test")
    uid = deletion["uid"]
    r = http.delete(f"/api/members/{uid}", headers=bearer("owner@acme.test"))
    assert r.status_code == 200, r.text
    pending = db.deletion(deletion["id"]).get().to_dict() or {}
    assert pending["reason"] == "removed" and "restoreHash" not in pending
    assert pending["requestedBy"]["email"] == "owner@acme.test"
    before = _state(deletion["id"], uid)
    assert _refused(http.post(RESTORE, json={"token": token}))["error"]["code"] == "restore_link_invalid"
    assert _state(deletion["id"], uid) == before and authn.admin_auth().get_user(uid).disabled
    members = http.get("/api/members", headers=bearer("owner@acme.test")).json()
    removed = next(m for m in members["items"] if m["uid"] == uid)
    assert removed["disabled"] is True


def test_an_organisation_deletion_mails_no_link_and_cannot_be_restored_this_way(http: httpx.Client) -> None:
    body = {"scope": "organisation", "orgId": "globex", "confirm": "Globex"}
    r = http.post("/api/deletions", json=body, headers=bearer("admin@agency.test"))
    assert r.status_code == 202, r.text
    assert r.json().get("restoreMailed") is None
    assert "restoreHash" not in (db.deletion("org-globex").get().to_dict() or {})
    assert _refused(http.post(RESTORE, json={"token": "org-globex.secret"}))["error"]["code"] == "restore_link_invalid"
    assert db.system("globex").doc().get().get("archived") is True


JUNK: list[Any] = [
    {},
    {"token": ""},
    {"token": None},
    {"token": 5},
    {"token": ["user-x.y"]},
    {"token": "x" * 513},
    {"token": "user-x.y", "more": 1},
    {"token": "no-dot"},
    {"token": "."},
    {"token": "user-x."},
    {"token": "__x__.y"},
    {"token": "user-__x__.y"},
    {"token": "user-a/b.y"},
    {"token": "user-ä.y"},
    {"token": "user-x.y\u0000"},
    "not an object",
    [],
]


def test_junk_is_refused_without_a_server_error_and_changes_nothing(http: httpx.Client, mails: Any) -> None:
    deletion = _delete_own(http, "member@globex.test")
    before = _state(deletion["id"], deletion["uid"])
    for body in JUNK:
        r = http.post(RESTORE, json=body)
        assert r.status_code in (400, 404), (body, r.status_code, r.text)
        assert r.json()["error"]["code"], r.text
    for raw, kind in ((b"{not json", "application/json"), (b"token=x", "application/x-www-form-urlencoded")):
        r = http.post(RESTORE, content=raw, headers={"Content-Type": kind})
        assert r.status_code in (400, 415), r.text
    r = http.get(RESTORE, params={"token": "x"})
    assert r.status_code == 405
    assert _state(deletion["id"], deletion["uid"]) == before
