"""Exports and deletions through Hosting and the functions emulator: each role, another
organisation, no credentials, bad input; the archive unzipped and read (JSON, CSV, the
files themselves, no internal note in a client's archive); deletion with its grace period,
undo and purge (the scheduled job's function called directly): "Former member" in a
thread and on a comment, the decision record intact."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any

import httpx
import pytest
from helpers import after_issue, bearer, error_code, sign_in, upload_file, wait_for

from portal import authn, db
from portal.files.demo import pdf

pytestmark = pytest.mark.usefixtures("world")
NOTE = "they pushed back on budget last quarter"
DIRECTION = "We love direction B. Could the wordmark be a touch heavier?"
MEMBER_SAYS = "Thanks! Can we see it on a dark background?"
COMMENT = "One more thought on the colours."
ORG_ARCHIVE = {
    "README.json",
    "organisation.json",
    "projects.json",
    "projects.csv",
    "milestones.csv",
    "approvals.json",
    "approvals.csv",
    "decisions.csv",
    "messages.json",
    "messages.csv",
    "files.json",
    "files.csv",
    "bookings.json",
    "bookings.csv",
    "contracts.json",
    "contracts.csv",
    "billing.json",
    "billing-history.csv",
    "audit.json",
}
LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)


def _exports() -> list[dict[str, Any]]:
    return [s.to_dict() or {} for s in db.across_orgs(db.EXPORTS).stream()]


def _ready(http: httpx.Client, who: str, export_id: str) -> dict[str, Any]:
    def check() -> Any:
        items = http.get("/api/exports", headers=bearer(who)).json()["items"]
        found = next(i for i in items if i["id"] == export_id)
        return found if found["status"] in ("ready", "failed") else None

    found = wait_for(check, timeout=180, interval=1)
    assert found and found["status"] == "ready", found
    return dict(found)


def _archive(http: httpx.Client, who: str, export: dict[str, Any]) -> zipfile.ZipFile:
    r = http.get(export["download"], headers=bearer(who))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert "attachment" in r.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert archive.testzip() is None
    return archive


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def _upload(http: httpx.Client, who: str, name: str, data: bytes, **extra: Any) -> dict[str, Any]:
    return upload_file(http, bearer(who), name, data, **extra)


@pytest.fixture
def story(http: httpx.Client) -> dict[str, str]:
    """A thread (the owner's message, the member's reply, an internal note) and an approval
    the owner decided and commented on, all through the API."""
    owner, member, ops = bearer("owner@acme.test"), bearer("member@acme.test"), bearer("ops@agency.test")
    r = http.post("/api/messages", json={"subject": "Logo feedback round two", "body": DIRECTION,
                                         "projectId": "acme-rebrand"}, headers=owner)  # fmt: skip
    assert r.status_code == 201, r.text
    thread = r.json()["thread"]["id"]
    assert http.post(f"/api/messages/{thread}", json={"body": MEMBER_SAYS}, headers=member).status_code == 201
    r = http.post(f"/api/messages/{thread}", json={"body": f"Internal: {NOTE}.", "internal": True}, headers=ops)
    assert r.status_code == 201, r.text
    body = {"orgId": "acme", "projectId": "acme-rebrand", "contentType": "design", "title": "Logo routes",
            "due": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "assigneeEmails": ["member@acme.test"],
            "content": {"previewUrl": None, "fileUrls": [], "notes": "Three routes"}}  # fmt: skip
    r = http.post("/api/approvals", json=body, headers=ops)
    assert r.status_code == 201, r.text
    approval = r.json()["id"]
    r = http.post(f"/api/approvals/{approval}/action", json={"action": "approve", "comment": "Approved, thank you!"},
                  headers=owner)  # fmt: skip
    assert r.status_code == 200, r.text
    r = http.post(f"/api/approvals/{approval}/comments", json={"body": COMMENT}, headers=owner)
    assert r.status_code in (200, 201), r.text
    return {"thread": thread, "approval": approval}


# --- who may export ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "body", "status"),
    [
        ("member@acme.test", {"scope": "me"}, 202),
        ("member@acme.test", {"scope": "organisation"}, 403),
        ("owner@acme.test", {"scope": "organisation"}, 202),
        ("owner@acme.test", {"scope": "organisation", "orgId": "globex"}, 404),
        ("owner@globex.test", {"scope": "organisation", "orgId": "acme"}, 404),
        ("ops@agency.test", {"scope": "organisation", "orgId": "globex"}, 202),
        ("ops@agency.test", {"scope": "organisation", "orgId": "agency"}, 403),
        ("admin@agency.test", {"scope": "me"}, 202),
    ],
)
def test_who_may_export_what(http: httpx.Client, who: str, body: dict[str, Any], status: int) -> None:
    r = http.post("/api/exports", json=body, headers=bearer(who))
    assert r.status_code == status, r.text
    if status == 202:
        export = r.json()["export"]
        assert export["status"] in ("queued", "running", "ready")
        mine = http.get("/api/exports", headers=bearer(who)).json()["items"]
        assert [e["id"] for e in mine] == [export["id"]]
    else:
        assert _exports() == []
        assert "globex" not in r.text or who.endswith("globex.test")


def test_anonymous_callers_get_nothing(http: httpx.Client) -> None:
    assert http.get("/api/exports").status_code == 401
    assert http.post("/api/exports", json={"scope": "me"}).status_code in (401, 403)
    assert http.get("/api/exports/exp-0123456789abcdef/download").status_code == 401
    assert http.get("/api/deletions").status_code == 401
    assert http.post("/api/deletions", json={"scope": "me", "confirm": "x"}).status_code in (401, 403)
    assert http.delete("/api/deletions/user-abc").status_code in (401, 403)
    assert _exports() == [] and list(db.deletions().stream()) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"scope": "everything"},
        {"scope": "me", "extra": 1},
        {"scope": "organisation", "orgId": "__x__"},
        {"scope": "organisation", "orgId": "a" * 200},
        {"scope": None},
        [],
    ],
)
def test_bad_export_requests_are_400_and_change_nothing(http: httpx.Client, body: Any) -> None:
    r = http.post("/api/exports", json=body, headers=bearer("ops@agency.test"))
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"]
    assert _exports() == []


def test_one_export_at_a_time_and_only_its_requester_downloads_it(http: httpx.Client) -> None:
    r = http.post("/api/exports", json={"scope": "organisation"}, headers=bearer("owner@acme.test"))
    export = r.json()["export"]
    again = http.post("/api/exports", json={"scope": "organisation"}, headers=bearer("owner@acme.test"))
    assert again.status_code in (202, 409)  # 409 while the first is still being prepared
    if again.status_code == 409:
        assert error_code(again) == "export_in_progress"
    done = _ready(http, "owner@acme.test", export["id"])
    for other in ("member@acme.test", "owner@globex.test", "ops@agency.test"):
        assert http.get(done["download"], headers=bearer(other)).status_code == 404
    assert http.get("/api/exports/exp-ffffffffffffffff/download", headers=bearer("owner@acme.test")).status_code == 404
    assert http.get("/api/exports/__x__/download", headers=bearer("owner@acme.test")).status_code in (400, 404)


# --- what an archive holds -----------------------------------------------------------------------


def test_a_client_owner_exports_the_organisation_with_its_files_and_no_internal_note(
    http: httpx.Client, story: dict[str, str]
) -> None:
    from portal.seed import seed_contracts

    seed_contracts()  # a signed agreement and a statement of work awaiting the owner's signature
    brief = pdf("Brief for the export")
    uploaded = _upload(http, "owner@acme.test", "Brief.pdf", brief, projectId="acme-rebrand")
    r = http.post("/api/exports", json={"scope": "organisation"}, headers=bearer("owner@acme.test"))
    assert r.status_code == 202, r.text
    export = _ready(http, "owner@acme.test", r.json()["export"]["id"])
    assert export["expiresAt"] and export["size"] > 0
    archive = _archive(http, "owner@acme.test", export)
    names = set(archive.namelist())
    assert names >= ORG_ARCHIVE, ORG_ARCHIVE - names
    assert "internal-notes.json" not in names
    everything = b"".join(archive.read(n) for n in names)
    assert NOTE.encode() not in everything
    assert b"globex" not in everything.lower().replace(b"globex.test", b"")
    projects = {row["id"] for row in _csv(archive, "projects.csv")}
    assert projects == {"acme-rebrand", "acme-launch-video", "acme-website-copy", "acme-podcast"}
    assert all(row["projectId"].startswith("acme-") for row in _csv(archive, "milestones.csv"))
    decisions = _csv(archive, "decisions.csv")
    assert decisions and all(row["by"] for row in decisions)
    approvals = json.loads(archive.read("approvals.json"))
    assert all(item["versions"] for item in approvals)
    assert any(item["decisions"] for item in approvals)
    threads = json.loads(archive.read("messages.json"))
    assert any(m["body"] == DIRECTION for t in threads for m in t["messages"])
    assert any(c["body"] == COMMENT for item in approvals for c in item["comments"])
    assert {row["subject"] for row in _csv(archive, "messages.csv")} >= {"Logo feedback round two"}
    manifest = {f["id"]: f for f in json.loads(archive.read("files.json"))}
    path = manifest[uploaded["id"]]["path"]
    assert path.startswith("files/") and path.endswith("Brief.pdf")
    assert archive.read(path) == brief
    contracts = {row["id"]: row for row in _csv(archive, "contracts.csv")}
    assert contracts["acme-msa"]["status"] == "signed" and contracts["acme-msa"]["signedAt"]
    assert contracts["acme-rebrand-sow"]["status"] == "viewed" and not contracts["acme-rebrand-sow"]["signedAt"]
    assert contracts["acme-rebrand-sow"]["projectName"] == "Brand refresh"
    assert contracts["acme-rebrand-sow"]["documentUrl"].endswith("/acme-rebrand-sow")
    history = {c["id"]: c["history"] for c in json.loads(archive.read("contracts.json"))}
    assert [h["status"] for h in history["acme-msa"]] == ["sent", "signed"]
    audit = json.loads(archive.read("audit.json"))
    assert audit and all(e["orgId"] == "acme" for e in audit)
    assert "export.requested" in {e["action"] for e in audit}
    events = [s.get("event") for s in db.audit_log().stream()]
    assert {"export.requested", "export.ready", "export.downloaded"} <= set(events)


def test_staff_export_keeps_internal_notes_apart(http: httpx.Client, story: dict[str, str]) -> None:
    r = http.post("/api/exports", json={"scope": "organisation", "orgId": "acme"}, headers=bearer("ops@agency.test"))
    export = _ready(http, "ops@agency.test", r.json()["export"]["id"])
    archive = _archive(http, "ops@agency.test", export)
    assert NOTE in archive.read("internal-notes.json").decode()
    assert NOTE not in archive.read("messages.json").decode()


def test_a_member_exports_their_own_data(http: httpx.Client, story: dict[str, str]) -> None:
    r = http.post("/api/exports", json={"scope": "me"}, headers=bearer("member@acme.test"))
    export = _ready(http, "member@acme.test", r.json()["export"]["id"])
    archive = _archive(http, "member@acme.test", export)
    profile = json.loads(archive.read("profile.json"))
    assert profile[0]["email"] == "member@acme.test"
    messages = json.loads(archive.read("messages.json"))
    assert [m["body"] for m in messages] == [MEMBER_SAYS]
    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert b"owner@acme.test" not in everything and NOTE.encode() not in everything


def test_expired_exports_are_gone(http: httpx.Client) -> None:
    from portal.privacy import exports

    r = http.post("/api/exports", json={"scope": "me"}, headers=bearer("member@acme.test"))
    export = _ready(http, "member@acme.test", r.json()["export"]["id"])
    assert exports.expire(now=LATER) >= 1
    r = http.get(export["download"], headers=bearer("member@acme.test"))
    assert r.status_code == 410 and error_code(r) == "export_expired"
    listed = http.get("/api/exports", headers=bearer("member@acme.test")).json()["items"]
    assert listed[0]["status"] == "expired" and listed[0]["download"] is None


def test_an_export_deleted_while_it_is_built_leaves_no_archive(monkeypatch: pytest.MonkeyPatch) -> None:
    # The export's record goes (an erasure, a purge) while the task writes the archive: the task
    # ends quietly instead of failing into the queue's retries, and removes what it wrote.
    from portal.privacy import exports

    member = authn.admin_auth().get_user_by_email("member@acme.test")
    ref = db.system("acme").export("exp-0123456789abcdef")
    ref.set({"id": ref.id, "orgId": "acme", "orgName": "Acme", "scope": "me", "subjectUid": member.uid,
             "requesterUid": member.uid, "requester": {"uid": member.uid, "email": member.email},
             "includeNotes": False, "status": "queued", "fileName": "my-data.zip"})  # fmt: skip
    write = exports._write

    def write_then_forget(*args: Any) -> Any:
        counts = write(*args)
        ref.delete()
        return counts

    monkeypatch.setattr(exports, "_write", write_then_forget)
    assert exports.build("acme", ref.id) == "missing"
    assert not ref.get().exists
    assert list(db.export_parts(ref).stream()) == []

    # gone in the middle of the writing (a write to it, or to its organisation, finds nothing):
    # the same quiet end, logged as nothing worse
    from google.api_core.exceptions import NotFound

    ref.set({"id": ref.id, "orgId": "acme", "orgName": "Acme", "scope": "me", "subjectUid": member.uid,
             "requesterUid": member.uid, "requester": {"uid": member.uid, "email": member.email},
             "includeNotes": False, "status": "queued", "fileName": "my-data.zip"})  # fmt: skip

    def write_then_lose(*args: Any) -> Any:
        write(*args)
        ref.delete()
        raise NotFound("no entity to update")

    monkeypatch.setattr(exports, "_write", write_then_lose)
    errors: list[str] = []
    monkeypatch.setattr(exports.logs, "error", lambda message, **_: errors.append(message))
    assert exports.build("acme", ref.id) == "missing"
    assert not ref.get().exists and errors == []
    assert list(db.export_parts(ref).stream()) == []


# --- deletion ------------------------------------------------------------------------------------


def _auth_user(uid: str) -> Any:
    auth = authn.admin_auth()
    try:
        return auth.get_user(uid)
    except auth.UserNotFoundError:
        return None


@pytest.mark.parametrize(
    ("who", "body", "status"),
    [
        ("member@acme.test", {"scope": "me", "confirm": "someone@else.test"}, 400),
        ("member@acme.test", {"scope": "me"}, 400),
        ("member@acme.test", {"scope": "me", "confirm": "x", "more": 1}, 400),
        ("member@acme.test", {"scope": "organisation", "confirm": "Acme Corporation"}, 403),
        ("member@acme.test", {"scope": "organisation", "orgId": "acme", "confirm": "Acme Corporation"}, 403),
        ("owner@acme.test", {"scope": "organisation", "orgId": "acme", "confirm": "Acme Corporation"}, 403),
        ("owner@acme.test", {"scope": "organisation", "orgId": "globex", "confirm": "Globex"}, 404),
        ("ops@agency.test", {"scope": "organisation", "orgId": "globex", "confirm": "Globex"}, 403),
        ("ops@agency.test", {"scope": "me", "confirm": "ops@agency.test"}, 403),
        ("admin@agency.test", {"scope": "organisation", "orgId": "agency", "confirm": "Northlight Studio"}, 403),
        ("admin@agency.test", {"scope": "organisation", "orgId": "globex", "confirm": "Globe"}, 400),
        ("admin@agency.test", {"scope": "organisation", "orgId": "__main__", "confirm": "x"}, 400),
    ],
)
def test_refused_deletions_change_nothing(http: httpx.Client, who: str, body: dict[str, Any], status: int) -> None:
    r = http.post("/api/deletions", json=body, headers=bearer(who))
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"]
    assert list(db.deletions().stream()) == []
    assert all(not u.disabled for u in authn.admin_auth().list_users().iterate_all())


@pytest.mark.parametrize(("who", "status"), [("owner@acme.test", 404), ("member@globex.test", 404),
                                             ("ops@agency.test", 403)])  # fmt: skip
def test_only_admins_see_and_undo_deletions(http: httpx.Client, who: str, status: int) -> None:
    assert http.get("/api/deletions", headers=bearer(who)).status_code == status
    assert http.delete("/api/deletions/user-abc", headers=bearer(who)).status_code == status


def test_a_member_deletes_their_account_and_an_admin_undoes_it(http: httpx.Client) -> None:
    member = sign_in("member@acme.test", fresh=True)
    after_issue(member["idToken"])
    r = http.post("/api/deletions", json={"scope": "me", "confirm": "Member@Acme.test"}, headers=bearer(
        "member@acme.test"))  # fmt: skip
    assert r.status_code == 202, r.text
    deletion = r.json()["deletion"]
    purge_after = dt.datetime.fromisoformat(deletion["purgeAfter"].replace("Z", "+00:00"))
    assert dt.timedelta(days=13) < purge_after - dt.datetime.now(dt.UTC) <= dt.timedelta(days=14)
    assert http.get("/api/auth/me", headers={"Authorization": f"Bearer {member['idToken']}"}).status_code == 401
    with pytest.raises(httpx.HTTPStatusError):
        sign_in("member@acme.test", fresh=True)
    listed = http.get("/api/deletions", headers=bearer("admin@agency.test")).json()["items"]
    assert [d["id"] for d in listed] == [deletion["id"]] and listed[0]["reason"] == "self"
    assert http.delete("/api/deletions/user-nobody", headers=bearer("admin@agency.test")).status_code == 404
    r = http.delete(f"/api/deletions/{deletion['id']}", headers=bearer("admin@agency.test"))
    assert r.status_code == 200, r.text
    assert http.get("/api/auth/me", headers=bearer("member@acme.test", fresh=True)).status_code == 200
    assert list(db.deletions().stream()) == []
    events = [s.get("event") for s in db.audit_log().stream()]
    assert {"account.deletion_scheduled", "deletion.undone"} <= set(events)


def test_after_the_purge_a_former_member_keeps_the_decision_record(http: httpx.Client, story: dict[str, str]) -> None:
    from portal.privacy import deletion

    owner = sign_in("owner@acme.test")
    uid = owner["localId"]
    approval_id = story["approval"]
    decided = db.decision(db.system("acme").approval(approval_id), 1).get()
    assert decided.get("by")["uid"] == uid
    r = http.post("/api/deletions", json={"scope": "me", "confirm": "owner@acme.test"}, headers=bearer(
        "owner@acme.test"))  # fmt: skip
    assert r.status_code == 202, r.text
    assert deletion.purge_due() == {}  # the grace period is not over
    assert deletion.purge_due(now=LATER) == {f"user-{uid}": "purged"}
    assert _auth_user(uid) is None
    assert not db.system("acme").user(uid).get().exists
    staff = bearer("ops@agency.test")
    shown = http.get(f"/api/messages/{story['thread']}", headers=staff).json()
    first = next(m for m in shown["messages"] if m["body"] == DIRECTION)
    assert first["author"]["name"] == "Former member" and not first["author"].get("email")
    assert "owner@acme.test" not in json.dumps(shown)
    item = http.get(f"/api/approvals/{approval_id}", headers=staff).json()
    comment = next(c for c in item["comments"] if c["body"] == COMMENT)
    assert comment["author"]["name"] == "Former member" and not comment["author"].get("email")
    record = decided.reference.get().to_dict() or {}
    assert record["by"]["uid"] == uid and record["by"]["email"] == "owner@acme.test"
    assert record["version"] == decided.get("version") and record["action"] == decided.get("action")
    assert record["at"] == decided.get("at")
    assert "account.purged" in {s.get("event") for s in db.audit_log().stream()}


def test_an_admin_deletes_a_client_organisation_undoes_it_then_it_is_purged(http: httpx.Client) -> None:
    from portal.privacy import deletion

    owner = sign_in("owner@globex.test", fresh=True)
    after_issue(owner["idToken"])
    body = {"scope": "organisation", "orgId": "globex", "confirm": "Globex"}
    r = http.post("/api/deletions", json=body, headers=bearer("admin@agency.test"))
    assert r.status_code == 202, r.text
    assert http.post("/api/deletions", json=body, headers=bearer("admin@agency.test")).status_code == 409
    assert http.get("/api/auth/me", headers={"Authorization": f"Bearer {owner['idToken']}"}).status_code == 401
    assert db.system("globex").doc().get().get("archived") is True
    r = http.delete("/api/deletions/org-globex", headers=bearer("admin@agency.test"))
    assert r.status_code == 200, r.text
    assert http.get("/api/auth/me", headers=bearer("owner@globex.test", fresh=True)).status_code == 200
    assert db.system("globex").doc().get().get("archived") is False
    uids = [s.id for s in db.system("globex").users().stream()]
    assert http.post("/api/deletions", json=body, headers=bearer("admin@agency.test")).status_code == 202
    assert deletion.purge_due(now=LATER) == {"org-globex": "purged"}
    assert not db.system("globex").doc().get().exists
    assert list(db.system("globex").projects().limit(1).stream()) == []
    assert all(_auth_user(uid) is None for uid in uids)
    assert "globex" not in (db.clients_summary().get().to_dict() or {}).get("clients", {})
    assert db.system("acme").doc().get().exists
    assert "org.purged" in {s.get("event") for s in db.audit_log().stream()}


def test_removing_a_member_schedules_the_purge_of_their_data(http: httpx.Client) -> None:
    member = sign_in("member@acme.test")
    r = http.delete(f"/api/members/{member['localId']}", headers=bearer("owner@acme.test"))
    assert r.status_code == 200
    pending = db.deletion(f"user-{member['localId']}").get()
    assert pending.exists and pending.get("reason") == "removed"
    r = http.delete(f"/api/deletions/user-{member['localId']}", headers=bearer("admin@agency.test"))
    assert r.status_code == 200
    assert _auth_user(member["localId"]).disabled  # undoing a removal keeps the member removed


def test_notifications_live_signals_and_the_webhook_ledger_age_out() -> None:
    from portal.privacy import retention

    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    fresh = dt.datetime.now(dt.UTC)
    acme = db.system("acme")
    acme.notification("n-old").set({"uid": "u1", "createdAt": old, "title": "old"})
    acme.notification("n-new").set({"uid": "u1", "createdAt": fresh, "title": "new"})
    db.live_signal("u-old").set({"messages": {"at": old, "ref": None}})
    db.live_signal("u-new").set({"messages": {"at": old, "ref": None}, "files": {"at": fresh, "ref": None}})
    db.processed_webhook("old").set({"source": "whop", "at": old})
    db.processed_webhook("new").set({"source": "whop", "at": fresh})
    counts = retention.age_out()
    assert counts["notifications"] >= 1 and counts["liveSignals"] >= 1 and counts["webhookLedger"] >= 1
    assert not acme.notification("n-old").get().exists and acme.notification("n-new").get().exists
    assert not db.live_signal("u-old").get().exists and db.live_signal("u-new").get().exists
    assert not db.processed_webhook("old").get().exists and db.processed_webhook("new").get().exists


def test_an_archived_organisation_can_still_be_exported(http: httpx.Client) -> None:
    db.system("acme").doc().update({"archived": True})
    r = http.post("/api/exports", json={"scope": "organisation"}, headers=bearer("owner@acme.test"))
    assert r.status_code == 202, r.text
    r = http.post("/api/exports", json={"scope": "me"}, headers=bearer("member@acme.test"))
    assert r.status_code == 202, r.text
