"""Message threads through the real functions: who sees and writes which thread, internal
notes that clients never see, editing and deleting, unread state, bad input, and the
trigger's side effects once per message."""

from __future__ import annotations

import httpx
import pytest
from helpers import bearer, error_code, sign_in, wait_for

from portal import db
from portal.messages import events
from portal.notifications.threads import notification_id

pytestmark = pytest.mark.usefixtures("world")

OPS, ADMIN = "ops@agency.test", "admin@agency.test"
OWNER, MEMBER, GLOBEX = "owner@acme.test", "member@acme.test", "owner@globex.test"


def start(http: httpx.Client, who: str = OWNER, **overrides: object) -> dict:
    body = {"subject": "Launch timing", "body": "When do we go live?", **overrides}
    r = http.post("/api/messages", json=body, headers=bearer(who))
    assert r.status_code == 201, r.text
    return r.json()["thread"]


def send(http: httpx.Client, who: str, thread_id: str, body: str, **extra: object) -> httpx.Response:
    return http.post(f"/api/messages/{thread_id}", json={"body": body, **extra}, headers=bearer(who))


def thread(http: httpx.Client, who: str, thread_id: str, **params: object) -> httpx.Response:
    return http.get(f"/api/messages/{thread_id}", params=params, headers=bearer(who))


def ids(http: httpx.Client, who: str, **params: object) -> list[str]:
    r = http.get("/api/messages", params=params, headers=bearer(who))
    assert r.status_code == 200, r.text
    return [t["id"] for t in r.json()["items"]]


def uid(email: str) -> str:
    return str(sign_in(email)["localId"])


def counts() -> dict[str, int]:
    """Documents that a write would add: threads, messages, notes (every organisation)."""
    return {name: db.across_orgs(name).count().get()[0][0].value for name in (db.THREADS, db.MESSAGES, db.NOTES)}


def test_clients_and_staff_exchange_messages_in_their_own_organisation(http: httpx.Client) -> None:
    t = start(http, projectId="acme-rebrand")
    assert t["orgId"] == "acme" and t["projectName"] and t["messageCount"] == 1 and t["unread"] == 0
    assert send(http, OPS, t["id"], "Next Tuesday.").status_code == 201
    assert send(http, MEMBER, t["id"], "Thanks!").status_code == 201
    detail = thread(http, OWNER, t["id"]).json()
    assert [m["body"] for m in detail["messages"]] == ["When do we go live?", "Next Tuesday.", "Thanks!"]
    assert [m["seq"] for m in detail["messages"]] == [1, 2, 3]
    assert detail["thread"]["unread"] == 2
    # Everyone of the organisation and every staff member sees it; nobody else.
    for who in (OWNER, MEMBER, OPS, ADMIN):
        assert t["id"] in ids(http, who), who
    assert t["id"] not in ids(http, GLOBEX)
    assert t["id"] in ids(http, OPS, orgId="acme") and t["id"] not in ids(http, OPS, orgId="globex")
    assert ids(http, OWNER, projectId="acme-rebrand") == [t["id"]] and ids(http, OWNER, projectId="acme-site") == []
    # Another organisation's thread does not exist for a client, whatever they try.
    for r in (thread(http, GLOBEX, t["id"]), send(http, GLOBEX, t["id"], "hello?"),
              http.post(f"/api/messages/{t['id']}/read", headers=bearer(GLOBEX))):  # fmt: skip
        assert r.status_code == 404 and error_code(r) == "not_found", r.text
    assert http.get("/api/messages").status_code == 401
    assert http.get(f"/api/messages/{t['id']}").status_code == 401
    assert http.post("/api/messages", json={"subject": "x", "body": "y"}).status_code == 401


def test_newest_activity_first_and_pages(http: httpx.Client) -> None:
    first, second = start(http, subject="First"), start(http, subject="Second")
    assert ids(http, OWNER)[:2] == [second["id"], first["id"]]
    send(http, OPS, first["id"], "bump")
    assert ids(http, OWNER)[:2] == [first["id"], second["id"]]
    page = http.get("/api/messages", params={"limit": 1}, headers=bearer(OWNER)).json()
    assert len(page["items"]) == 1 and page["nextCursor"]
    rest = http.get("/api/messages", params={"limit": 1, "cursor": page["nextCursor"]}, headers=bearer(OWNER)).json()
    assert rest["items"][0]["id"] == second["id"]
    assert http.get("/api/messages", params={"cursor": "nonsense"}, headers=bearer(OWNER)).status_code == 400
    # Messages page backwards from the newest.
    for n in range(4):
        send(http, MEMBER, first["id"], f"m{n}")
    newest = thread(http, OWNER, first["id"], limit=2).json()
    assert [m["body"] for m in newest["messages"]] == ["m2", "m3"] and newest["nextCursor"]
    older = thread(http, OWNER, first["id"], limit=2, cursor=newest["nextCursor"]).json()
    assert [m["body"] for m in older["messages"]] == ["m0", "m1"] and older["nextCursor"]
    oldest = thread(http, OWNER, first["id"], limit=2, cursor=older["nextCursor"]).json()
    assert [m["body"] for m in oldest["messages"]] == ["When do we go live?", "bump"] and oldest["nextCursor"] is None


def test_staff_name_the_organisation(http: httpx.Client) -> None:
    r = http.post("/api/messages", json={"subject": "Hi", "body": "x"}, headers=bearer(OPS))
    assert r.status_code == 400 and error_code(r) == "client_org_required"
    r = http.post("/api/messages", json={"subject": "Hi", "body": "x", "orgId": "agency"}, headers=bearer(OPS))
    assert r.status_code in (400, 403)
    t = start(http, OPS, orgId="globex")
    assert t["orgId"] == "globex" and t["id"] in ids(http, GLOBEX) and t["id"] not in ids(http, OWNER)
    # A client naming another organisation gets nothing.
    r = http.post("/api/messages", json={"subject": "Hi", "body": "x", "orgId": "globex"}, headers=bearer(OWNER))
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"body": ""}, 400, "invalid_body"),
        ({"body": "   "}, 400, "invalid_body"),
        ({"body": "x" * 10_001}, 400, "invalid_body"),
        ({"body": "ok", "attachments": ["no-such-file"]}, 400, "unknown_attachment"),
        ({"body": "ok", "extra": 1}, 400, "invalid_body"),
        ({"body": "ok", "internal": True}, 403, "notes_for_staff"),
    ],
)
def test_bad_messages_write_nothing(http: httpx.Client, body: dict, status: int, code: str) -> None:
    t = start(http)
    before = counts()
    r = http.post(f"/api/messages/{t['id']}", json=body, headers=bearer(OWNER))
    assert r.status_code == status and r.json()["error"]["code"] == code, r.text
    assert counts() == before


def test_bad_threads_write_nothing(http: httpx.Client) -> None:
    start(http)
    before = counts()
    cases = [
        (OWNER, "/api/messages/thr-unknown", {"body": "hello"}, 404),
        (OWNER, "/api/messages", {"subject": "", "body": "x"}, 400),
        (OWNER, "/api/messages", {"subject": "x", "body": ""}, 400),
        (OWNER, "/api/messages", {"subject": "x", "body": "y" * 10_001}, 400),
        (OWNER, "/api/messages", {"subject": "x", "body": "y", "projectId": "globex-social"}, 404),
        (OWNER, "/api/messages", {"subject": "x", "body": "y", "attachments": ["../etc"]}, 400),
        (OPS, "/api/messages", {"subject": "x", "body": "y", "orgId": "nope"}, 404),
    ]
    for who, path, body, status in cases:
        r = http.post(path, json=body, headers=bearer(who))
        assert r.status_code == status, (path, body, r.text)
        assert "error" in r.json()
    assert counts() == before


def test_an_attachment_of_another_organisation_is_refused(http: httpx.Client) -> None:
    db.system("globex").file("globex-file").set(
        {"orgId": "globex", "name": "secret.pdf", "mimeType": "application/pdf"}
    )
    db.system("acme").file("acme-file").set(
        {"id": "acme-file", "orgId": "acme", "name": "brief.pdf", "mimeType": "application/pdf", "hasThumbnail": False}
    )
    t = start(http)
    before = counts()
    r = send(http, OWNER, t["id"], "see attached", attachments=["globex-file"])
    assert r.status_code == 400 and error_code(r) == "unknown_attachment"
    r = send(http, OPS, t["id"], "see attached", attachments=["globex-file"])
    assert r.status_code == 400 and error_code(r) == "unknown_attachment"
    assert counts() == before
    r = send(http, OWNER, t["id"], "see attached", attachments=["acme-file"])
    assert r.status_code == 201
    (attached,) = r.json()["message"]["attachments"]
    link = "/api/files/acme-file/download"
    assert {k: attached[k] for k in ("id", "name", "removed", "inline", "downloadUrl", "viewUrl")} == {
        "id": "acme-file", "name": "brief.pdf", "removed": False, "inline": True, "downloadUrl": link,
        "viewUrl": f"{link}?inline=1"}  # fmt: skip
    # Files of another project than the thread's are refused (portal.files.attachments).
    db.system("acme").file("site-file").set({"id": "site-file", "orgId": "acme", "projectId": "acme-site",
                                              "name": "site.pdf", "mimeType": "application/pdf"})  # fmt: skip
    about = start(http, projectId="acme-rebrand")
    r = send(http, OWNER, about["id"], "wrong project", attachments=["site-file"])
    assert r.status_code == 400 and error_code(r) == "attachment_other_project"
    r = send(http, OWNER, t["id"], "twice", attachments=["acme-file", "acme-file"])
    assert r.status_code == 400 and error_code(r) == "duplicate_attachment"
    # A file deleted since shows as removed, its name kept, no links.
    db.system("acme").file("acme-file").delete()
    (shown,) = thread(http, MEMBER, t["id"]).json()["messages"][-1]["attachments"]
    assert shown["removed"] is True and shown["name"] == "brief.pdf" and shown["downloadUrl"] is None


def test_internal_notes_are_for_staff_only(http: httpx.Client) -> None:
    db.system("acme").file("note-file").set(
        {"id": "note-file", "orgId": "acme", "name": "margin.xlsx", "mimeType": "text/csv", "hasThumbnail": False}
    )
    t = start(http)
    before = http.get("/api/messages", headers=bearer(OWNER)).json()["items"][0]
    r = send(http, OPS, t["id"], "Client is price sensitive, @Ada", internal=True, attachments=["note-file"])
    assert r.status_code == 201 and r.json()["message"]["internal"] is True
    note_id = r.json()["message"]["id"]
    send(http, OPS, t["id"], "Visible reply")
    staff_view = thread(http, ADMIN, t["id"]).json()["messages"]
    assert [(m["body"], m["internal"]) for m in staff_view] == [
        ("When do we go live?", False),
        ("Client is price sensitive, @Ada", True),
        ("Visible reply", False),
    ]
    for who in (OWNER, MEMBER):
        seen = thread(http, who, t["id"]).json()
        assert [m["body"] for m in seen["messages"]] == ["When do we go live?", "Visible reply"]
        assert "price sensitive" not in str(seen)
        assert (
            http.patch(f"/api/messages/{t['id']}/{note_id}", json={"body": "x"}, headers=bearer(who)).status_code == 404
        )
        assert http.delete(f"/api/messages/{t['id']}/{note_id}", headers=bearer(who)).status_code == 404
    # The note changed nothing a client can count: the thread shows the same count and no note activity.
    after = http.get("/api/messages", headers=bearer(OWNER)).json()["items"][0]
    assert after["messageCount"] == before["messageCount"] + 1  # the visible reply only
    # Its file is staff-only now: the files API does not know it for clients.
    assert http.get("/api/files/note-file", headers=bearer(OWNER)).status_code == 404
    assert http.get("/api/files/note-file/download", headers=bearer(MEMBER)).status_code == 404
    assert "note-file" not in str(http.get("/api/files", headers=bearer(OWNER)).json())
    assert http.get("/api/files/note-file", headers=bearer(OPS)).status_code == 200
    # ... and cannot be put on a message clients see.
    r = send(http, OPS, t["id"], "here", attachments=["note-file"])
    assert r.status_code == 400 and error_code(r) == "staff_only_file"
    r = send(http, OWNER, t["id"], "here", attachments=["note-file"])  # for a client it does not exist
    assert r.status_code == 400 and error_code(r) == "unknown_attachment"
    # The trigger told staff only.
    ada = uid(ADMIN)
    assert wait_for(lambda: (db.system("agency").notifications().document(  # staff's own organisation
        notification_id("acme", t["id"], ada)).get().to_dict() or {}).get("kind") == "mention")  # fmt: skip
    owner_notes = db.system("acme").notifications().where(filter=db.eq("uid", uid(OWNER))).stream()
    assert all("price sensitive" not in (n.get("body") or "") for n in owner_notes)
    deliveries = [d.to_dict() for d in db.deliveries().stream()]
    assert all("price sensitive" not in str(d) or (d["channel"] == "slack" and d["target"] == "agency")
               for d in deliveries)  # fmt: skip


def test_edit_and_delete_leave_a_trace(http: httpx.Client) -> None:
    t = start(http)
    mine = send(http, MEMBER, t["id"], "Typo heer").json()["message"]
    assert mine["canEdit"] and mine["canDelete"]
    r = http.patch(f"/api/messages/{t['id']}/{mine['id']}", json={"body": "Typo here"}, headers=bearer(MEMBER))
    assert r.status_code == 200 and r.json()["message"]["editedAt"] and r.json()["message"]["body"] == "Typo here"
    # Not someone else's words: not another client, not staff.
    for who in (OWNER, OPS):
        r = http.patch(f"/api/messages/{t['id']}/{mine['id']}", json={"body": "changed"}, headers=bearer(who))
        assert r.status_code == 403 and error_code(r) == "message_locked"
    assert http.delete(f"/api/messages/{t['id']}/{mine['id']}", headers=bearer(OWNER)).status_code == 403
    r = http.patch(f"/api/messages/{t['id']}/{mine['id']}", json={"body": ""}, headers=bearer(MEMBER))
    assert r.status_code == 400
    r = http.delete(f"/api/messages/{t['id']}/{mine['id']}", headers=bearer(MEMBER))
    assert r.status_code == 200 and r.json()["message"]["deleted"] and r.json()["message"]["body"] == ""
    shown = thread(http, OWNER, t["id"]).json()["messages"]
    assert shown[-1]["deleted"] and shown[-1]["body"] == "" and shown[-1]["deletedBy"]["email"] == MEMBER
    assert http.delete(f"/api/messages/{t['id']}/{mine['id']}", headers=bearer(MEMBER)).status_code == 404
    # After 15 minutes the author is locked out; staff still moderate.
    old = send(http, OWNER, t["id"], "Old news").json()["message"]
    ref = db.messages(db.system("acme").thread(t["id"])).document(old["id"])
    import datetime as dt

    ref.update({"createdAt": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)})
    r = http.patch(f"/api/messages/{t['id']}/{old['id']}", json={"body": "new"}, headers=bearer(OWNER))
    assert r.status_code == 403
    r = http.delete(f"/api/messages/{t['id']}/{old['id']}", headers=bearer(OPS))
    assert r.status_code == 200 and r.json()["message"]["deletedBy"]["email"] == OPS
    assert http.delete(f"/api/messages/{t['id']}/m-unknown", headers=bearer(OPS)).status_code == 404
    assert http.delete(f"/api/messages/{t['id']}/{old['id']}", headers=bearer(GLOBEX)).status_code == 404


def test_unread_state_and_marking_read(http: httpx.Client) -> None:
    t = start(http)
    send(http, OPS, t["id"], "Reply for you, @member")
    member = uid(MEMBER)
    listed = {i["id"]: i for i in http.get("/api/messages", headers=bearer(MEMBER)).json()["items"]}
    assert listed[t["id"]]["unread"] == 2
    # The trigger: the mention, the unread flag, the dashboard count.
    mention = db.system("acme").notifications().document(notification_id("acme", t["id"], member))
    assert wait_for(lambda: (mention.get().to_dict() or {}).get("kind") == "mention")
    assert wait_for(lambda: http.get("/api/dashboard", headers=bearer(MEMBER)).json()["unread"]["threads"] >= 1)
    r = http.post(f"/api/messages/{t['id']}/read", headers=bearer(MEMBER))
    assert r.status_code == 200 and r.json()["notificationsRead"] >= 1
    listed = {i["id"]: i for i in http.get("/api/messages", headers=bearer(MEMBER)).json()["items"]}
    assert listed[t["id"]]["unread"] == 0
    assert http.get("/api/dashboard", headers=bearer(MEMBER)).json()["unread"]["threads"] == 0
    pending = db.system("acme").notifications().where(filter=db.eq("uid", member)).where(
        filter=db.eq("link", f"/messages/{t['id']}")).where(filter=db.eq("read", False))  # fmt: skip
    assert list(pending.stream()) == []
    # Read again with nothing new: nothing is written, so nothing signals the reader (the
    # signal would make their open thread fetch and mark it read once more, without end).
    state = db.read_state(db.system("acme").thread(t["id"]), member).get()
    again = http.post(f"/api/messages/{t['id']}/read", headers=bearer(MEMBER))
    assert again.status_code == 200 and again.json()["notificationsRead"] == 0
    assert db.read_state(db.system("acme").thread(t["id"]), member).get().update_time == state.update_time
    # Staff have read state of their own.
    assert {i["id"]: i for i in http.get("/api/messages", headers=bearer(ADMIN)).json()["items"]}[t["id"]][
        "unread"
    ] == 2
    assert wait_for(lambda: http.get("/api/dashboard", headers=bearer(ADMIN)).json()["unread"]["threads"] >= 1)


def test_the_trigger_acts_once_per_message(http: httpx.Client) -> None:
    t = start(http, MEMBER)
    ref = db.system("acme").thread(t["id"])
    msg = next(iter(db.messages(ref).stream()))
    assert wait_for(lambda: (ref.get().get("lastMessage") or {}).get("id") == msg.id)
    staff_uid = uid(OPS)
    assert wait_for(lambda: (db.system("agency").notifications().document(
        notification_id("acme", t["id"], staff_uid)).get().to_dict() or {}).get("kind") == "client_posted")  # fmt: skip

    def mine() -> list[object]:  # the client's in acme, staff's in the agency: each person's own organisation
        return [n for org in ("acme", "agency") for n in db.system(org).notifications().stream()
                if n.get("link") == f"/messages/{t['id']}"]  # fmt: skip

    def made() -> tuple[int, int]:
        return len(mine()), len([d for d in db.deliveries().stream() if d.get("kind") == "message_posted"])

    first = wait_for(lambda: made()[1] >= 2 and made())  # agency Slack and n8n
    assert events.on_message_created("acme", t["id"], msg.id, msg.to_dict() or {}) == "announced"
    assert made() == first
    kinds = {n.get("kind") for n in mine()}  # type: ignore[attr-defined]
    assert kinds == {"message", "client_posted"}


def test_the_project_counts_its_threads(http: httpx.Client) -> None:
    def counted() -> int:
        r = http.get("/api/projects/acme-rebrand", headers=bearer(OWNER))
        assert r.status_code == 200, r.text
        return int(r.json()["counts"]["threads"])

    before = counted()
    start(http, projectId="acme-rebrand")
    start(http, OPS, orgId="acme", projectId="acme-rebrand", subject="Second")
    start(http, subject="Not about a project")
    assert counted() == before + 2
