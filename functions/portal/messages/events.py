"""Side effects of a new message or internal note, run by triggers, each once per message
even when the trigger is delivered twice:

- the thread's last message (``service.refresh_last_message``, compared by ``seq``);
- unread state for everyone who can see the thread but the author (``reads/{uid}``);
- in-app notifications, one per thread per person (``portal.notifications.threads``), told
  of the message as ``message`` for the people of the thread, ``mention`` for those
  ``@``-mentioned, and for staff ``client_posted`` when a client posts;
- ``live.poke`` for everyone who can see the thread;
- Slack (the agency's channel and the client's own) and an n8n ``message_posted`` event,
  through the retried delivery path.

An internal note reaches staff only: no client's notification, live signal, Slack
channel or n8n event ever carries it (the agency's own channel gets a note marked as such).
"""

from __future__ import annotations

import re
from typing import Any

from .. import config, db, live
from ..deliveries import service as deliveries
from ..identity import STAFF_ROLES
from ..notifications import threads
from . import service
from .audience import members, staff

MENTION = re.compile(r"(?<![\w.+-])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")


def mentioned(body: str, people: dict[str, dict[str, Any]]) -> set[str]:
    """Uids of ``people`` named in ``body`` as ``@email``, ``@local-part`` or ``@FirstName``
    (case does not matter)."""
    names = {m.lower().rstrip(".") for m in MENTION.findall(body)}
    if not names:
        return set()
    found = set()
    for uid, data in people.items():
        email = str(data.get("email") or "").lower()
        first = str((data.get("profile") or {}).get("firstName") or "").lower()
        if names & {email, email.split("@")[0], first} - {""}:
            found.add(uid)
    return found


def _ids(attached: Any) -> list[str]:
    """The file ids of a message's kept attachments (``{"id", "name"}``, or bare ids)."""
    return [str(a.get("id")) if isinstance(a, dict) else str(a) for a in attached or []]


def _unread_for(ref: Any, org_id: str, thread_id: str, uids: list[str], seq: int) -> None:
    """Mark the thread unread for ``uids`` who have not read up to ``seq`` (idempotent)."""
    if not uids:
        return
    reads = [db.read_state(ref, uid) for uid in uids]

    def run(tx: Any) -> None:
        snaps = {s.reference.path: s for s in tx.get_all(reads)}
        for read in reads:
            snap = snaps.get(read.path)
            data = (snap.to_dict() or {}) if snap is not None and snap.exists else {}
            if int(data.get("readSeq") or 0) < seq and not data.get("unread"):
                tx.set(read, {"uid": read.id, "orgId": org_id, "threadId": thread_id, "unread": True,
                              "readSeq": int(data.get("readSeq") or 0)}, merge=True)  # fmt: skip

    db.transact(run)


def on_message_created(
    org_id: str,
    thread_id: str,
    message_id: str,
    message: dict[str, Any],
    *,
    internal: bool = False,
    announce: bool = True,
) -> str:
    """A message (or with ``internal`` a note) was posted: its side effects, once.
    ``announce`` False (seeding) keeps the thread's own state only."""
    ref = db.system(org_id).thread(thread_id)
    snap = ref.get()
    if not snap.exists:
        return "no thread"
    thread = snap.to_dict() or {}
    author = message.get("author") or {}
    author_uid = author.get("uid")
    team = staff()
    clients = {} if internal else members(org_id)
    people = {**clients, **team}
    if not internal:
        service.refresh_last_message(ref)
        _unread_for(ref, org_id, thread_id, [u for u in people if u != author_uid], int(message.get("seq") or 0))
    if not announce:
        return "recorded"
    live.poke(list(people), "messages", thread_id)

    body = str(message.get("body") or "")
    subject = str(thread.get("subject") or "")
    name = str(author.get("name") or author.get("email") or "Someone")
    link = service.link(thread_id)
    key = f"message-{org_id}-{thread_id}-{message_id}"
    by_client = author.get("role") not in {r.value for r in STAFF_ROLES}
    participants = set(thread.get("participants") or [])
    named = mentioned(body, people) - {author_uid}
    if internal:
        regular = (participants & set(team)) - named - {author_uid}
        staff_alerted: set[str] = set()
    else:
        regular = (participants | set(clients)) - named - {author_uid}
        staff_alerted = (set(team) - named - {author_uid}) if by_client else set()
        regular -= staff_alerted
    label = "Internal note" if internal else "New message"
    text = service.excerpt(body)
    told: dict[str, threads.News] = {}
    for uids, kind, title in (
        (regular, "message", f"{label} from {name}: “{subject}”"),
        (staff_alerted, "client_posted", f"{name} ({thread.get('orgName') or org_id}) wrote in “{subject}”"),
        (named, "mention", f"{name} mentioned you in “{subject}”"),
    ):
        for uid in uids:
            told[uid] = threads.News(key=message_id, kind=kind, title=title, body=text, name=name,
                                     seq=None if internal else int(message.get("seq") or 0))  # fmt: skip
    threads.notify(org_id, thread_id, told, subject=subject, link=link)

    where = f"{thread.get('orgName') or org_id} — “{subject}”"
    url = f"{config.portal_url()}{link}"
    if internal:
        deliveries.enqueue_slack("internal_note", f":lock: Internal note by {name} on {where}: {text}\n{url}", key,
                                 org_id, to_client=False)  # fmt: skip
        return "noted"
    deliveries.enqueue_slack("message_posted", f":speech_balloon: {name} on {where}: {text}\n{url}", key, org_id,
                             to_client=True)  # fmt: skip
    event = {"event": "message_posted", "eventId": key, "orgId": org_id, "threadId": thread_id,
             "messageId": message_id, "projectId": thread.get("projectId"), "subject": subject,
             "author": {k: author.get(k) for k in ("uid", "email", "name", "role")}, "body": body,
             "attachments": _ids(message.get("attachments")), "link": url}  # fmt: skip
    deliveries.enqueue("n8n", "message_posted", event, deliveries.key_for(key, "n8n"), org_id)
    return "announced"
