"""Notifications: the in-app feed, mails and the daily digest, for clients and staff.

Where they live: a notification belongs to the person who receives it and is kept in
that person's own organisation, ``orgs/{homeOrgId}/notifications/{id}`` with a ``uid``
field: a client's under their client organisation, a staff member's under the agency's
organisation (``orgs/{agencyId}/notifications``), which no client rule ever reaches.
``orgId`` on a notification names the organisation it is *about*. ``firestore.rules``
lets a person read only documents whose ``uid`` is theirs; the API reads only the
caller's own (another person's or another organisation's id is a 404).

Ids derive from the causing event (``{key}-{uid}``), and a notification, its mail
delivery and its read state are written together, so a trigger delivered twice notifies
and mails nobody twice. Nobody is notified of their own action (``actor``).

New messages in a thread are the exception: each person has one notification per thread,
which every message updates (:mod:`.threads`), so reading a thread reads one document.

Channels come from :mod:`.kinds` and each person's preferences
(``orgs/{homeOrgId}/preferences/{uid}``): ``email`` mails at once through the delivery
outbox (``portal.deliveries``, channel ``email``), except batched kinds (messages), which
wait ``MESSAGE_MAIL_DELAY_SECONDS`` and are mailed together only if still unread
(:func:`send_waiting`, run by the ``mailer`` task queue and a sweep);
``digest`` waits for the daily digest (:func:`send_digests`). Every change of a feed
pokes the person's live signal (``portal.live``, topic ``notifications``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from dataclasses import dataclass, field
from typing import Any

from .. import config, db, live, logs
from ..errors import BadRequest, NotFound
from ..identity import Caller
from ..policy import Action
from . import kinds, mail

STAFF_ROLES = ("aj_ops", "aj_admin")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
MAIL_QUEUE = "mailer"  # a task-queue function: Cloud Tasks queue ids take no underscore


def mail_delay_seconds() -> int:
    """How long a message notification waits, unread, before it is mailed."""
    return max(0, config.env_int("MESSAGE_MAIL_DELAY_SECONDS", 300))


# --- who receives -----------------------------------------------------------------------


def _field(snap: Any, name: str) -> Any:
    """A snapshot's field, or None when the document lacks it (older documents)."""
    return (snap.to_dict() or {}).get(name)


def owners(org_id: str) -> list[str]:
    """Uids of the organisation's active client owners."""
    users = db.system(org_id).users()
    return [s.id for s in users.where(filter=db.eq("role", "client_owner")).stream() if not _field(s, "disabled")]


def members(org_id: str) -> list[str]:
    """Uids of every active person of a client organisation."""
    return [s.id for s in db.system(org_id).users().stream() if not _field(s, "disabled")]


def _active_staff() -> list[Any]:
    """The agency's active staff accounts (snapshots)."""
    agency = db.agency_org_id()
    if agency is None:
        return []
    users = db.system(agency).users().stream()
    return [s for s in users if not _field(s, "disabled") and _field(s, "role") in STAFF_ROLES]


def team(emails: list[str] | None) -> list[str]:
    """Uids of the active staff whose addresses are ``emails`` (a project's team), and no
    one else: nobody when the team is empty."""
    wanted = {str(e).lower() for e in emails or []}
    if not wanted:
        return []
    return [s.id for s in _active_staff() if str(_field(s, "email") or "").lower() in wanted]


def staff(org_id: str | None = None, project_id: str | None = None, also: list[str] | None = None) -> list[str]:
    """Staff who should hear about a client's project: the project's team and the staff
    in ``also`` (a submitter); when that is nobody, every active staff member."""
    people = _active_staff()
    if not people:
        return []
    addresses: set[str] = set()
    if org_id and project_id:
        project = db.system(org_id).project(project_id).get()
        if project.exists:
            addresses = {str(e).lower() for e in (_field(project, "teamMembers") or [])}
    chosen = [s.id for s in people if str(_field(s, "email") or "").lower() in addresses or s.id in (also or [])]
    return chosen or [s.id for s in people]


@dataclass
class Recipient:
    uid: str
    home: str
    """The organisation their account belongs to: where their notifications live."""
    email: str | None = None
    staff: bool = False
    preferences: dict[str, str] = field(default_factory=dict)


def _recipients(org_id: str, uids: list[str]) -> list[Recipient]:
    """The people ``uids`` (of ``org_id`` or staff), their home organisation, address and
    preferences. Disabled accounts, and uids that are neither people of ``org_id`` nor
    staff, are left out (a notification never lands in an organisation that is not the
    person's own)."""
    found: dict[str, Recipient] = {}
    homes = [org_id]
    agency = db.agency_org_id()
    if agency and agency != org_id:
        homes.append(agency)
    for home in homes:
        missing = [u for u in uids if u not in found]
        if not missing:
            break
        store = db.system(home)
        for uid, snap in zip(missing, db.read_all([store.user(u) for u in missing]), strict=True):
            if snap is None or not snap.exists:
                continue
            data = snap.to_dict() or {}
            if data.get("disabled"):
                found[uid] = Recipient(uid, "", None)  # left out below
                continue
            found[uid] = Recipient(uid, home, data.get("email") or None, data.get("role") in STAFF_ROLES)
    people = [p for p in (found.get(u) for u in uids) if p is not None and p.home]
    for uid in (u for u in uids if u not in found):
        logs.warning("notification for an unknown person skipped", uid=uid, orgId=org_id)
    refs = [db.system(p.home).preferences(p.uid) for p in people]
    for person, snap in zip(people, db.read_all(refs) if refs else [], strict=True):
        if snap is not None and snap.exists:
            person.preferences = dict((snap.to_dict() or {}).get("kinds") or {})
    return people


# --- making notifications ---------------------------------------------------------------


def notify(
    org_id: str,
    uids: list[str],
    *,
    key: str,
    kind: str,
    title: str,
    body: str,
    link: str,
    actor: str | None = None,
) -> int:
    """Notify each of ``uids`` (clients of ``org_id`` or staff) about something in
    ``org_id``, once per ``key`` and person, never ``actor`` (who caused it); mail it as
    each person's preferences say. Returns how many notifications were made."""
    from google.api_core.exceptions import AlreadyExists, Conflict
    from google.cloud import firestore

    from ..deliveries import service as deliveries

    wanted = [u for u in dict.fromkeys(uids) if u and u != actor]
    if not wanted:
        return 0
    batched = bool((found := kinds.kind(kind)) and found.batched)
    made: list[Recipient] = []
    for person in _recipients(org_id, wanted):
        channel = kinds.channel(kind, person.preferences)
        notification_id = notification_key(key, person.uid)
        data: dict[str, Any] = {
            "uid": person.uid, "orgId": org_id, "kind": kind, "title": title, "body": body, "link": link,
            "read": False, "createdAt": firestore.SERVER_TIMESTAMP, "at": time.time(), "channel": channel,
            "mail": "none", "digested": channel != "digest",
        }  # fmt: skip
        batch = db.batch()
        if channel == "email" and person.email:
            if batched:
                data.update(mail="waiting", mailAfter=time.time() + mail_delay_seconds())
            else:
                data["mail"] = "sent"
                message = {"to": person.email, **mail.compose([data])}
                deliveries.enqueue_in(batch, "email", kind, message, deliveries.key_for(notification_id, "email"),
                                      org_id, target="person")  # fmt: skip
        batch.create(db.system(person.home).notification(notification_id), data)
        try:
            batch.commit()
        except (AlreadyExists, Conflict):
            continue
        made.append(person)
        if data["mail"] == "waiting":
            schedule_mail(person.home, person.uid)
    if made:
        live.poke([p.uid for p in made], "notifications")
    return len(made)


def read_change(snap: Any) -> dict[str, Any]:
    """What marking a notification read writes: read, nothing new, its waiting mail cancelled."""
    change: dict[str, Any] = {"read": True, "readAt": time.time()}
    data = snap.to_dict() or {}
    if data.get("mail") == "waiting":
        change["mail"] = "cancelled"
    if "thread" in data:
        change.update(count=0, items=[])
    return change


def notification_key(key: str, uid: str) -> str:
    """The id of ``uid``'s notification for the event ``key`` (a URL-safe id, hashed when
    the key would not make one)."""
    plain = f"{key}-{uid}"
    return plain if _ID.match(plain) else "n-" + hashlib.sha256(plain.encode()).hexdigest()[:40]


def schedule_mail(home: str, uid: str) -> None:
    """Ask the ``mailer`` queue to mail ``uid``'s waiting messages after the delay.
    Without the queue, the scheduled sweep (:func:`sweep_waiting`) mails them."""
    from firebase_admin import functions

    from .. import authn

    try:
        queue = functions.task_queue(MAIL_QUEUE, app=authn.admin_app())
        options = functions.TaskOptions(schedule_delay_seconds=mail_delay_seconds())
        queue.enqueue({"data": {"home": home, "uid": uid}}, options)
    except Exception as exc:
        logs.warning("mail queue unavailable, the sweep will mail", error=repr(exc), uid=uid)


def _address(home: str, uid: str) -> str | None:
    snap = db.system(home).user(uid).get()
    if not snap.exists or _field(snap, "disabled"):
        return None
    return _field(snap, "email") or None


def send_waiting(home: str, uid: str, *, now: float | None = None) -> str:
    """Mail ``uid`` their message notifications still unread after the delay, all in one
    mail, once. ``"sent"``; ``"early"`` when some wait unread but none is due yet (the queue
    tries again); ``"none"`` when nothing waits. Those read meanwhile are settled, unmailed."""
    from ..deliveries import service as deliveries

    moment = time.time() if now is None else now
    to = _address(home, uid)
    query = db.system(home).notifications().where(filter=db.eq("uid", uid)).where(filter=db.eq("mail", "waiting"))

    # Found without a transaction: a transaction's query would lock every notification of the
    # person while it runs, and their own "mark read" would wait on it. Only the ones to mail
    # are read again, by reference, inside the transaction.
    waiting = list(query.stream())
    settled = [s for s in waiting if _field(s, "read")]  # read before the mail was due: nothing to mail
    if settled:
        batch = db.batch()
        for snap in settled:
            batch.update(snap.reference, {"mail": "none"})
        batch.commit()
    unread = [s for s in waiting if not _field(s, "read")]
    candidates = [s.reference for s in unread if float(_field(s, "mailAfter") or 0) <= moment]
    if not candidates:
        return "early" if unread else "none"

    def run(tx: Any) -> str:
        fresh = [s for s in db.client().get_all(candidates, transaction=tx) if s.exists]
        due = [s for s in fresh if _field(s, "mail") == "waiting" and not _field(s, "read")]
        if not due:
            return "none"
        due.sort(key=lambda s: float(_field(s, "at") or 0))
        if to:
            items = [item for s in due for item in _mailed_items(s)]
            heading = None if len(items) == 1 else f"{len(items)} new messages in the portal"
            message = {"to": to, **mail.compose(items, heading=heading)}
            key = deliveries.key_for("messages", uid, *[_mail_key(s) for s in due])
            orgs = [str(_field(s, "orgId")) for s in due]
            deliveries.enqueue_in(tx, "email", "message", message, key, orgs[0], target="person")
        for snap in due:
            change: dict[str, Any] = {"mail": "sent" if to else "none"}
            if "thread" in (snap.to_dict() or {}):
                change["items"] = []  # mailed: the next mail lists only what is new after it
            tx.update(snap.reference, change)
        return "sent"

    from google.api_core.exceptions import AlreadyExists

    try:
        return db.transact(run)
    except AlreadyExists:  # another run mailed the same ones at the same moment
        return "duplicate"


def _mailed_items(snap: Any) -> list[dict[str, Any]]:
    """What a waiting notification's mail lists: a thread's notification its new messages
    (``threads``), any other the notification itself."""
    data = snap.to_dict() or {}
    items = data.get("items") if "thread" in data else None
    return [{**data, **item} for item in items] if items else [data]


def _mail_key(snap: Any) -> str:
    """A waiting notification in a mail's delivery key: a thread's with its newest message
    (each waiting period of a thread mails once), any other by its id."""
    keys = _field(snap, "keys") or []
    return f"{snap.id}@{keys[-1]}" if keys else str(snap.id)


def sweep_waiting(*, now: float | None = None) -> int:
    """Mail everyone whose message notifications are due (the queue's safety net)."""
    moment = time.time() if now is None else now
    query = db.across_orgs(db.NOTIFICATIONS).where(filter=db.eq("mail", "waiting"))
    people = {(s.reference.parent.parent.id, str(_field(s, "uid"))) for s in query.stream()
              if float(_field(s, "mailAfter") or 0) <= moment}  # fmt: skip
    return sum(send_waiting(home, uid, now=moment) == "sent" for home, uid in sorted(people))


def send_digest(home: str, uid: str, day: dt.date) -> str:
    """The digest of ``day`` for ``uid``: their unseen digest notifications in one mail,
    at most once per day (the delivery's key is the person and the day); ``"none"`` when
    nothing is new."""
    from google.api_core.exceptions import AlreadyExists

    from ..deliveries import service as deliveries

    to = _address(home, uid)
    query = db.system(home).notifications().where(filter=db.eq("uid", uid)).where(filter=db.eq("digested", False))

    def run(tx: Any) -> str:
        pending = [s for s in query.stream(transaction=tx) if _field(s, "channel") == "digest"]
        unseen = sorted((s for s in pending if not _field(s, "read")), key=lambda s: float(_field(s, "at") or 0))
        if unseen and to:
            items = [s.to_dict() or {} for s in unseen]
            message = {"to": to, **mail.compose(items, heading=f"Your portal digest for {day.isoformat()}")}
            deliveries.enqueue_in(tx, "email", "digest", message, deliveries.key_for("digest", uid, day.isoformat()),
                                  None, target="person")  # fmt: skip
        for snap in pending:
            tx.update(snap.reference, {"digested": True})
        return "sent" if unseen and to else "none"

    try:
        return db.transact(run)
    except AlreadyExists:
        return "already"


def send_digests(now: dt.datetime | None = None) -> int:
    """The daily digest for everyone with something new on a digest channel."""
    day = (now or dt.datetime.now(dt.UTC)).date()
    query = db.across_orgs(db.NOTIFICATIONS).where(filter=db.eq("digested", False))
    people = {
        (s.reference.parent.parent.id, str(_field(s, "uid")))
        for s in query.stream()
        if _field(s, "channel") == "digest"
    }
    return sum(send_digest(home, uid, day) == "sent" for home, uid in sorted(people))


# --- the feed ---------------------------------------------------------------------------


def _mine(caller: Caller) -> db.Grant:
    """The caller's own organisation, where their notifications live."""
    return db.grant(caller, Action.NOTIFICATIONS_OWN, caller.org_id)


def notification_json(snap: Any) -> dict[str, Any]:
    data = db.to_json(snap.to_dict() or {})
    found = kinds.kind(str(data.get("kind")))
    return {
        "id": snap.id, "kind": data.get("kind"), "label": found.label if found else "Notification",
        "title": data.get("title", ""), "body": data.get("body", ""), "link": data.get("link", "/"),
        "read": bool(data.get("read")), "orgId": data.get("orgId"), "createdAt": data.get("createdAt"),
        "count": data.get("count"),
    }  # fmt: skip


def _unread_query(grant: db.Grant, uid: str) -> Any:
    return grant.notifications().where(filter=db.eq("uid", uid)).where(filter=db.eq("read", False))


def unread_count(caller: Caller) -> int:
    """How many of the caller's notifications are unread (one aggregation query)."""
    result = _unread_query(_mine(caller), caller.uid).count().get()
    return int(result[0][0].value)


def feed(caller: Caller, *, cursor: str | None = None, limit: int = 20, unread: bool = False) -> dict[str, Any]:
    """The caller's notifications, newest first, a page at a time, and the unread count."""
    from google.cloud import firestore

    grant = _mine(caller)
    query = grant.notifications().where(filter=db.eq("uid", caller.uid))
    if unread:
        query = query.where(filter=db.eq("read", False))
    query = query.order_by("at", direction=firestore.Query.DESCENDING).order_by(
        "__name__", direction=firestore.Query.DESCENDING)  # fmt: skip
    prefix = f"{db.ORGS}/{grant.org.id}/{db.NOTIFICATIONS}/"
    snaps, next_cursor = db.page(query, prefix, cursor, limit, key="at")
    return {"items": [notification_json(s) for s in snaps], "next": next_cursor, "unread": unread_count(caller)}


def mark_read(caller: Caller, notification_id: str) -> dict[str, Any]:
    """Mark one of the caller's notifications read (a waiting mail of it is not sent)."""
    ref = _mine(caller).notification(notification_id)

    def run(tx: Any) -> bool:
        snap = ref.get(transaction=tx)
        if not snap.exists or _field(snap, "uid") != caller.uid:
            raise NotFound("Notification not found.")
        if _field(snap, "read"):
            return False
        tx.update(ref, read_change(snap))
        return True

    if db.transact(run):
        live.poke([caller.uid], "notifications")
    return {"id": notification_id, "read": True, "unread": unread_count(caller)}


def mark_all_read(caller: Caller) -> dict[str, Any]:
    """Mark every unread notification of the caller read. Each is written only as it was
    read (a precondition on its update time): a thread's notification that a new message
    changed meanwhile is not marked read blindly, it is read again and marked in the next
    round, so no message's unread state is lost."""
    from google.api_core.exceptions import FailedPrecondition

    grant = _mine(caller)
    changed, conflicts = 0, 0
    while True:
        snaps = list(_unread_query(grant, caller.uid).limit(400).stream())
        if not snaps:
            break
        batch = db.batch()
        for snap in snaps:
            batch.update(snap.reference, read_change(snap),
                         option=db.client().write_option(last_update_time=snap.update_time))  # fmt: skip
        try:
            batch.commit()
        except FailedPrecondition:  # one changed since it was read: read them again
            conflicts += 1
            if conflicts > 5:
                raise
            continue
        changed += len(snaps)
    if changed:
        live.poke([caller.uid], "notifications")
    return {"updated": changed, "unread": 0}


# --- preferences ------------------------------------------------------------------------


def preferences(caller: Caller) -> dict[str, Any]:
    """Per kind the caller may receive: who receives it, its default and their channel."""
    snap = _mine(caller).preferences(caller.uid).get()
    chosen = dict((snap.to_dict() or {}).get("kinds") or {}) if snap.exists else {}
    return {
        "channels": list(kinds.CHANNELS),
        "kinds": [
            {"id": k.id, "label": k.label, "receives": k.receives, "default": k.default,
             "channel": kinds.channel(k.id, chosen), "batched": k.batched}
            for k in kinds.for_role(caller.is_staff)
        ],
    }  # fmt: skip


def update_preferences(caller: Caller, changes: dict[str, str]) -> dict[str, Any]:
    """Set the caller's channel for some kinds. An unknown kind (or one they never
    receive) or channel is a 400 and nothing is stored."""
    from google.cloud import firestore

    grant = _mine(caller)
    mine = {k.id for k in kinds.for_role(caller.is_staff)}
    unknown = sorted(k for k in changes if k not in mine)
    if unknown:
        raise BadRequest(f"Unknown notification kind: {', '.join(unknown)}.", code="unknown_kind",
                         details={"kinds": unknown})  # fmt: skip
    bad = sorted(k for k, v in changes.items() if v not in kinds.CHANNELS)
    if bad:
        raise BadRequest(f"The channel must be one of {', '.join(kinds.CHANNELS)}.", code="unknown_channel",
                         details={"kinds": bad})  # fmt: skip
    if changes:
        record = {"kinds": dict(changes), "uid": caller.uid, "updatedAt": firestore.SERVER_TIMESTAMP}
        grant.preferences(caller.uid).set(record, merge=True)
    return preferences(caller)
