"""One notification per thread per person, through the real functions and triggers: new
messages update it (count, latest excerpt, unread again, top of the feed), reading the
thread reads it, messages landing together are all counted, and a burst is mailed once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from helpers import bearer, settle, sign_in, wait_for

from portal import db
from portal.notifications import service, threads

pytestmark = pytest.mark.usefixtures("world")

OPS, OWNER, MEMBER = "ops@agency.test", "owner@acme.test", "member@acme.test"


def uid(email: str) -> str:
    return str(sign_in(email)["localId"])


def start(http: httpx.Client, subject: str = "Launch timing") -> str:
    r = http.post("/api/messages", json={"subject": subject, "body": "When do we go live?"}, headers=bearer(OWNER))
    assert r.status_code == 201, r.text
    return str(r.json()["thread"]["id"])


def send(http: httpx.Client, who: str, thread_id: str, body: str) -> None:
    """Post as a client does: an answer 503 "busy" (the thread was written at that moment by
    another request) is sent again after its Retry-After."""
    for _ in range(5):
        r = http.post(f"/api/messages/{thread_id}", json={"body": body}, headers=bearer(who))
        if r.status_code != 503 or '"busy"' not in r.text:
            break
        time.sleep(float(r.headers.get("Retry-After", "1")))
    assert r.status_code == 201, r.text


def mine(thread_id: str, email: str = OWNER) -> dict:
    ref = db.system("acme").notification(threads.notification_id("acme", thread_id, uid(email)))
    snap = ref.get()
    return (snap.to_dict() or {}) if snap.exists else {}


def rows(http: httpx.Client, thread_id: str, who: str = OWNER) -> list[dict]:
    r = http.get("/api/notifications", params={"limit": 100}, headers=bearer(who))
    assert r.status_code == 200, r.text
    return [n for n in r.json()["items"] if n["link"] == f"/messages/{thread_id}"]


def unread(http: httpx.Client, who: str = OWNER) -> int:
    return int(http.get("/api/notifications/unread", headers=bearer(who)).json()["unread"])


def test_messages_of_a_thread_make_one_notification_that_reading_the_thread_reads(http: httpx.Client) -> None:
    t = start(http)
    before = unread(http)
    send(http, OPS, t, "Next Tuesday.")
    send(http, OPS, t, "Or Wednesday, <b>if</b> that suits.")
    assert wait_for(lambda: mine(t).get("count") == 2)
    shown = rows(http, t)
    assert len(shown) == 1  # one row for the thread
    row = shown[0]
    assert row["count"] == 2 and not row["read"] and row["kind"] == "message"
    assert row["title"] == "2 new messages in “Launch timing”"
    assert row["body"].endswith("Or Wednesday, <b>if</b> that suits.")
    assert unread(http) == before + 1
    # Newest first: the thread's notification is on top.
    assert http.get("/api/notifications", headers=bearer(OWNER)).json()["items"][0]["id"] == row["id"]
    # Another person of the thread has their own (the owner's first message is new to them too),
    # which the owner's reading does not touch.
    assert wait_for(lambda: mine(t, MEMBER).get("count") == 3), mine(t, MEMBER)

    r = http.post(f"/api/messages/{t}/read", headers=bearer(OWNER))
    assert r.status_code == 200 and r.json()["notificationsRead"] == 1
    assert [n["read"] for n in rows(http, t)] == [True]
    assert unread(http) == before
    assert mine(t)["count"] == 0 and mine(t, MEMBER)["count"] == 3 and not mine(t, MEMBER)["read"]
    # Read again: nothing left to read.
    assert http.post(f"/api/messages/{t}/read", headers=bearer(OWNER)).json()["notificationsRead"] == 0

    send(http, OPS, t, "Confirmed: Tuesday.")
    assert wait_for(lambda: mine(t).get("read") is False)
    row = rows(http, t)
    assert len(row) == 1 and row[0]["count"] == 1 and not row[0]["read"]
    assert row[0]["title"].startswith("New message from") and row[0]["body"] == "Confirmed: Tuesday."
    assert unread(http) == before + 1
    # "Mark all read" reads it too.
    assert http.post("/api/notifications/read", headers=bearer(OWNER)).status_code == 200
    assert unread(http) == 0 and mine(t)["count"] == 0


def test_a_message_already_read_and_a_trigger_delivered_twice_count_once(http: httpx.Client) -> None:
    t = start(http)
    owner = uid(OWNER)
    send(http, OPS, t, "One")
    assert wait_for(lambda: mine(t).get("count") == 1)
    news = threads.News(key=mine(t)["keys"][-1], kind="message", title="x", body="One", name="Ops", seq=2)
    assert threads.notify("acme", t, {owner: news}, subject="Launch timing", link=f"/messages/{t}") == 0
    assert mine(t)["count"] == 1
    # Read up to message 2: a late trigger of message 2 leaves it read.
    http.post(f"/api/messages/{t}/read", headers=bearer(OWNER))
    late = threads.News(key="m-late", kind="message", title="x", body="One", name="Ops", seq=2)
    assert threads.notify("acme", t, {owner: late}, subject="Launch timing", link=f"/messages/{t}") == 0
    assert mine(t)["read"] is True


def test_messages_landing_together_are_all_counted(http: httpx.Client) -> None:
    t = start(http)
    owner = uid(OWNER)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: send(http, OPS, t, f"Parallel {n}"), range(4)))
    assert wait_for(lambda: mine(t).get("count") == 4, timeout=60)
    assert mine(t)["seq"] == 5 and len(rows(http, t)) == 1

    # The same, straight into the transaction from several writers at once (no trigger in between).
    def told(n: int) -> int:
        news = threads.News(key=f"m-burst-{n}", kind="message", title=f"Burst {n}", body=f"Burst {n}", name="Ops",
                            seq=100 + n)  # fmt: skip
        return threads.notify("acme", t, {owner: news}, subject="Launch timing", link=f"/messages/{t}")

    with ThreadPoolExecutor(6) as pool:
        assert sum(pool.map(told, range(6))) == 6
    after = mine(t)
    assert after["count"] == 10 and after["seq"] == 105 and after["read"] is False
    # Reading the thread (5 messages) while it tells of message 105: it stays unread.
    assert http.post(f"/api/messages/{t}/read", headers=bearer(OWNER)).json()["notificationsRead"] == 0
    assert mine(t)["read"] is False and unread(http) >= 1


def test_a_burst_is_mailed_once_listing_what_is_new(http: httpx.Client, mails) -> None:
    t = start(http, "Burst mail")
    owner = uid(OWNER)
    for body in ("First <hi>", "Second", "Third"):
        send(http, OPS, t, body)
    assert wait_for(lambda: mine(t).get("count") == 3, timeout=60)
    assert mine(t)["mail"] in ("waiting", "sent")
    service.send_waiting("acme", owner, now=time.time() + 400)

    def burst() -> list[dict]:
        return [m for m in mails.to(OWNER) if "Burst mail" in m["text"]]

    got = wait_for(burst, timeout=60)
    settle()  # the queue's own run finds nothing more to mail
    assert len(burst()) == 1
    assert got[0]["subject"] == "3 new messages in the portal"
    text = got[0]["text"]
    assert "First <hi>" in text and "Second" in text and "Third" in text and "First &lt;hi&gt;" in got[0]["html"]
    assert mine(t)["mail"] == "sent" and mine(t)["items"] == []
    # Still unread, a new message starts a new waiting period: its mail lists only what is new.
    send(http, OPS, t, "Fourth")
    assert wait_for(lambda: mine(t).get("count") == 4 and mine(t).get("mail") in ("waiting", "sent"))
    service.send_waiting("acme", owner, now=time.time() + 400)
    assert wait_for(lambda: len(burst()) == 2, timeout=60)
    newest = [m for m in burst() if "Fourth" in m["text"]]
    assert len(newest) == 1 and "Second" not in newest[0]["text"]


def test_per_message_notifications_from_before_fold_into_the_threads_one(http: httpx.Client) -> None:
    t = start(http, "From before")
    owner = uid(OWNER)
    before = unread(http)
    for n in (1, 2):  # as messages were notified before: one notification each
        service.notify("acme", [owner], key=f"message-acme-{t}-m-old{n}", kind="message", link=f"/messages/{t}",
                       title=f"New message from Ops: “From before” {n}", body=f"Old {n}")  # fmt: skip
    assert len(rows(http, t)) == 2 and unread(http) == before + 2
    assert threads.coalesce_legacy("acme") == {"folded": 2, "threads": 1}
    shown = rows(http, t)
    assert [(n["count"], n["read"]) for n in shown if not n["read"]] == [(2, False)]
    assert shown[0]["title"] == "2 new messages in “From before”" and unread(http) == before + 1
    assert threads.coalesce_legacy("acme") == {"folded": 0, "threads": 0}  # once
    assert http.post(f"/api/messages/{t}/read", headers=bearer(OWNER)).json()["notificationsRead"] == 1
    assert unread(http) == before


def _post(http: httpx.Client, who: str, thread_id: str, body: str) -> str:
    r = http.post(f"/api/messages/{thread_id}", json={"body": body}, headers=bearer(who))
    assert r.status_code == 201, r.text
    return str(r.json()["message"]["id"])


def test_a_deleted_message_leaves_the_feed_and_the_mail_still_waiting(http: httpx.Client, mails) -> None:
    t = start(http, "Oops thread")
    owner = uid(OWNER)
    _post(http, OPS, t, "Keep this")
    secret = _post(http, OPS, t, "Their price is tangerine-forty-two")
    assert wait_for(lambda: mine(t).get("count") == 2, timeout=60)
    assert http.delete(f"/api/messages/{t}/{secret}", headers=bearer(OPS)).status_code == 200
    assert mine(t)["count"] == 1 and "tangerine" not in str(mine(t)) and not mine(t)["read"]
    assert "tangerine" not in str(rows(http, t))
    service.send_waiting("acme", owner, now=time.time() + 400)
    got = wait_for(lambda: [m for m in mails.to(OWNER) if "Oops thread" in m["text"] or "Keep this" in m["text"]],
                   timeout=60)  # fmt: skip
    assert "Keep this" in got[0]["text"] and "tangerine" not in got[0]["text"] + got[0]["html"]
    # a notification that told of nothing else is read, its mail cancelled
    t2 = start(http, "Wrong thread")
    only = _post(http, OPS, t2, "Meant for Globex: 999")
    assert wait_for(lambda: mine(t2).get("count") == 1, timeout=60)
    assert http.delete(f"/api/messages/{t2}/{only}", headers=bearer(OPS)).status_code == 200
    gone = mine(t2)
    assert gone["read"] is True and gone["mail"] != "waiting" and "999" not in str(gone)
