"""One notification per thread per person: what a new message in a thread becomes in
each person's feed.

Each person has at most one notification about a thread, with a deterministic id
(:func:`notification_id`, from the organisation, the thread and the person), which every
new message updates in a transaction: the latest sender and excerpt, how many messages
are new since the person last read it (``count``, "3 new messages in …"), unread again,
moved to the top of the feed (``at``). So marking the thread read touches exactly that one
document, found by its id, however many notifications the person has.

What the document keeps besides a notification's usual fields:

- ``thread``, ``seq``: the thread and the highest message number it has told of;
- ``count``: the messages new since the person last read (0 once read);
- ``items``: the newest of those not mailed yet (at most :data:`RECENT`), what the waiting
  mail lists (``service.send_waiting``);
- ``keys``: the last :data:`REMEMBERED` messages it counted, so a trigger delivered twice
  counts its message once.

A message the person has already read (their thread read state, ``reads/{uid}``, is at or
past its ``seq``) changes nothing: opening a thread while its trigger is on the way does not
leave a stale unread notification. The kind shown is the strongest of what is unread
(``mention`` over ``client_posted`` over ``message``); mails wait the kind's delay, one per
waiting period, listing what is new; the daily digest sees the document as unseen again.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from .. import db, live
from . import kinds

KINDS = ("message", "client_posted", "mention")
"""The kinds a thread's notification takes, weakest first."""
RECENT = 10
REMEMBERED = 50
ROUNDS = 6
"""Rounds of transaction attempts, with a growing random pause between them: messages landing
together in one thread contend for the same documents."""


@dataclass(frozen=True)
class News:
    """One new message (or internal note, ``seq`` None) of a thread, as one person is told of it."""

    key: str
    kind: str
    title: str
    body: str
    name: str
    seq: int | None = None


def patiently(run: Any) -> Any:
    """``db.transact(run)``, started again after a short random pause (growing) while it still
    meets contention after its attempts."""
    import random

    from google.api_core.exceptions import Aborted

    for round_ in range(ROUNDS):
        try:
            return db.transact(run)
        except (Aborted, ValueError) as exc:  # ValueError: the client gave up after its attempts
            if round_ == ROUNDS - 1 or (isinstance(exc, ValueError) and "transaction" not in str(exc)):
                raise
            time.sleep(random.uniform(0.05, 0.25) * 2**round_)
    raise AssertionError("unreachable")


def notification_id(org_id: str, thread_id: str, uid: str) -> str:
    """The id of ``uid``'s notification about the thread ``thread_id`` of ``org_id``."""
    from .service import notification_key

    return notification_key(f"thread-{org_id}-{thread_id}", uid)


def stronger(a: str, b: str) -> str:
    """The stronger of two kinds of a thread's notification."""
    rank = {k: i for i, k in enumerate(KINDS)}
    return a if rank.get(a, 0) >= rank.get(b, 0) else b


def merged(
    current: dict[str, Any] | None,
    news: News,
    *,
    uid: str,
    org_id: str,
    thread_id: str,
    subject: str,
    link: str,
    read_seq: int,
    preferences: dict[str, str],
    mailable: bool,
    now: float,
    delay: int,
) -> dict[str, Any] | None:
    """The notification ``current`` (None: none yet) once ``news`` is counted in, whole; None
    when nothing changes (the message was counted already, or the person has read it)."""
    if current is not None and news.key in (current.get("keys") or []):
        return None
    if news.seq is not None and read_seq >= news.seq:
        return None
    fresh = current is None or bool(current.get("read"))
    base = current or {}
    count = 1 if fresh else int(base.get("count") or 0) + 1
    kind = news.kind if fresh else stronger(str(base.get("kind") or news.kind), news.kind)
    channel = kinds.channel(kind, preferences)
    item = {"key": news.key, "kind": news.kind, "title": news.title, "body": news.body, "link": link, "at": now}
    earlier = [] if fresh else list(base.get("items") or [])
    items = [*earlier, item][-RECENT:]
    data: dict[str, Any] = {
        "uid": uid, "orgId": org_id, "thread": thread_id, "link": link, "kind": kind, "read": False,
        "title": news.title if count == 1 else f"{count} new messages in “{subject}”",
        "body": f"{news.name}: {news.body}" if count > 1 and news.name else news.body,
        "count": count, "seq": max(int(base.get("seq") or 0), news.seq or 0), "items": items, "bodyKey": news.key,
        "keys": [*(base.get("keys") or []), news.key][-REMEMBERED:],
        "at": now, "channel": channel, "digested": channel != "digest", "mail": "none",
    }  # fmt: skip
    if channel == "email" and mailable:
        if not fresh and base.get("mail") == "waiting":
            data.update(mail="waiting", mailAfter=base.get("mailAfter") or now + delay)
        else:
            data.update(mail="waiting", mailAfter=now + delay)
    return data


def notify(
    org_id: str,
    thread_id: str,
    told: dict[str, News],
    *,
    subject: str,
    link: str,
    now: float | None = None,
) -> int:
    """Tell each person of ``told`` (uid -> what they are told) of a new message in the thread,
    in their one notification about it. Returns how many notifications changed."""
    from google.cloud import firestore

    from . import service

    people = service._recipients(org_id, [u for u in told if u])
    if not people:
        return 0
    thread = db.system(org_id).thread(thread_id)
    refs = {p.uid: db.system(p.home).notification(notification_id(org_id, thread_id, p.uid)) for p in people}
    reads = {p.uid: db.read_state(thread, p.uid) for p in people}
    delay = service.mail_delay_seconds()
    changed: list[tuple[service.Recipient, bool]] = []

    def run(tx: Any) -> None:
        changed.clear()
        moment = time.time() if now is None else now
        snaps = {s.reference.path: s for s in tx.get_all([*refs.values(), *reads.values()])}
        for person in people:
            snap, read = snaps.get(refs[person.uid].path), snaps.get(reads[person.uid].path)
            current = (snap.to_dict() or {}) if snap is not None and snap.exists else None
            read_seq = int((read.to_dict() or {}).get("readSeq") or 0) if read is not None and read.exists else 0
            data = merged(current, told[person.uid], uid=person.uid, org_id=org_id, thread_id=thread_id,
                          subject=subject, link=link, read_seq=read_seq, preferences=person.preferences,
                          mailable=bool(person.email), now=moment, delay=delay)  # fmt: skip
            if data is None:
                continue
            tx.set(refs[person.uid], {**data, "createdAt": firestore.SERVER_TIMESTAMP})
            waited = current is not None and current.get("mail") == "waiting" and not current.get("read")
            changed.append((person, data["mail"] == "waiting" and not waited))

    patiently(run)
    for person, starts_waiting in changed:
        if starts_waiting:  # one mail per waiting period: the queue is asked once
            service.schedule_mail(person.home, person.uid)
    if changed:
        live.poke([p.uid for p, _ in changed], "notifications")
    return len(changed)


DELETED_BODY = "A message was deleted."


def forgotten(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    """A thread's notification ``data`` once the message ``key`` is deleted: its words leave
    the excerpt, the items a waiting mail lists and the count; a notification left with
    nothing new is read, its mail cancelled. None when it never told of that message."""
    items = list(data.get("items") or [])
    remaining = [i for i in items if i.get("key") != key]
    shows = data.get("bodyKey") == key
    if len(remaining) == len(items) and not shows:
        return None
    change: dict[str, Any] = {"items": remaining}
    counted = len(remaining) < len(items) or shows
    count = max(0, int(data.get("count") or 0) - (1 if counted and not data.get("read") else 0))
    change["count"] = count
    if shows:
        last = remaining[-1] if remaining else None
        change.update(body=str(last["body"]) if last else DELETED_BODY, bodyKey=last["key"] if last else None)
    if count == 1 and remaining:
        change["title"] = remaining[-1]["title"]
    elif count > 1:
        change["title"] = re.sub(r"^\d+ new messages", f"{count} new messages", str(data.get("title") or ""))
    if not data.get("read") and (count == 0 or not remaining):
        change.update(read=True, readAt=time.time())
        if data.get("mail") == "waiting":
            change["mail"] = "cancelled"
    return change


def forget_message(org_id: str, thread_id: str, message_id: str) -> int:
    """Take a deleted message out of every notification that tells of it (the organisation's
    people's and the staff's); how many changed."""
    homes = dict.fromkeys([org_id, db.agency_org_id() or org_id])
    changed: list[str] = []
    for home in homes:
        for snap in db.system(home).notifications().where(filter=db.eq("thread", thread_id)).stream():
            if (snap.to_dict() or {}).get("orgId") != org_id:
                continue

            def run(tx: Any, ref: Any = snap.reference) -> None:
                current = ref.get(transaction=tx)
                change = forgotten(current.to_dict() or {}, message_id) if current.exists else None
                if change is not None:
                    tx.update(ref, change)
                    changed.append(str((current.to_dict() or {}).get("uid") or ""))

            patiently(run)
    if changed:
        live.poke([u for u in changed if u], "notifications")
    return len(changed)


def read_if(tx: Any, snap: Any, uid: str, up_to: int) -> bool:
    """Inside ``tx``, mark ``snap`` (``uid``'s notification about a thread, read in ``tx``)
    read, unless it tells of a message past ``up_to`` (one that landed after what was read)."""
    data = (snap.to_dict() or {}) if snap is not None and snap.exists else {}
    if data.get("uid") != uid or data.get("read") or int(data.get("seq") or 0) > up_to:
        return False
    from .service import read_change

    tx.update(snap.reference, read_change(snap))
    return True


# --- notifications from before: one per message -------------------------------------------


def coalesce_legacy(org_id: str | None = None) -> dict[str, int]:
    """Fold each person's unread per-message notifications about a thread (as they were made
    before one per thread) into their one notification about it, once, so that reading the
    thread reads them: the folded ones are marked read, a mail still waiting waits on in the
    thread's notification, one already mailed is not mailed again. Every organisation, or
    ``org_id``'s people only; run again, it finds nothing (``portal notifications coalesce``)."""
    from . import service

    homes = [org_id] if org_id else [o.id for o in db.orgs().stream()]
    found = 0
    groups: dict[tuple[str, str, str, str], list[Any]] = {}
    for home in homes:
        query = db.system(home).notifications().where(filter=db.among("kind", list(KINDS)))
        for snap in query.where(filter=db.eq("read", False)).stream():
            data = snap.to_dict() or {}
            link = str(data.get("link") or "")
            if "thread" in data or not link.startswith("/messages/") or not data.get("orgId"):
                continue
            groups.setdefault((home, str(data.get("uid")), str(data["orgId"]), link.split("/")[2]), []).append(snap)
            found += 1
    delay = service.mail_delay_seconds()
    for (home, uid, about, thread_id), snaps in sorted(groups.items()):
        person = next((p for p in service._recipients(about, [uid]) if p.home == home), None)
        if person is None:
            continue
        ref = db.system(home).notification(notification_id(about, thread_id, uid))
        legacy = [s.reference for s in snaps]
        thread = db.system(about).thread(thread_id).get()
        subject = str((thread.to_dict() or {}).get("subject") or "") if thread.exists else ""

        def run(tx: Any, ref: Any = ref, legacy: list[Any] = legacy, person: Any = person,
                thread_id: str = thread_id, about: str = about, subject: str = subject) -> bool:  # fmt: skip
            got = {s.reference.path: s for s in tx.get_all([ref, *legacy])}
            snap = got.get(ref.path)
            current = (snap.to_dict() or {}) if snap is not None and snap.exists else None
            olds = sorted((got[r.path] for r in legacy if r.path in got and got[r.path].exists),
                          key=lambda s: float((s.to_dict() or {}).get("at") or 0))  # fmt: skip
            olds = [s for s in olds if not (s.to_dict() or {}).get("read")]
            if not olds:
                return False
            for old in olds:
                data = old.to_dict() or {}
                news = News(key=old.id, kind=str(data.get("kind")), title=str(data.get("title") or ""),
                            body=str(data.get("body") or ""), name="", seq=None)  # fmt: skip
                before = dict(current or {})
                made = merged(current, news, uid=person.uid, org_id=about, thread_id=thread_id,
                              subject=subject, link=str(data.get("link")), read_seq=0,
                              preferences=person.preferences, mailable=bool(person.email),
                              now=float(data.get("at") or time.time()), delay=delay)  # fmt: skip
                if made is None:
                    continue
                if data.get("mail") != "waiting":  # mailed already (or never to be): not again
                    made["items"] = made["items"][:-1]
                    waited = before.get("mail") == "waiting" and not before.get("read")
                    made["mail"] = "waiting" if waited else "none"
                    made.pop("mailAfter", None)
                    if waited:
                        made["mailAfter"] = before.get("mailAfter")
                current = made
                tx.update(old.reference, {"read": True, "readAt": time.time(), "mail": "none", "coalesced": ref.id})
            if current is not None:
                tx.set(ref, {**current, "createdAt": (current.get("createdAt") or _server_time())})
            return bool(current and current.get("mail") == "waiting")

        if patiently(run):
            service.schedule_mail(home, uid)
    return {"folded": found, "threads": len(groups)}


def _server_time() -> Any:
    from google.cloud import firestore

    return firestore.SERVER_TIMESTAMP
