"""firestore.rules, loaded in the Firestore emulator, walked exhaustively:
each collection x each role x own/other organisation x read/write.

A browser reads its own change signal (``live/{uid}``) and nothing else: organisation
data reaches it only through the API, where the policy decides and hidden fields stay
hidden. The signal itself needs a membership that still matches the token, so a removed,
disabled or demoted person loses it at once although their ID token stays valid.

Documents are written with the server's (rules-bypassing) client, then read and
written over the REST API with each user's ID token, as a browser SDK would."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import pytest
from env import FIRESTORE, PROJECT
from helpers import forged_token, sign_in, web

from portal import authn, db, live
from portal.identity import Role
from portal.members import service as users

pytestmark = pytest.mark.usefixtures("world")

DOCS = f"{FIRESTORE}/v1/projects/{PROJECT}/databases/(default)/documents"

ORG_WIDE = [
    "",
    "/users/u1",
    "/projects/p1",
    "/projects/p1/activity/a1",
    "/contracts/c1",
    "/summary/dashboard",
    "/approvals/ap1",
    "/approvals/ap1/versions/v1",
    "/approvals/ap1/decisions/d1",
    "/threads/t1",
    "/threads/t1/messages/m1",
    "/files/f1",
    "/bookings/b1",
]
OWNER_AND_STAFF = ["/invites/i1", "/billing/current", "/billing/current/payments/pay1"]

ROLES = {
    "acme_owner": "owner@acme.test",
    "acme_member": "member@acme.test",
    "globex_owner": "owner@globex.test",
    "ops": "ops@agency.test",
    "admin": "admin@agency.test",
}


@pytest.fixture
def tokens() -> dict[str, str | None]:
    out: dict[str, str | None] = {name: sign_in(email)["idToken"] for name, email in ROLES.items()}
    authn.admin_auth().create_user(email="nobody@example.test", password="portal-demo")
    out["no_claims"] = sign_in("nobody@example.test")["idToken"]
    out["anonymous"] = None
    return out


@pytest.fixture
def member_uid() -> str:
    return str(sign_in("member@acme.test")["localId"])


def _commit(batch: Any) -> None:
    """Commit the fixture's documents, again if the emulator answers "Transaction lock
    timeout" (an earlier trigger held a lock)."""
    from google.api_core.exceptions import Aborted

    for attempt in range(4):
        try:
            batch.commit()
            return
        except Aborted:
            if attempt == 3:
                raise
            time.sleep(1)


@pytest.fixture
def docs(world: dict, member_uid: str) -> None:
    batch = db.client().batch()
    for org in ("acme", "globex"):
        for path in ORG_WIDE[1:] + OWNER_AND_STAFF:
            batch.set(db.client().document(f"orgs/{org}{path}"), {"orgId": org, "x": 1})
        batch.set(db.client().document(f"orgs/{org}/notifications/n-member"), {"uid": member_uid, "orgId": org})
        batch.set(db.client().document(f"orgs/{org}/notifications/n-other"), {"uid": "someone-else", "orgId": org})
    batch.set(db.client().document("auditLog/e1"), {"event": "x"})
    batch.set(db.client().document("summaries/clients"), {"clients": {}})
    batch.set(db.client().document("somethingElse/s1"), {"x": 1})
    # What the API hides, stored where it always was: none of it is readable directly.
    batch.set(db.client().document("orgs/acme/invites/i-secret"), {"email": "x@acme.test", "tokenHash": "h" * 64})
    batch.set(db.client().document(f"orgs/acme/users/{member_uid}"), {"readState": {"t1": 1}}, merge=True)
    _commit(batch)


def _headers(tok: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"} if tok else {}


def _send(method: str, url: str, **kwargs: object) -> httpx.Response:
    """A request to the Firestore emulator, sent again when it answers 409 "Transaction lock
    timeout": a trigger of an earlier step held the document's lock (the emulator locks
    pessimistically); the rules' answer is what is tested, not the lock."""
    for _ in range(10):
        r = web.request(method, url, timeout=30, **kwargs)  # type: ignore[arg-type]
        if r.status_code != 409:
            return r
        time.sleep(1)
    return r


def can_read(path: str, tok: str | None) -> bool:
    r = _send("GET", f"{DOCS}/{path}", headers=_headers(tok))
    assert r.status_code in (200, 403), r.text
    return r.status_code == 200


def can_write(path: str, tok: str | None) -> bool:
    r = _send("PATCH", f"{DOCS}/{path}", json={"fields": {"x": {"integerValue": "2"}}}, headers=_headers(tok))
    assert r.status_code in (200, 403), r.text
    return r.status_code == 200


ALL_ORG_PATHS = (
    ORG_WIDE
    + OWNER_AND_STAFF
    + [
        "/invites/i-secret",
        "/notifications/n-member",
        "/notifications/n-other",
        "/private/settings",
        "/templates/t1",
        "/summary/dashboard",
    ]
)


@pytest.mark.usefixtures("docs")
@pytest.mark.parametrize("org", ["acme", "globex", "agency"])
def test_no_organisation_data_is_readable_or_writable_directly(tokens: dict[str, str | None], org: str) -> None:
    """Own organisation or another, any role: the browser reads organisation data only
    through the API (invite token hashes, contracts, billing, memberships, read state,
    notifications included)."""
    found = []
    for role, tok in tokens.items():
        for path in ALL_ORG_PATHS:
            full = f"orgs/{org}{path}"
            if can_read(full, tok):
                found.append(("read", role, full))
            if can_write(full, tok):
                found.append(("write", role, full))
    assert found == []


@pytest.mark.usefixtures("world")
def test_notifications_and_preferences_are_closed_to_every_browser(tokens: dict[str, str | None]) -> None:
    """Staff notifications live under the agency's organisation, preferences under each
    person's own: the API reads them; no browser does, not even their owner's."""
    ops_uid = str(sign_in("ops@agency.test")["localId"])
    client = db.client()
    client.document("orgs/agency/notifications/n-ops").set({"uid": ops_uid, "orgId": "acme", "title": "x"})
    client.document(f"orgs/agency/preferences/{ops_uid}").set({"kinds": {"message": "email"}})
    client.document("orgs/acme/preferences/p1").set({"kinds": {}})
    for role in ROLES:
        assert not can_read("orgs/agency/notifications/n-ops", tokens[role]), role
        assert not can_read(f"orgs/agency/preferences/{ops_uid}", tokens[role]), role
        assert not can_read("orgs/acme/preferences/p1", tokens[role]), role
        assert not can_write("orgs/agency/notifications/n-ops", tokens[role]), role


@pytest.mark.usefixtures("docs")
def test_global_documents_are_closed(tokens: dict[str, str | None]) -> None:
    for role, tok in tokens.items():
        for path in ("auditLog/e1", "summaries/clients", "somethingElse/s1"):
            assert not can_read(path, tok), (role, path)
            assert not can_write(path, tok), (role, path)
        assert not can_write("orgs/newco", tok), role


def _query(parent: str, collection: str, all_descendants: bool, tok: str | None) -> int:
    body = {"structuredQuery": {"from": [{"collectionId": collection, "allDescendants": all_descendants}]}}
    url = f"{DOCS}/{parent}:runQuery" if parent else f"{DOCS}:runQuery"
    return _send("POST", url, json=body, headers=_headers(tok)).status_code


@pytest.mark.usefixtures("docs")
def test_queries_and_listeners_find_nothing_to_read(tokens: dict[str, str | None]) -> None:
    for role in ("acme_owner", "acme_member", "ops", "admin"):
        tok = tokens[role]
        assert _query("orgs/acme", "projects", False, tok) == 403, role
        assert _query("", "projects", True, tok) == 403, role
        assert _query("", "users", True, tok) == 403, role
        assert _query("", "orgs", False, tok) == 403, role
        assert _query("", "live", False, tok) == 403, role  # nobody lists the signals


@pytest.mark.usefixtures("docs")
def test_settings_secrets_and_templates_are_closed(tokens: dict[str, str | None]) -> None:
    client = db.client()
    client.document("orgs/acme/private/settings").set({"slackWebhookUrl": "https://hooks.slack.com/services/x"})
    client.document("orgs/agency/templates/t1").set({"name": "Brand identity"})
    for role, tok in tokens.items():
        assert not can_read("orgs/acme/private/settings", tok), role
        assert not can_write("orgs/acme/private/settings", tok), role
        assert not can_read("orgs/agency/templates/t1", tok), role  # staff read templates through the API
        assert not can_write("orgs/agency/templates/t1", tok), role


@pytest.mark.usefixtures("docs")
def test_the_search_index_is_for_the_server_alone(tokens: dict[str, str | None]) -> None:
    client = db.client()
    client.document("orgs/acme/searchIndex/project:p1").set({"orgId": "acme", "audience": "org", "terms": {"br": True}})
    for role, tok in tokens.items():
        assert not can_read("orgs/acme/searchIndex/project:p1", tok), role
        assert not can_write("orgs/acme/searchIndex/project:p1", tok), role
        assert _query("orgs/acme", "searchIndex", False, tok) == 403, role
        assert _query("", "searchIndex", True, tok) == 403, role


# --- live/{uid}: one's own signal, while one's membership still matches ---------------------


MEMBERSHIP = {"acme_owner": ("client_owner", "acme"), "acme_member": ("client_member", "acme"),
              "globex_owner": ("client_owner", "globex"), "ops": ("aj_ops", "agency"),
              "admin": ("aj_admin", "agency")}  # fmt: skip


@pytest.fixture
def signals(world: dict) -> dict[str, str]:
    """Every demo person's signal document, with its uid by role name."""
    uids = {name: str(sign_in(email)["localId"]) for name, email in ROLES.items()}
    live.poke(uids.values(), "approvals", "ap1")
    return uids


def session_record(uid: str, org: str, *, ended: bool = False, seconds: int = 3600) -> str:
    """A session record, as signing in writes one (``portal.account.sessions``): its id."""
    import datetime as dt
    import secrets

    sid = secrets.token_hex(16)
    now = dt.datetime.now(dt.UTC)
    db.system(org).session(uid, sid).set({"createdAt": now, "expiresAt": now + dt.timedelta(seconds=seconds),
                                          "ended": ended})  # fmt: skip
    return sid


def live_credential(name: str, uid: str, **session: Any) -> str:
    """What ``POST /api/auth/live-token`` mints for ``name``'s session, signed in with (the
    emulator takes an unsigned token: the refusals of the rules are what is tested)."""
    role, org = MEMBERSHIP[name]
    return forged_token(uid, role=role, orgId=org, email=ROLES[name], live=session_record(uid, org, **session))


def test_each_person_reads_only_their_own_signal(tokens: dict[str, str | None], signals: dict[str, str]) -> None:
    credentials = {name: live_credential(name, uid) for name, uid in signals.items()}
    for reader, tok in credentials.items():
        for owner, uid in signals.items():
            assert can_read(f"live/{uid}", tok) == (reader == owner), (reader, owner)
            assert not can_write(f"live/{uid}", tok), (reader, owner)
    for reader, tok in tokens.items():  # a sign-in's own ID token is no live credential
        for owner, uid in signals.items():
            assert not can_read(f"live/{uid}", tok), (reader, owner)


def test_a_live_credential_ends_with_its_session(signals: dict[str, str]) -> None:
    uid = signals["acme_member"]
    assert not can_read(f"live/{uid}", live_credential("acme_member", uid, ended=True))
    assert not can_read(f"live/{uid}", live_credential("acme_member", uid, seconds=-60))
    assert not can_read(f"live/{uid}", forged_token(uid, role="client_member", orgId="acme", email="m", live="nope"))
    ending = live_credential("acme_member", uid)
    assert can_read(f"live/{uid}", ending)
    db.system("acme").session(uid, _sid(ending)).update({"ended": True})  # signed out on that device
    assert not can_read(f"live/{uid}", ending)


def _sid(credential: str) -> str:
    payload = credential.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["live"])


def _fresh(name: str) -> str:
    return live_credential(name, str(sign_in(ROLES[name])["localId"]))


@pytest.mark.parametrize("name", ["acme_member", "ops"])
def test_a_removed_person_loses_their_signal_at_once(signals: dict[str, str], name: str) -> None:
    tok, uid = _fresh(name), signals[name]
    org = "acme" if name.startswith("acme") else "agency"
    assert can_read(f"live/{uid}", tok)
    db.system(org).user(uid).delete()
    assert not can_read(f"live/{uid}", tok)  # the same, still unexpired token


@pytest.mark.parametrize("name", ["acme_member", "ops"])
def test_a_disabled_person_loses_their_signal_at_once(signals: dict[str, str], name: str) -> None:
    tok, uid = _fresh(name), signals[name]
    assert can_read(f"live/{uid}", tok)
    users.disable_user(uid)  # what removing a member does: the account and the membership
    assert not can_read(f"live/{uid}", tok)


@pytest.mark.parametrize(("name", "to"), [("acme_owner", "client_member"), ("admin", "aj_ops")])
def test_a_demoted_person_loses_their_signal_at_once(signals: dict[str, str], name: str, to: str) -> None:
    tok, uid = _fresh(name), signals[name]
    assert can_read(f"live/{uid}", tok)
    users.set_role(uid, Role(to))  # the token still says the old role
    assert not can_read(f"live/{uid}", tok)


def test_a_token_without_portal_claims_or_with_another_org_reads_no_signal(signals: dict[str, str]) -> None:
    uid = signals["acme_member"]
    # A token whose orgId names another organisation (where no such membership exists).
    same = live_credential("acme_member", uid)
    assert can_read(f"live/{uid}", same)  # the emulator takes such tokens: the refusals below mean something
    other = forged_token(uid, role="client_member", orgId="globex", email="member@acme.test", live=_sid(same))
    assert not can_read(f"live/{uid}", other)
    assert not can_read(f"live/{uid}", forged_token(uid, email="member@acme.test"))
    assert not can_read(f"live/{uid}", forged_token(uid, role="client_member", orgId="", email="x"))


@pytest.mark.usefixtures("docs")
def test_booking_bookkeeping_is_closed_to_browsers(tokens: dict[str, str | None]) -> None:
    """Unmatched meetings (any client's attendees), where each booking lives, and calendar
    sync tokens and channels are read through the API only."""
    client = db.client()
    paths = ("unmatchedBookings/b1", "bookingIndex/b1", "calendarSync/c1")
    for path in paths:
        client.document(path).set({"orgId": None, "x": 1})
    for tok in tokens.values():
        for path in paths:
            assert not can_read(path, tok) and not can_write(path, tok)


@pytest.mark.usefixtures("docs")
def test_internal_notes_are_closed_to_browsers_as_a_whole(tokens: dict[str, str | None]) -> None:
    # Browsers read nothing but their own live signal: notes, staff-only by policy, are
    # refused to every token, and staff read them through the API.
    client = db.client()
    for org in ("acme", "globex"):
        client.document(f"orgs/{org}/threads/t1/notes/n-1").set({"body": "internal", "afterSeq": 1})
    for role, tok in tokens.items():
        for org in ("acme", "globex"):
            assert not can_read(f"orgs/{org}/threads/t1/notes/n-1", tok), (role, org)
            assert not can_write(f"orgs/{org}/threads/t1/notes/n-1", tok), (role, org)
    # Listing the notes of a thread (what a listener does), or every note at once: clients are refused.
    assert _query("orgs/acme/threads/t1", "notes", False, tokens["acme_owner"]) == 403
    assert _query("orgs/acme/threads/t1", "notes", False, tokens["acme_member"]) == 403
    assert _query("", "notes", True, tokens["acme_owner"]) == 403
    assert _query("orgs/acme/threads/t1", "notes", False, tokens["ops"]) == 403


@pytest.mark.usefixtures("docs")
def test_read_state_is_private_to_its_person(tokens: dict[str, str | None], member_uid: str) -> None:
    client = db.client()
    owner_uid = sign_in("owner@acme.test")["localId"]
    for uid in (member_uid, owner_uid):
        client.document(f"orgs/acme/threads/t1/reads/{uid}").set({"uid": uid, "readSeq": 3, "unread": False})
    assert not can_read(f"orgs/acme/threads/t1/reads/{member_uid}", tokens["acme_member"])  # the API answers
    assert not can_read(f"orgs/acme/threads/t1/reads/{owner_uid}", tokens["acme_member"])
    assert not can_read(f"orgs/acme/threads/t1/reads/{member_uid}", tokens["acme_owner"])
    assert not can_read(f"orgs/acme/threads/t1/reads/{member_uid}", tokens["ops"])
    assert not can_read(f"orgs/acme/threads/t1/reads/{member_uid}", tokens["globex_owner"])
    assert not can_write(f"orgs/acme/threads/t1/reads/{member_uid}", tokens["acme_member"])
    assert _query("orgs/acme/threads/t1", "reads", False, tokens["acme_member"]) == 403
    assert _query("", "reads", True, tokens["acme_member"]) == 403


def test_assistant_conversations_and_spend_are_closed_to_browsers(tokens: dict[str, str | None]) -> None:
    """One's conversations with the assistant are read through the API (ChatKit's protocol),
    even by their owner; the organisation's daily token count too."""
    client = db.client()
    thread = "orgs/acme/assistantThreads/thr-1"
    client.document(thread).set({"uid": "someone", "orgId": "acme", "title": "Hello"})
    client.document(f"{thread}/items/msg-1").set({"item": "{}", "at": 1.0})
    client.document("orgs/acme/assistantUsage/2026-01-01").set({"tokens": 10})
    for role, tok in tokens.items():
        for path in (thread, f"{thread}/items/msg-1", "orgs/acme/assistantUsage/2026-01-01"):
            assert not can_read(path, tok) and not can_write(path, tok), (role, path)
        assert _query("orgs/acme", "assistantThreads", False, tok) == 403, role
        assert _query("", "assistantThreads", True, tok) == 403, role


@pytest.mark.usefixtures("docs")
def test_exports_and_deletions_are_for_the_server_alone(tokens: dict[str, str | None]) -> None:
    client = db.client()
    client.document("orgs/acme/exports/exp-1").set({"id": "exp-1", "requesterUid": "u", "status": "ready"})
    client.document("orgs/acme/exports/exp-1/parts/000000").set({"n": 0, "data": b"PK"})
    client.document("deletions/user-u").set({"kind": "user", "uid": "u", "orgId": "acme"})
    for role, tok in tokens.items():
        for path in ("orgs/acme/exports/exp-1", "orgs/acme/exports/exp-1/parts/000000", "deletions/user-u"):
            assert not can_read(path, tok), (role, path)
            assert not can_write(path, tok), (role, path)
        assert _query("", "exports", True, tok) == 403, role
        assert _query("", "deletions", False, tok) == 403, role


@pytest.mark.usefixtures("world")
def test_the_scheduled_jobs_records_are_for_the_server_alone(tokens: dict[str, str | None]) -> None:
    """What each scheduled job last did (portal.jobs): staff admins see it through the health
    check; no browser reads or writes it, not even an admin's."""
    db.job_run("mail_waiting").set({"lastSuccess": 1, "release": "dev"})
    for role, tok in tokens.items():
        for path in ("system/jobs/runs/mail_waiting", "system/jobs", "system/billingSync"):
            assert not can_read(path, tok), (role, path)
            assert not can_write(path, tok), (role, path)
        assert _query("system/jobs", "runs", False, tok) == 403, role
        assert _query("", "runs", True, tok) == 403, role
