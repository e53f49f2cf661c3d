"""Personal data sources: where the portal keeps something about a person, how to hand it
to them (export) and how to take the person out of it (erase).

Each feature contributes its source with :func:`register` (or :func:`external` for a
module exposing ``export_user(uid)`` and ``erase_user(uid)``); the personal export walks
every source, and the purge of a deleted account runs every eraser. What others rely on
stays but loses the person: a message or comment keeps its words and shows "Former
member"; the decision record keeps who decided (see the retention policy in docs/security.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .. import db, logs

FORMER_MEMBER = "Former member"


@dataclass(frozen=True)
class Person:
    """Whose data: their uid, home organisation and address."""

    uid: str
    org_id: str
    email: str = ""


Exporter = Callable[[Person], Iterable[dict[str, Any]]]
Eraser = Callable[[Person], int]


@dataclass(frozen=True)
class Source:
    name: str
    export: Exporter | None = None
    erase: Eraser | None = None
    kept: str = ""
    """Why something of it is kept after the purge (empty: nothing is)."""


SOURCES: dict[str, Source] = {}


def register(name: str, *, export: Exporter | None = None, erase: Eraser | None = None, kept: str = "") -> Source:
    """Add (or replace) the source ``name``: its export is ``<name>.json`` in the archive."""
    source = Source(name, export, erase, kept)
    SOURCES[name] = source
    return source


def external(name: str, module: str) -> Source:
    """A source whose module exposes ``export_user(uid)`` (a list of records, or a mapping of
    lists of them) and ``erase_user(uid)``, imported when first used; a module not installed
    exports nothing and erases nothing."""

    def load() -> Any:
        try:
            return importlib.import_module(module)
        except ImportError:
            return None

    def export(person: Person) -> Iterable[dict[str, Any]]:
        found = load()
        result = found.export_user(person.uid) if found and hasattr(found, "export_user") else []
        if isinstance(result, dict):  # {"conversations": [...]}: the records under their keys
            result = [r for value in result.values() for r in (value if isinstance(value, list) else [value])]
        return list(result or [])

    def erase(person: Person) -> int:
        found = load()
        return int(found.erase_user(person.uid) or 0) if found and hasattr(found, "erase_user") else 0

    return register(name, export=export, erase=erase)


def export_all(person: Person) -> Iterator[tuple[str, Iterable[dict[str, Any]]]]:
    for source in SOURCES.values():
        if source.export is not None:
            yield source.name, source.export(person)


def erase_all(person: Person) -> dict[str, int]:
    """Run every eraser; one that fails is logged and the others still run (the purge runs
    again on the next schedule, and every eraser can run twice)."""
    counts: dict[str, int] = {}
    failed = []
    for source in SOURCES.values():
        if source.erase is None:
            continue
        try:
            counts[source.name] = source.erase(person)
        except Exception as exc:  # reported, retried by the next purge
            logs.error("personal data eraser failed", source=source.name, uid=person.uid, exc=exc)
            failed.append(source.name)
    if failed:
        raise RuntimeError(f"erasers failed: {', '.join(failed)}")
    return counts


# --- the portal's own sources ------------------------------------------------------------------


def _former(who: dict[str, Any] | None) -> dict[str, Any]:
    """A person's attribution with the person taken out (the role stays: client or staff)."""
    return {"uid": None, "email": None, "name": FORMER_MEMBER, "role": (who or {}).get("role")}


def _by(collection: str, field: str, person: Person) -> Any:
    return db.across_orgs(collection).where(filter=db.eq(field, person.uid))


def _row(snap: Any, *fields: str) -> dict[str, Any]:
    data = snap.to_dict() or {}
    out = {"id": snap.id, "path": snap.reference.path}
    out.update({f: db.to_json(data.get(f)) for f in fields})
    return out


def _profile(person: Person) -> Iterable[dict[str, Any]]:
    snap = db.system(person.org_id).user(person.uid).get()
    if not snap.exists:
        return []
    data = snap.to_dict() or {}
    keep = ("uid", "email", "role", "orgId", "profile", "createdAt", "lastLogin")
    return [db.to_json({k: data.get(k) for k in keep})]


def _erase_profile(person: Person) -> int:
    store = db.system(person.org_id)
    return db.write_in_batches([(store.user(person.uid), None), (store.preferences(person.uid), None)])


def _preferences(person: Person) -> Iterable[dict[str, Any]]:
    snap = db.system(person.org_id).preferences(person.uid).get()
    return [db.to_json(snap.to_dict() or {})] if snap.exists else []


def _notifications(person: Person) -> Iterable[dict[str, Any]]:
    query = db.system(person.org_id).notifications().where(filter=db.eq("uid", person.uid))
    return (_row(s, "kind", "title", "body", "link", "read", "orgId", "createdAt") for s in query.stream())


def _erase_notifications(person: Person) -> int:
    query = db.system(person.org_id).notifications().where(filter=db.eq("uid", person.uid))
    return db.delete_matching(query)


def _messages(person: Person) -> Iterable[dict[str, Any]]:
    return (_row(s, "threadId", "body", "createdAt", "editedAt", "deletedAt") for s in
            _by(db.MESSAGES, "author.uid", person).stream())  # fmt: skip


def _erase_authored(collection: str) -> Eraser:
    def erase(person: Person) -> int:
        snaps = _by(collection, "author.uid", person).stream()
        return db.write_in_batches((s.reference, {"author": _former(s.get("author"))}) for s in snaps)

    return erase


def _notes(person: Person) -> Iterable[dict[str, Any]]:
    return (_row(s, "threadId", "body", "createdAt") for s in _by(db.NOTES, "author.uid", person).stream())


def _erase_threads(person: Person) -> int:
    """The person's name leaves the threads they started or posted in."""
    updates: list[tuple[Any, dict[str, Any] | None]] = []
    for snap in db.across_orgs(db.THREADS).where(filter=db.contains("participants", person.uid)).stream():
        data = snap.to_dict() or {}
        change: dict[str, Any] = {f"participantInfo.{person.uid}": _former((data.get("participantInfo") or {})
                                                                          .get(person.uid))}  # fmt: skip
        if (data.get("createdBy") or {}).get("uid") == person.uid:
            change["createdBy"] = _former(data.get("createdBy"))
        last = data.get("lastMessage") or {}
        if (last.get("author") or {}).get("uid") == person.uid:
            change["lastMessage.author"] = {"uid": None, "name": FORMER_MEMBER}
        updates.append((snap.reference, change))
    return db.write_in_batches(updates)


def _erase_reads(person: Person) -> int:
    return db.delete_matching(_by(db.READS, "uid", person))


def _comments(person: Person) -> Iterable[dict[str, Any]]:
    return (_row(s, "version", "body", "createdAt") for s in _by(db.COMMENTS, "author.uid", person).stream())


def _decisions(person: Person) -> Iterable[dict[str, Any]]:
    return (_row(s, "approvalId", "orgId", "version", "action", "comment", "at") for s in
            _by(db.DECISIONS, "by.uid", person).stream())  # fmt: skip


def _uploaded(person: Person) -> Iterator[Any]:
    """Files the person uploaded a version of (``uploaderUids``), or owns from before it."""
    seen: set[str] = set()
    for query in (_by(db.FILES, "uploadedBy.uid", person), db.across_orgs(db.FILES).where(
            filter=db.contains("uploaderUids", person.uid))):  # fmt: skip
        for snap in query.stream():
            if snap.reference.path not in seen:
                seen.add(snap.reference.path)
                yield snap


def _uploads(person: Person) -> Iterable[dict[str, Any]]:
    for snap in _uploaded(person):
        data = snap.to_dict() or {}
        mine = [r for r, who in (data.get("revisionUploaders") or {}).items() if (who or {}).get("uid") == person.uid]
        yield {**_row(snap, "name", "mimeType", "size", "projectId", "createdAt"),
               "owner": (data.get("uploadedBy") or {}).get("uid") == person.uid, "revisions": sorted(mine)}  # fmt: skip


def _erase_uploads(person: Person) -> int:
    """The files stay (the organisation's work); the person's name leaves them."""
    from google.cloud import firestore

    former = {"uid": None, "email": None, "name": FORMER_MEMBER}
    updates: list[tuple[Any, dict[str, Any] | None]] = []
    for snap in _uploaded(person):
        data = snap.to_dict() or {}
        change: dict[str, Any] = {"uploaderUids": firestore.ArrayRemove([person.uid])}
        for field in ("uploadedBy", "revisedBy"):
            if (data.get(field) or {}).get("uid") == person.uid:
                change[field] = former
        for revision, who in (data.get("revisionUploaders") or {}).items():
            if (who or {}).get("uid") == person.uid:
                change[f"revisionUploaders.`{revision}`"] = former
        updates.append((snap.reference, change))
    return db.write_in_batches(updates)


def _audit(person: Person) -> Iterable[dict[str, Any]]:
    query = db.audit_log().where(filter=db.eq("actorUid", person.uid))
    return (_row(s, "event", "at", "orgId", "target", "details", "ip") for s in query.stream())


def _erase_live(person: Person) -> int:
    return db.write_in_batches([(db.live_signal(person.uid), None)])


def _erase_exports(person: Person) -> int:
    from .archive import erase_exports_of

    return erase_exports_of(person.uid)


register("profile", export=_profile, erase=_erase_profile)
register("preferences", export=_preferences)
register("notifications", export=_notifications, erase=_erase_notifications)
register("messages", export=_messages, erase=_erase_authored(db.MESSAGES))
register("internal-notes", export=_notes, erase=_erase_authored(db.NOTES))
register("threads", erase=_erase_threads)
register("read-states", erase=_erase_reads)
register("approval-comments", export=_comments, erase=_erase_authored(db.COMMENTS))
register("approval-decisions", export=_decisions,
         kept="who decided, the decision, the version and the time: both sides rely on the record")  # fmt: skip
register("uploads", export=_uploads, erase=_erase_uploads)
register("audit", export=_audit, kept="until the audit log's retention (AUDIT_RETENTION_DAYS) expires the entries")
register("live-signal", erase=_erase_live)
register("exports", erase=_erase_exports)
external("assistant", "portal.assistant")
