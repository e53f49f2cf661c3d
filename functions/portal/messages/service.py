"""Message threads: one organisation's conversations with the agency, optionally about a project.

- ``orgs/{orgId}/threads/{id}``: subject, project, participants (who posted), the number
  of messages (``messageCount``, which numbers them), the last activity and the last
  message (kept by the trigger, ``events.py``). Everyone of the organisation and every
  staff member sees every thread of the organisation.
- ``.../messages/{id}``: a message, numbered by ``seq`` in the transaction that posts it;
  edited or deleted by its author within 15 minutes (or deleted by staff) with a visible
  trace (``editedAt``; ``deletedAt``/``deletedBy`` and no body).
- ``.../notes/{id}``: internal notes, staff only. A separate collection that the rules
  refuse to clients as a whole; a note changes nothing a client can read (not the
  thread's count, activity, last message or participants). It records after which
  message it was posted (``afterSeq``) to sit in its place among them. A file attached
  to a note becomes staff-only (``staffOnly`` on the file: the files API hides it from clients).
- ``.../reads/{uid}``: how far one person has read (``readSeq``) and whether the thread
  has news for them (``unread``, set by the trigger); readable by that person alone.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from .. import db, live
from ..errors import BadRequest, Forbidden, NotFound
from ..identity import Caller, OrgKind
from ..policy import Action, OrgRef, allowed, may_change_message

EXCERPT = 140
NOTES_PER_PAGE = 500


# --- shapes ------------------------------------------------------------------------------


def actor(caller: Caller) -> dict[str, Any]:
    """Who wrote it, as the thread keeps it: uid, email, name (from the profile) and role."""
    user = db.system(caller.org_id).user(caller.uid).get()
    profile = ((user.to_dict() or {}).get("profile") or {}) if user.exists else {}
    name = f"{profile.get('firstName', '')} {profile.get('lastName', '')}".strip()
    return {"uid": caller.uid, "email": caller.email, "name": name or caller.email, "role": caller.role.value}


def excerpt(body: str) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


def thread_json(snap: Any, read: Any = None) -> dict[str, Any]:
    data = snap.to_dict() or {}
    out = db.to_json({k: data.get(k) for k in (
        "orgId", "orgName", "projectId", "projectName", "subject", "createdBy", "createdAt", "lastActivityAt",
        "lastMessage")})  # fmt: skip
    people = data.get("participantInfo") or {}
    out["id"] = snap.id
    out["participants"] = [{"uid": uid, **people.get(uid, {})} for uid in data.get("participants") or []]
    count = int(data.get("messageCount") or 0)
    seen = int((read.to_dict() or {}).get("readSeq") or 0) if read is not None and read.exists else 0
    out["messageCount"] = count
    out["unread"] = max(0, count - seen)
    return out


def _stamp(value: Any) -> float | None:
    return value.timestamp() if isinstance(value, dt.datetime) else None


def _message_json(snap: Any, caller: Caller, org: OrgRef, attached: list[dict[str, Any]], *, internal: bool
                  ) -> dict[str, Any]:  # fmt: skip
    data = snap.to_dict() or {}
    author = data.get("author") or {}
    deleted = bool(data.get("deletedAt"))
    out = db.to_json({k: data.get(k) for k in ("threadId", "seq", "body", "createdAt", "editedAt", "deletedAt",
                                               "deletedBy")})  # fmt: skip
    out.update({"id": snap.id, "internal": internal, "author": db.to_json(author), "deleted": deleted})
    out["body"] = "" if deleted else out.get("body") or ""
    out["attachments"] = [] if deleted else attached
    posted = _stamp(data.get("createdAt"))
    uid, now = author.get("uid"), db.now()
    out["canEdit"] = not deleted and may_change_message(
        caller, org, author=uid, posted_at=posted, now=now, delete=False
    )
    out["canDelete"] = not deleted and may_change_message(caller, org, author=uid, posted_at=posted, now=now,
                                                          delete=True)  # fmt: skip
    return out


def _rendered(caller: Caller, org_id: str, snaps: list[Any]) -> list[list[dict[str, Any]]]:
    """The attachments of each message as the API shows them to ``caller``
    (``portal.files.attachments``, one batched read): for clients a file made staff-only
    since (attached to a note) shows as removed, as if deleted."""
    from ..files import attachments

    return attachments.render_many(org_id, [(s.to_dict() or {}).get("attachments") or [] for s in snaps], caller)


# --- finding things ----------------------------------------------------------------------


def _locate(caller: Caller, thread_id: str, action: Action) -> Any:
    if not thread_id or "/" in thread_id:
        raise NotFound("Thread not found.")
    return db.locate(caller, db.THREADS, thread_id, action, missing="Thread not found.")


def _org_of(ref: Any) -> OrgRef:
    return OrgRef(ref.parent.parent.id, OrgKind.CLIENT)


def _checked_attachments(
    caller: Caller, org_id: str, ids: list[str], *, project_id: str | None, internal: bool
) -> list[dict[str, Any]]:
    """What to keep of ``ids`` (``portal.files.attachments.validate_attachments``: files of
    ``org_id``, kept with the organisation or in the thread's project; another
    organisation's file is as unknown as one that never existed). A staff-only file
    (attached to a note) may only go on another note; to a client it does not exist."""
    from ..files import attachments

    return attachments.validate_attachments(caller, org_id, ids, project_id=project_id, internal=internal)


# --- threads -----------------------------------------------------------------------------


def list_threads(
    caller: Caller, *, org_id: str | None, project_id: str | None, cursor: str | None, limit: int
) -> dict[str, Any]:
    """The caller's threads, newest activity first, each with its unread count for them."""
    from google.cloud import firestore

    query, prefix = db.scoped(caller, db.THREADS, Action.MESSAGES_READ, org_id)
    if project_id:
        query = query.where(filter=db.eq("projectId", project_id))
    query = query.order_by("lastActivityAt", direction=firestore.Query.DESCENDING)
    snaps, nxt = db.page(query, prefix, cursor, limit)
    reads = db.read_all([db.read_state(s.reference, caller.uid) for s in snaps]) if snaps else []
    return {
        "items": [thread_json(s, r) for s, r in zip(snaps, reads, strict=True)],
        "nextCursor": nxt,
        "unreadThreads": unread_threads(caller, org_id),
    }


def start_thread(
    caller: Caller,
    *,
    subject: str,
    body: str,
    project_id: str | None,
    org_id: str | None,
    attachments: list[str],
) -> dict[str, Any]:
    """A new thread with its first message (staff name the client organisation)."""
    from google.cloud import firestore

    if caller.is_staff and not org_id:
        raise BadRequest("Name the client organisation of the thread (orgId).", code="client_org_required")
    grant = db.grant(caller, Action.MESSAGES_WRITE, org_id)
    if grant.org.kind != OrgKind.CLIENT:
        raise BadRequest("Threads belong to client organisations: name one.", code="client_org_required")
    project_name = None
    if project_id:
        project = grant.project(project_id).get()
        if not project.exists:
            raise NotFound("Project not found.")
        project_name = project.get("name")
    files = _checked_attachments(caller, grant.org.id, attachments, project_id=project_id, internal=False)
    org = grant.doc().get()
    who = actor(caller)
    thread_id, message_id = f"thr-{secrets.token_hex(6)}", f"m-{secrets.token_hex(8)}"
    ref = grant.thread(thread_id)
    batch = db.batch()
    batch.create(ref, {
        "id": thread_id, "orgId": grant.org.id, "orgName": (org.to_dict() or {}).get("name", "") if org.exists else "",
        "projectId": project_id or None, "projectName": project_name, "subject": subject.strip(),
        "createdBy": who, "createdAt": firestore.SERVER_TIMESTAMP, "lastActivityAt": firestore.SERVER_TIMESTAMP,
        "participants": [caller.uid], "participantInfo": {caller.uid: _info(who)}, "messageCount": 1,
        "lastMessage": None,
    })  # fmt: skip
    batch.create(db.messages(ref).document(message_id), _message_doc(thread_id, 1, who, body, files))
    batch.set(db.read_state(ref, caller.uid), _read_doc(caller.uid, grant.org.id, thread_id, 1))
    batch.commit()
    return {"thread": thread_json(ref.get(), db.read_state(ref, caller.uid).get())}


def _info(who: dict[str, Any]) -> dict[str, Any]:
    return {"name": who["name"], "email": who["email"], "role": who["role"]}


def _message_doc(thread_id: str, seq: int, who: dict[str, Any], body: str, files: list[dict[str, Any]]
                 ) -> dict[str, Any]:  # fmt: skip
    from google.cloud import firestore

    return {"threadId": thread_id, "seq": seq, "author": who, "body": body.strip(), "attachments": files,
            "createdAt": firestore.SERVER_TIMESTAMP, "editedAt": None, "deletedAt": None,
            "deletedBy": None}  # fmt: skip


def _read_doc(uid: str, org_id: str, thread_id: str, seq: int) -> dict[str, Any]:
    from google.cloud import firestore

    return {"uid": uid, "orgId": org_id, "threadId": thread_id, "readSeq": seq, "unread": False,
            "readAt": firestore.SERVER_TIMESTAMP}  # fmt: skip


def get_thread(caller: Caller, thread_id: str, *, cursor: str | None, limit: int) -> dict[str, Any]:
    """A thread and a page of its messages, from the newest backwards (shown oldest first);
    staff see the internal notes posted among them."""
    from google.cloud import firestore

    ref = _locate(caller, thread_id, Action.MESSAGES_READ)
    thread, read = db.read_all([ref, db.read_state(ref, caller.uid)])
    if thread is None or not thread.exists:
        raise NotFound("Thread not found.")
    org = _org_of(ref)
    query = db.messages(ref).order_by("seq", direction=firestore.Query.DESCENDING).order_by(
        "__name__", direction=firestore.Query.DESCENDING)  # fmt: skip
    snaps, nxt = db.page(query, f"{ref.path}/{db.MESSAGES}/", cursor, limit, key="seq")
    notes: list[Any] = []
    if allowed(caller, Action.MESSAGES_NOTE, org):
        notes = _notes_between(ref, snaps, newest_page=not cursor, oldest_page=nxt is None)
    shown = _rendered(caller, org.id, snaps + notes)
    items = [(int(s.get("seq") or 0), 0, _message_json(s, caller, org, a, internal=False))
             for s, a in zip(snaps, shown[: len(snaps)], strict=True)]  # fmt: skip
    items += [(int(n.get("afterSeq") or 0), 1, _message_json(n, caller, org, a, internal=True))
              for n, a in zip(notes, shown[len(snaps):], strict=True)]  # fmt: skip
    items.sort(key=lambda item: (item[0], item[1], item[2].get("createdAt") or ""))
    return {"thread": thread_json(thread, read), "messages": [m for *_, m in items], "nextCursor": nxt}


def _notes_between(ref: Any, page: list[Any], *, newest_page: bool, oldest_page: bool) -> list[Any]:
    """The notes that sit among the messages of ``page`` (posted after its oldest message
    and before the message after its newest)."""
    query: Any = db.notes(ref)
    if page and not oldest_page:
        query = query.where(filter=db.at_least("afterSeq", int(page[-1].get("seq") or 0)))
    if page and not newest_page:
        query = query.where(filter=db.before("afterSeq", int(page[0].get("seq") or 0) + 1))
    if not page and not newest_page:
        return []
    return list(query.order_by("afterSeq").limit(NOTES_PER_PAGE).stream())


# --- posting -----------------------------------------------------------------------------


def post(caller: Caller, thread_id: str, *, body: str, attachments: list[str], internal: bool) -> dict[str, Any]:
    """Send a message (or, staff, an internal note) on a thread."""
    from google.cloud import firestore

    ref = _locate(caller, thread_id, Action.MESSAGES_WRITE)
    org = _org_of(ref)
    if internal and not allowed(caller, Action.MESSAGES_NOTE, org):
        raise Forbidden("Internal notes are for staff.", code="notes_for_staff")
    thread = ref.get(["subject", "projectId"])
    if not thread.exists:
        raise NotFound("Thread not found.")
    files = _checked_attachments(caller, org.id, attachments, project_id=(thread.to_dict() or {}).get("projectId"),
                                 internal=internal)  # fmt: skip
    who = actor(caller)
    prefix = "n" if internal else "m"
    new = (db.notes(ref) if internal else db.messages(ref)).document(f"{prefix}-{secrets.token_hex(8)}")

    def run(tx: Any) -> None:
        data = db.read(tx, ref, "Thread not found.")
        count = int(data.get("messageCount") or 0)
        if internal:
            doc = {**_message_doc(thread_id, 0, who, body, files), "afterSeq": count}
            del doc["seq"]
            tx.create(new, doc)
            for kept in files:  # a file on a note is staff-only from now on
                tx.update(db.system(org.id).file(kept["id"]), {"staffOnly": True})
            return
        seq = count + 1
        tx.create(new, _message_doc(thread_id, seq, who, body, files))
        tx.update(ref, {"messageCount": seq, "lastActivityAt": firestore.SERVER_TIMESTAMP,
                        "participants": firestore.ArrayUnion([caller.uid]),
                        f"participantInfo.{caller.uid}": _info(who)})  # fmt: skip
        tx.set(db.read_state(ref, caller.uid), _read_doc(caller.uid, org.id, thread_id, seq))

    db.transact(run)
    snap = new.get()
    return {"message": _message_json(snap, caller, org, _rendered(caller, org.id, [snap])[0], internal=internal)}


def _item(caller: Caller, thread_id: str, message_id: str) -> tuple[Any, Any, bool]:
    """The thread, the message or note ``message_id`` and whether it is a note; a note is
    NotFound for anyone who may not see notes."""
    ref = _locate(caller, thread_id, Action.MESSAGES_READ)
    internal = message_id.startswith("n-")
    if not message_id or "/" in message_id:
        raise NotFound("Message not found.")
    if internal and not allowed(caller, Action.MESSAGES_NOTE, _org_of(ref)):
        raise NotFound("Message not found.")
    return ref, (db.notes(ref) if internal else db.messages(ref)).document(message_id), internal


def change(caller: Caller, thread_id: str, message_id: str, *, body: str | None) -> dict[str, Any]:
    """Edit (``body``) or delete (``body`` None) a message or note: the author within 15
    minutes, staff delete any. The message stays, marked edited or deleted."""
    from google.cloud import firestore

    ref, item, internal = _item(caller, thread_id, message_id)
    org = _org_of(ref)
    delete = body is None

    def run(tx: Any) -> None:
        data = db.read(tx, item, "Message not found.")
        if data.get("deletedAt"):
            raise NotFound("Message not found.")
        author = (data.get("author") or {}).get("uid")
        if not may_change_message(caller, org, author=author, posted_at=_stamp(data.get("createdAt")),
                                  now=db.now(), delete=delete):  # fmt: skip
            raise Forbidden("Only the author may change a message, within 15 minutes of posting it.",
                            code="message_locked")  # fmt: skip
        if delete:
            tx.update(item, {"deletedAt": firestore.SERVER_TIMESTAMP, "deletedBy": actor(caller), "body": "",
                             "attachments": []})  # fmt: skip
        else:
            tx.update(item, {"body": str(body).strip(), "editedAt": firestore.SERVER_TIMESTAMP})

    db.grant(caller, Action.MESSAGES_WRITE, org.id)  # an archived organisation is read-only for its people
    db.transact(run)
    snap = item.get()
    if not internal:
        refresh_last_message(ref)
    if delete:  # its words leave the feeds and the mails still waiting to go out
        from ..notifications import threads

        threads.forget_message(org.id, thread_id, message_id)
    from .audience import audience

    live.poke(audience(org.id, internal=internal), "messages", thread_id)
    return {"message": _message_json(snap, caller, org, _rendered(caller, org.id, [snap])[0], internal=internal)}


def refresh_last_message(ref: Any) -> None:
    """Make the thread's ``lastMessage`` the newest message as it stands (edited, deleted)."""
    from google.cloud import firestore

    newest = list(db.messages(ref).order_by("seq", direction=firestore.Query.DESCENDING).limit(1).stream())
    if not newest:
        return
    data = newest[0].to_dict() or {}
    author = data.get("author") or {}

    def run(tx: Any) -> None:
        current = db.read(tx, ref, "Thread not found.").get("lastMessage") or {}
        if int(current.get("seq") or 0) > int(data.get("seq") or 0):
            return
        tx.update(ref, {"lastMessage": {
            "id": newest[0].id, "seq": data.get("seq"),
            "author": {"uid": author.get("uid"), "name": author.get("name")},
            "excerpt": "" if data.get("deletedAt") else excerpt(str(data.get("body") or "")),
            "at": data.get("createdAt"), "deleted": bool(data.get("deletedAt"))}})  # fmt: skip

    db.transact(run)


# --- reading -------------------------------------------------------------------------------


def mark_read(caller: Caller, thread_id: str) -> dict[str, Any]:
    """The caller has read the thread up to its newest message; their notification about it
    is read too. One known document each (the thread, the read state, the notification, by
    id): the cost does not grow with how many notifications the caller has. A message newer
    than what was read leaves the notification unread (compared by message number)."""
    from ..notifications import threads

    ref = _locate(caller, thread_id, Action.MESSAGES_READ)
    org_id = ref.parent.parent.id
    # A person's notifications live in their own organisation.
    mine = db.system(caller.org_id).notification(threads.notification_id(org_id, thread_id, caller.uid))

    state = db.read_state(ref, caller.uid)

    def run(tx: Any) -> tuple[bool, bool]:
        snaps = {s.reference.path: s for s in tx.get_all([ref, mine, state])}
        thread, note, seen = snaps.get(ref.path), snaps.get(mine.path), snaps.get(state.path)
        if thread is None or not thread.exists:
            raise NotFound("Thread not found.")
        count = int((thread.to_dict() or {}).get("messageCount") or 0)
        before = (seen.to_dict() or {}) if seen is not None and seen.exists else {}
        # Read already up to the newest message: nothing is written and nobody is told (the
        # signal would make the reader's open thread fetch and mark it read again).
        moved = before.get("unread") is not False or int(before.get("readSeq") or 0) != count
        if moved:
            tx.set(state, _read_doc(caller.uid, org_id, thread_id, count))
        return moved, threads.read_if(tx, note, caller.uid, count)

    moved, made = db.transact(run)
    if made:
        live.poke([caller.uid], "notifications")
    if moved:
        live.poke([caller.uid], "messages", thread_id)
    return {"ok": True, "notificationsRead": int(made)}


def link(thread_id: str) -> str:
    """Where a thread is in the portal (notifications point there)."""
    return f"/messages/{thread_id}"


def unread_threads(caller: Caller, org_id: str | None = None) -> int:
    """How many threads have news for the caller: one count query over their own read
    states (one read per 1,000 counted), for a client within their organisation."""
    query: Any = db.across_orgs(db.READS).where(filter=db.eq("uid", caller.uid)).where(filter=db.eq("unread", True))
    if not caller.is_staff or org_id:
        query = query.where(filter=db.eq("orgId", org_id or caller.org_id))
    result = query.count().get()
    return int(result[0][0].value) if result else 0
