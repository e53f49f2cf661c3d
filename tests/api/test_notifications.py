"""Notifications through the real functions: the feed per role (nobody reads another
person's, another organisation's id is a 404), read state, cursors, preferences with
their validation, and the mails (once per event, even when it is delivered twice; message
mails batched and only while unread; the daily digest at most once a day)."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest
from helpers import bearer, error_code, settle, wait_for

from portal import authn, db
from portal.approvals import events as approval_events
from portal.files import events as file_events
from portal.notifications import service

pytestmark = pytest.mark.usefixtures("world")


def uid(email: str) -> str:
    return str(authn.admin_auth().get_user_by_email(email).uid)


def notify(email: str, key: str, *, org: str = "acme", kind: str = "approval_needed", title: str = "Hello",
           body: str = "Body", actor: str | None = None) -> int:  # fmt: skip
    return service.notify(org, [uid(email)], key=key, kind=kind, title=title, body=body, link="/approvals/x",
                          actor=actor)  # fmt: skip


def feed(http: httpx.Client, who: str, **params: object) -> dict:
    r = http.get("/api/notifications", params=params, headers=bearer(who))
    assert r.status_code == 200, r.text
    return r.json()


def mine(items: list[dict], marker: str = "T:") -> list[dict]:
    """The notifications this test made (the demo data's own triggers add others)."""
    return [n for n in items if n["title"].startswith(marker)]


def test_each_person_reads_only_their_own(http: httpx.Client) -> None:
    people = [("owner@acme.test", "acme"), ("member@acme.test", "acme"), ("owner@globex.test", "globex"),
              ("ops@agency.test", "acme"), ("admin@agency.test", "globex")]  # fmt: skip
    for who, org in people:
        assert notify(who, f"k-{who.split('@')[0]}-{org}", org=org, title=f"T: for {who}") == 1
    for who, _ in people:
        got = feed(http, who, limit=100)
        assert [n["title"] for n in mine(got["items"])] == [f"T: for {who}"], who
        assert got["unread"] >= 1 and mine(got["items"])[0]["read"] is False
        assert http.get("/api/notifications/unread", headers=bearer(who)).json()["unread"] == got["unread"]
    # Staff notifications live under the agency, where no client rule reaches.
    staff = [s.to_dict() for s in db.system("agency").notifications().stream()]
    assert {n["uid"] for n in staff if n["title"].startswith("T:")} == {
        uid("ops@agency.test"),
        uid("admin@agency.test"),
    }
    assert not [
        s
        for s in db.system("acme").notifications().stream()
        if (s.to_dict() or {}).get("title") == "T: for ops@agency.test"
    ]
    assert http.get("/api/notifications").status_code == 401
    assert http.get("/api/notifications/unread").status_code == 401


def test_marking_read_only_ones_own(http: httpx.Client) -> None:
    notify("member@acme.test", "mine", title="T: mine")
    notify("owner@acme.test", "owners", title="T: owners")
    notify("owner@globex.test", "globex", org="globex", title="T: globex")

    def first(who: str) -> dict:
        return mine(feed(http, who, limit=100)["items"])[0]

    own, owners, other_org = (
        first("member@acme.test")["id"],
        first("owner@acme.test")["id"],
        first("owner@globex.test")["id"],
    )
    headers = bearer("member@acme.test")
    for foreign in (owners, other_org, "does-not-exist"):
        r = http.post(f"/api/notifications/{foreign}/read", headers=headers)
        assert r.status_code == 404 and error_code(r) == "not_found", r.text
    assert first("owner@acme.test")["read"] is False and first("owner@globex.test")["read"] is False
    r = http.post(f"/api/notifications/{other_org}/read", headers=bearer("ops@agency.test"))
    assert r.status_code == 404  # staff read only their own notifications too
    r = http.post(f"/api/notifications/{own}/read", headers=headers)
    assert r.status_code == 200 and r.json()["id"] == own and r.json()["read"] is True
    assert first("member@acme.test")["read"] is True
    assert http.post(f"/api/notifications/{own}/read").status_code == 401
    assert http.post("/api/notifications/bad%20id/read", headers=headers).status_code in (400, 404)


def test_mark_all_read_and_unread_filter(http: httpx.Client) -> None:
    for n in range(3):
        notify("member@acme.test", f"all-{n}", title=f"T: all {n}")
    notify("owner@acme.test", "untouched", title="T: untouched")
    assert len(mine(feed(http, "member@acme.test", unread="true", limit=100)["items"])) == 3
    r = http.post("/api/notifications/read", headers=bearer("member@acme.test"))
    assert r.status_code == 200 and r.json()["updated"] >= 3 and r.json()["unread"] == 0
    assert mine(feed(http, "member@acme.test", unread="true", limit=100)["items"]) == []
    assert [n["read"] for n in mine(feed(http, "owner@acme.test", limit=100)["items"])] == [False]
    assert http.post("/api/notifications/read").status_code == 401


def test_pages_newest_first_with_cursor(http: httpx.Client) -> None:
    member = uid("member@acme.test")
    for n in range(25):
        service.notify("acme", [member], key=f"page-{n:02d}", kind="file_uploaded", title=f"T: {n:02d}", body="",
                       link="/files")  # fmt: skip
    first = feed(http, "member@acme.test", limit=10)
    assert len(first["items"]) == 10 and first["next"]
    seen, cursor = list(first["items"]), first["next"]
    while cursor:
        more = feed(http, "member@acme.test", limit=10, cursor=cursor)
        seen += more["items"]
        cursor = more["next"]
    assert [n["title"] for n in mine(seen)] == [f"T: {n:02d}" for n in range(24, -1, -1)]
    assert len({n["id"] for n in seen}) == len(seen)
    for bad in ("nonsense", first["next"][:-4]):
        r = http.get("/api/notifications", params={"cursor": bad}, headers=bearer("member@acme.test"))
        assert r.status_code == 400 and error_code(r) in ("invalid_cursor", "invalid_query")
    # Another organisation's cursor names documents outside the caller's: refused.
    r = http.get("/api/notifications", params={"cursor": first["next"]}, headers=bearer("owner@globex.test"))
    assert r.status_code == 400 and error_code(r) == "invalid_cursor"
    r = http.get("/api/notifications", params={"limit": 0}, headers=bearer("member@acme.test"))
    assert r.status_code == 400


def test_preferences_per_kind(http: httpx.Client) -> None:
    r = http.get("/api/me/preferences", headers=bearer("member@acme.test"))
    assert r.status_code == 200
    kinds = {k["id"]: k for k in r.json()["kinds"]}
    assert "client_posted" not in kinds  # staff only
    assert kinds["approval_needed"]["channel"] == kinds["approval_needed"]["default"] == "email"
    staff = {k["id"] for k in http.get("/api/me/preferences", headers=bearer("ops@agency.test")).json()["kinds"]}
    assert "client_posted" in staff and "payment_overdue" not in staff
    r = http.patch("/api/me/preferences", json={"kinds": {"approval_needed": "digest", "message": "in_app"}},
                   headers=bearer("member@acme.test"))  # fmt: skip
    assert r.status_code == 200, r.text
    kinds = {k["id"]: k["channel"] for k in r.json()["kinds"]}
    assert kinds["approval_needed"] == "digest" and kinds["message"] == "in_app"
    # Only the caller's own preferences changed.
    owner = {
        k["id"]: k["channel"]
        for k in http.get("/api/me/preferences", headers=bearer("owner@acme.test")).json()["kinds"]
    }
    assert owner["approval_needed"] == "email"
    assert http.get("/api/me/preferences").status_code == 401
    assert http.patch("/api/me/preferences", json={"kinds": {}}).status_code == 401


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"kinds": {"nonsense": "email"}}, "unknown_kind"),
        ({"kinds": {"client_posted": "email"}}, "unknown_kind"),  # a kind clients never receive
        ({"kinds": {"approval_needed": "pigeon"}}, "unknown_channel"),
        ({"kinds": {"approval_needed": "email", "meeting": "fax"}}, "unknown_channel"),
        ({"kinds": "email"}, "invalid_body"),
        ({"other": 1}, "invalid_body"),
    ],
)
def test_bad_preferences_store_nothing(http: httpx.Client, body: dict, code: str) -> None:
    r = http.patch("/api/me/preferences", json=body, headers=bearer("member@acme.test"))
    assert r.status_code == 400 and error_code(r) == code, r.text
    assert not db.system("acme").preferences(uid("member@acme.test")).get().exists


def test_preferences_not_json(http: httpx.Client) -> None:
    headers = {**bearer("member@acme.test"), "Content-Type": "text/plain"}
    assert http.patch("/api/me/preferences", content=b"kinds", headers=headers).status_code == 415


def test_nobody_is_notified_of_their_own_action() -> None:
    me = uid("owner@acme.test")
    assert service.notify("acme", [me], key="self", kind="message", title="t", body="b", link="/", actor=me) == 0
    assert list(db.system("acme").notifications().where(filter=db.eq("uid", me)).stream()) == []


def test_email_carries_the_text_escaped_and_a_link(http: httpx.Client, mails) -> None:
    notify("member@acme.test", "mail-1", title="T: Review <b>“Logo”</b>", body="Please look at <script>x</script>")

    def ours(email: str) -> list[dict]:
        return [m for m in mails.to(email) if m["subject"].startswith("T:")]

    got = wait_for(lambda: ours("member@acme.test"), timeout=60)
    settle()
    assert len(ours("member@acme.test")) == 1
    mail = got[0]
    assert mail["subject"] == "T: Review <b>“Logo”</b>"
    assert "Please look at <script>x</script>" in mail["text"] and "http://127.0.0.1:5000/approvals/x" in mail["text"]
    assert "&lt;script&gt;x&lt;/script&gt;" in mail["html"] and "<script>" not in mail["html"]
    assert 'href="http://127.0.0.1:5000/approvals/x"' in mail["html"]
    # In-app only: no mail.
    http.patch("/api/me/preferences", json={"kinds": {"approval_needed": "in_app"}}, headers=bearer("owner@acme.test"))
    notify("owner@acme.test", "mail-2", title="T: in the portal only")
    settle()
    assert ours("owner@acme.test") == []


def test_a_decision_notifies_and_mails_once_even_when_delivered_twice(http: httpx.Client, mails) -> None:
    content = {"previewUrl": "https://cdn.example.com/p.png"}
    body = {"orgId": "acme", "projectId": "acme-rebrand", "contentType": "design", "title": "Poster",
            "assigneeEmails": ["member@acme.test"], "content": content}  # fmt: skip
    item = http.post("/api/approvals", json=body, headers=bearer("ops@agency.test")).json()
    r = http.post(f"/api/approvals/{item['id']}/action", json={"action": "request_revision", "comment": "Bigger <logo>",
                  "version": 1}, headers=bearer("member@acme.test"))  # fmt: skip
    assert r.status_code == 200, r.text

    def decided(email: str) -> list[dict]:
        return [m for m in mails.to(email) if "Poster" in m["subject"] and "requested changes" in m["subject"]]

    assert wait_for(lambda: decided("owner@acme.test") and decided("ops@agency.test"), timeout=90)
    # The decision, delivered again, adds nothing.
    decision = db.decision(db.system("acme").approval(item["id"]), 1).get().to_dict()
    approval_events.on_decision_created("acme", item["id"], decision)
    settle()
    assert len(decided("owner@acme.test")) == 1 and len(decided("ops@agency.test")) == 1
    assert decided("member@acme.test") == []  # the one who decided
    assert "Bigger <logo>" in decided("owner@acme.test")[0]["text"]
    notes = [n for n in feed(http, "ops@agency.test", limit=100)["items"] if "Poster" in n["title"]]
    assert len(notes) == 1 and notes[0]["body"] == "Bigger <logo>" and notes[0]["orgId"] == "acme"
    assert notes[0]["kind"] == "approval_decided"
    decided_for_member = [n for n in feed(http, "member@acme.test", limit=100)["items"]
                          if n["kind"] == "approval_decided" and "Poster" in n["title"]]  # fmt: skip
    assert decided_for_member == []
    # A client of another organisation hears nothing of it.
    assert [n for n in feed(http, "owner@globex.test")["items"] if "Poster" in n["title"]] == []


def test_message_mails_wait_and_batch_while_unread(http: httpx.Client, mails, monkeypatch) -> None:
    # Long enough that the queue's own runs (the emulator dispatches at once) find nothing due:
    # the test plays the clock forward itself.
    monkeypatch.setenv("MESSAGE_MAIL_DELAY_SECONDS", "300")
    owner = uid("owner@acme.test")
    for n, text in enumerate(["First <hi>", "Second", "Third"]):
        service.notify("acme", [owner], key=f"msg-{n}", kind="message", title=f"Ops wrote in “Launch” {n}",
                       body=text, link="/messages/t1")  # fmt: skip
    third = feed(http, "owner@acme.test")["items"][0]
    http.post(f"/api/notifications/{third['id']}/read", headers=bearer("owner@acme.test"))
    assert service.send_waiting("acme", owner) == "early"
    assert service.send_waiting("acme", owner, now=time.time() + 400) == "sent"
    assert service.send_waiting("acme", owner, now=time.time() + 400) == "none"  # a task run twice

    def batched() -> list[dict]:
        return [m for m in mails.to("owner@acme.test") if "Ops wrote" in m["text"]]

    got = wait_for(batched, timeout=60)
    settle()
    assert len(batched()) == 1
    mail = got[0]
    assert mail["subject"] == "2 new messages in the portal"
    assert "First <hi>" in mail["text"] and "Second" in mail["text"] and "Third" not in mail["text"]
    assert "First &lt;hi&gt;" in mail["html"]


def test_a_message_read_before_its_mail_is_due_is_never_mailed_nor_retried(http: httpx.Client, monkeypatch) -> None:
    monkeypatch.setenv("MESSAGE_MAIL_DELAY_SECONDS", "300")
    owner = uid("owner@acme.test")
    service.notify("acme", [owner], key="msg-read", kind="message", title="Ops wrote in “Read”", body="Seen",
                   link="/messages/t1")  # fmt: skip
    note = feed(http, "owner@acme.test")["items"][0]
    http.post(f"/api/notifications/{note['id']}/read", headers=bearer("owner@acme.test"))
    assert service.send_waiting("acme", owner) == "none"  # settled, so the queue stops retrying
    waiting = db.system("acme").notifications().where(filter=db.eq("uid", owner)).where(filter=db.eq("mail", "waiting"))
    assert list(waiting.stream()) == []


def test_daily_digest_once_a_day_and_none_when_nothing_new(mails) -> None:
    member = uid("member@acme.test")
    day = dt.date(2026, 11, 25)
    service.notify("acme", [member], key="d1", kind="file_uploaded", title="New file “brief.pdf”", body="brief.pdf",
                   link="/files")  # fmt: skip
    service.notify("acme", [member], key="d2", kind="file_uploaded", title="New file “logo.png”", body="logo.png",
                   link="/files")  # fmt: skip
    assert service.send_digests(dt.datetime(2026, 11, 25, 7, tzinfo=dt.UTC)) >= 1
    assert service.send_digest("acme", member, day) == "none"  # nothing new
    service.notify("acme", [member], key="d3", kind="file_uploaded", title="Later", body="", link="/files")
    assert service.send_digest("acme", member, day) == "already"  # at most once a day
    assert service.send_digest("acme", member, day + dt.timedelta(days=1)) == "sent"

    def digests() -> list[dict]:
        return [m for m in mails.to("member@acme.test") if "digest" in m["subject"]]

    got = wait_for(lambda: len(digests()) == 2 and digests(), timeout=60)
    first = next(m for m in got if "2026-11-25" in m["subject"])
    assert "brief.pdf" in first["text"] and "logo.png" in first["text"] and "Later" not in first["text"]
    assert "Later" in next(m for m in got if "2026-11-26" in m["subject"])["text"]
    assert service.send_digest("acme", member, day + dt.timedelta(days=2)) == "none"


def test_uploads_notify_the_other_side_once() -> None:
    owner = {"uid": uid("owner@acme.test"), "email": "owner@acme.test"}
    file = {"source": "portal", "uploadedBy": owner, "headRevisionId": "r1", "name": "brief.pdf",
            "projectId": "acme-rebrand"}  # fmt: skip
    file_events.on_file_written("acme", "f1", None, file)
    file_events.on_file_written("acme", "f1", None, file)  # delivered twice
    staff = [
        s.to_dict()
        for s in db.system("agency").notifications().stream()
        if "brief.pdf" in (s.to_dict() or {}).get("title", "")
    ]
    assert len(staff) >= 1 and len({n["uid"] for n in staff}) == len(staff)
    assert not [
        s for s in db.system("acme").notifications().stream() if "brief.pdf" in (s.to_dict() or {}).get("title", "")
    ]
    ops = {"uid": uid("ops@agency.test"), "email": "ops@agency.test"}
    file_events.on_file_written("acme", "f2", None, {**file, "uploadedBy": ops, "name": "final.pdf"})
    clients = {
        s.get("uid")
        for s in db.system("acme").notifications().stream()
        if "final.pdf" in (s.to_dict() or {}).get("title", "")
    }
    assert clients == {uid("owner@acme.test"), uid("member@acme.test")}
    assert not [s for s in db.system("agency").notifications().stream()
                if s.get("uid") == ops["uid"] and "final" in (s.to_dict() or {}).get("title", "")]  # fmt: skip
    assert file_events.on_file_written("acme", "f3", None, {**file, "source": "drive"}) == "ignored"
