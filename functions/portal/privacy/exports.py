"""Data exports: a person's own data, or a client organisation's.

- ``orgs/{orgId}/exports/{exportId}``: one export (who asked, what, status, where the
  archive is, when it expires). ``orgId`` is the organisation exported, or the home
  organisation of the person whose data it is. Only the person who asked downloads it.
- The archive is built by the ``exporter`` task queue (:func:`build`): a zip streamed as it
  is written into the organisation's Drive folder (``Portal exports``), or into numbered
  Firestore parts where Drive is not connected (then it holds no files: files live in Drive).
- Ready archives expire after ``EXPORT_TTL_DAYS`` (:func:`expire`, scheduled).

An organisation's archive: ``organisation.json``, projects, milestones, approvals with every
version, decision and comment, message threads (internal notes only in an archive staff
asked for), the file manifest and the files, bookings, contracts with their history, billing
history and the organisation's audit entries; JSON for everything and CSV for the tables.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import config, db, logs, policy
from ..audit import service as audit
from ..contracts.service import signed_at
from ..errors import Conflict, Gone, NotFound, PortalError
from ..identity import Caller, OrgKind, Role
from ..policy import Action
from . import retention
from .archive import Archive, DriveSink, FirestoreSink, remove_archive
from .sources import Person, export_all

QUEUE = "exporter"  # the task function (queue names take no underscores)
FOLDER = "Portal exports"
ACTIVE = ("queued", "running")
LISTED = 50


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def export_json(snap: Any) -> dict[str, Any]:
    data = snap.to_dict() or {}
    out = db.to_json({k: data.get(k) for k in (
        "orgId", "orgName", "scope", "status", "createdAt", "readyAt", "expiresAt", "size", "error")})  # fmt: skip
    out["id"] = snap.id
    out["fileName"] = data.get("fileName")
    out["download"] = f"/api/exports/{snap.id}/download" if data.get("status") == "ready" else None
    return out


# --- asking ------------------------------------------------------------------------------------


def start(caller: Caller, scope: str, org_id: str | None = None) -> dict[str, Any]:
    """Ask for an export: ``me`` (the caller's own data) or ``organisation`` (a client
    organisation: its owner, or staff naming it). One at a time per person and target."""
    from google.cloud import firestore

    if scope == "organisation":
        grant = db.grant(caller, Action.ORGS_EXPORT, org_id)
        if grant.org.kind != OrgKind.CLIENT:
            from ..errors import BadRequest

            raise BadRequest("Name a client organisation to export.", code="client_org_required")
        target, subject = grant.org.id, None
    else:
        grant = db.grant(caller, Action.EXPORTS_OWN)
        target, subject = caller.org_id, caller.uid
    store = db.system(target)
    busy = store.exports().where(filter=db.eq("requesterUid", caller.uid)).where(filter=db.eq("scope", scope))
    if any(s.get("status") in ACTIVE for s in busy.select(["status"]).stream()):
        raise Conflict("An export of this is already being prepared.", code="export_in_progress")
    org = store.doc().get()
    export_id = f"exp-{secrets.token_hex(8)}"
    stamp = _now().strftime("%Y%m%d-%H%M")
    name = f"{'my-data' if subject else 'organisation'}-{target}-{stamp}.zip"
    doc = {
        "id": export_id, "orgId": target, "orgName": org.get("name") if org.exists else "", "scope": scope,
        "subjectUid": subject, "requesterUid": caller.uid, "requester": {"uid": caller.uid, "email": caller.email,
        "role": caller.role.value},
        "status": "queued", "createdAt": firestore.SERVER_TIMESTAMP, "fileName": name,
    }  # fmt: skip
    ref = store.export(export_id)
    ref.create(doc)
    audit.record("export.requested", actor=caller, org_id=target, target=export_id, details={"scope": scope})
    _enqueue(target, export_id)
    return {"export": export_json(ref.get())}


def _enqueue(org_id: str, export_id: str) -> None:
    """Hand the build to the task queue; without one (no emulator, no project), build now."""
    from firebase_admin import exceptions, functions

    from .. import authn

    try:
        queue = functions.task_queue(QUEUE, app=authn.admin_app())
        queue.enqueue({"data": {"orgId": org_id, "exportId": export_id}},
                      functions.TaskOptions(task_id=f"export-{export_id}"))  # fmt: skip
    except (exceptions.AlreadyExistsError, exceptions.ConflictError):
        return
    except ValueError as exc:
        # The emulator queues a named task but answers with a name the Admin SDK cannot
        # parse (see portal.dashboard.summaries): the task is there.
        if config.is_emulated() and "resource name" in str(exc):
            return
        logs.warning("task queue unavailable, building the export now", error=repr(exc), orgId=org_id)
        build(org_id, export_id)
    except Exception as exc:  # queue unavailable: build now
        logs.warning("task queue unavailable, building the export now", error=repr(exc), orgId=org_id)
        build(org_id, export_id)


def list_mine(caller: Caller) -> dict[str, Any]:
    """The caller's exports, newest first (at most 50)."""
    db.grant(caller, Action.EXPORTS_OWN)
    snaps = list(db.across_orgs(db.EXPORTS).where(filter=db.eq("requesterUid", caller.uid)).stream())
    snaps.sort(key=lambda s: s.get("createdAt") or _now(), reverse=True)
    return {"items": [export_json(s) for s in snaps[:LISTED]]}


def _mine(caller: Caller, export_id: str) -> tuple[Any, dict[str, Any]]:
    """The caller's own export, while they still have the right it was made with (an owner
    made a member since no longer downloads the organisation's archive: NotFound)."""
    db.grant(caller, Action.EXPORTS_OWN)
    found = next(iter(db.across_orgs(db.EXPORTS).where(filter=db.eq("id", export_id)).limit(1).stream()), None)
    if found is None or found.get("requesterUid") != caller.uid:
        raise NotFound("Export not found.")
    data = found.to_dict() or {}
    if data.get("scope") == "organisation":
        try:
            db.grant(caller, Action.ORGS_EXPORT, str(data.get("orgId") or ""))
        except PortalError:
            raise NotFound("Export not found.") from None
    return found.reference, data


def open_download(caller: Caller, export_id: str, byte_range: str | None = None) -> Any:
    """Stream a ready archive to the person who asked for it (Drive: with ``Range``)."""
    from ..files import rules
    from ..files.service import RangeNotSatisfiable, _upstream, connect, content_disposition
    from ..integrations.drive import DriveError

    ref, data = _mine(caller, export_id)
    if data.get("status") == "expired":
        raise Gone("This export has expired: ask for a new one.", code="export_expired")
    if data.get("status") != "ready":
        raise Conflict("This export is not ready yet.", code="export_not_ready")
    headers = {"Content-Type": "application/zip", "X-Content-Type-Options": "nosniff",
               "Content-Disposition": content_disposition(data.get("fileName") or "export.zip", False),
               "Cache-Control": "private, no-store"}  # fmt: skip
    wanted = rules.parse_range(byte_range) if data.get("storage") == "drive" else None
    media: Any
    if data.get("storage") == "drive":
        try:
            media = connect().open_media(str(data["driveFileId"]),
                                         byte_range=rules.range_header(wanted) if wanted else None)  # fmt: skip
        except DriveError as exc:
            if exc.status == 416:
                raise RangeNotSatisfiable("The range is outside the file.") from None
            raise _upstream(exc) from None
        kept = {k.title(): v for k, v in media.headers.items() if k.lower() in ("content-length", "content-range")}
        headers.update(kept)
        headers["Accept-Ranges"] = "bytes"
    else:
        media = _Parts(ref)
        headers["Content-Length"] = str(int(data.get("size") or 0))
    audit.record(
        "export.downloaded",
        actor=caller,
        org_id=data.get("orgId"),
        target=export_id,
        once_per=f"{caller.uid}:{caller.viewer}:{export_id}",
    )  # every range, not per piece
    return ArchiveDownload(media.status, headers, media)


@dataclass
class ArchiveDownload:
    """An archive on its way to the browser: status, headers, the body in pieces."""

    status: int
    headers: dict[str, str]
    body: Any

    def iter_bytes(self) -> Iterator[bytes]:
        return iter(self.body.iter_bytes())

    def close(self) -> None:
        self.body.close()


class _Parts:
    """Firestore parts read one at a time, as a response body."""

    status = 200

    def __init__(self, ref: Any) -> None:
        self.parts = db.export_parts(ref)

    def iter_bytes(self, chunk_size: int = 0) -> Iterator[bytes]:
        last = None
        while True:
            query = self.parts.order_by("n")
            if last is not None:
                query = query.start_after({"n": last})
            snaps = list(query.limit(1).stream())
            if not snaps:
                return
            last = snaps[0].get("n")
            yield bytes(snaps[0].get("data"))

    def close(self) -> None:
        return None


# --- building ----------------------------------------------------------------------------------


def build(org_id: str, export_id: str, *, drive: Any = None) -> str:
    """The task: write the archive and mark the export ready (or failed). Running it again
    for an export already built or building changes nothing. Returns the final status."""
    from google.api_core import exceptions as google
    from google.cloud import firestore

    from .. import ids

    if not ids.valid(org_id) or not ids.valid(export_id):
        return "invalid"
    ref = db.system(org_id).export(export_id)

    def claim(tx: Any) -> dict[str, Any] | None:
        data = db.read(tx, ref, "Export not found.")
        if data.get("status") != "queued":
            return None
        tx.update(ref, {"status": "running", "startedAt": firestore.SERVER_TIMESTAMP})
        return data

    try:
        data = db.transact(claim)
    except NotFound:
        return "missing"
    if data is None:
        return "skipped"
    sink: Any = None
    try:
        sink = _sink(org_id, ref, data, drive)
        archive = Archive(sink)
        counts = _write(archive, org_id, data, sink.drive if sink.storage == "drive" else None)
        archive.close()
        stored = sink.finish()
    except Exception as exc:  # the export says it failed; the person asks again
        if sink is not None:
            with contextlib.suppress(Exception):  # best effort: expiry removes what is left
                sink.abort()
        if isinstance(exc, google.NotFound) and not ref.get().exists:
            return "missing"  # the export (or its organisation) was deleted while it was built
        logs.error("export failed", orgId=org_id, exportId=export_id, exc=exc)
        with contextlib.suppress(google.NotFound):  # the export (or its organisation) is gone meanwhile
            ref.update({"status": "failed", "error": "The archive could not be built. Ask for a new one."})
        return "failed"
    expires = _now() + dt.timedelta(days=retention.export_ttl_days())
    try:
        ref.update({**stored, "status": "ready", "readyAt": firestore.SERVER_TIMESTAMP, "expiresAt": expires,
                    "counts": counts})  # fmt: skip
    except google.NotFound:  # the export (or its organisation) was deleted while it was built
        with contextlib.suppress(Exception):  # nothing refers to the archive any more
            remove_archive(ref, stored, sink.drive if sink.storage == "drive" else None)
        return "missing"
    details = {"scope": data.get("scope"), "size": stored["size"], "storage": stored["storage"]}
    audit.record("export.ready", actor_label="exporter", org_id=org_id, target=export_id, details=details)
    _tell(org_id, export_id, data)
    return "ready"


def _tell(org_id: str, export_id: str, data: dict[str, Any]) -> None:
    from ..notifications.service import notify

    try:
        notify(org_id, [str(data.get("requesterUid"))], key=f"export-{export_id}", kind="export_ready",
               title="Your export is ready", body=f"{data.get('fileName')} can be downloaded for "
               f"{retention.export_ttl_days()} days.", link="/privacy")  # fmt: skip
    except Exception as exc:  # the export is ready whether or not the bell rings
        logs.warning("export notification failed", error=repr(exc)[:300], exportId=export_id)


def _sink(org_id: str, ref: Any, data: dict[str, Any], drive: Any) -> Any:
    from ..files import service as files

    if drive is None and not files.connected():
        return FirestoreSink(ref)
    drive = drive or files.connect()
    org = db.system(org_id)
    snap = org.doc().get()
    org_folder = files._ensure_folder(org.doc(), f"{snap.get('name') or org_id} ({org_id})", None, drive)
    folder = drive.ensure_folder(FOLDER, org_folder)
    return DriveSink(drive, folder, str(data.get("fileName") or "export.zip"))


def _write(archive: Archive, org_id: str, data: dict[str, Any], drive: Any) -> dict[str, int]:
    about = {"exportId": data.get("id"), "scope": data.get("scope"), "orgId": org_id,
             "orgName": data.get("orgName"), "requestedBy": data.get("requester"), "createdAt": data.get("createdAt"),
             "retention": retention.policy()}  # fmt: skip
    archive.document("README.json", about)
    if data.get("scope") == "organisation":
        return _write_org(archive, org_id, _requester(data, org_id), drive)
    person = Person(str(data.get("subjectUid")), org_id, str((data.get("requester") or {}).get("email") or ""))
    return {name: archive.json(f"{name}.json", rows) for name, rows in export_all(person)}


PROJECT_COLUMNS = ["id", "name", "status", "description", "startDate", "endDate", "nextDue", "createdAt", "updatedAt"]
MILESTONE_COLUMNS = ["projectId", "projectName", "id", "title", "due", "done", "doneAt"]
APPROVAL_COLUMNS = ["id", "projectId", "projectName", "title", "contentType", "status", "currentVersion", "due",
                    "submittedAt", "decidedAt"]  # fmt: skip
DECISION_COLUMNS = ["approvalId", "approvalTitle", "version", "action", "comment", "by", "at"]
MESSAGE_COLUMNS = ["threadId", "subject", "seq", "author", "createdAt", "editedAt", "deleted", "body"]
BOOKING_COLUMNS = ["id", "title", "start", "end", "status", "source", "attendees", "videoUrl"]
PAYMENT_COLUMNS = ["id", "created", "amount", "currency", "status", "receipt_url"]
CONTRACT_COLUMNS = ["id", "title", "status", "projectId", "projectName", "signedAt", "documentUrl", "occurredAt"]
FILE_COLUMNS = ["id", "path", "name", "projectId", "mimeType", "size", "md5", "createdAt", "modifiedAt"]


def _docs(query: Any) -> Iterator[dict[str, Any]]:
    for snap in query.stream():
        yield {"id": snap.id, **(snap.to_dict() or {})}


def _who(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    return str(value.get("name") or value.get("email") or "")


def _requester(data: dict[str, Any], org_id: str) -> Caller:
    """Who asked for an organisation's export, as the policy sees them: the archive holds
    what they may read through the API, no more."""
    who = data.get("requester") or {}
    role = Role(str(who.get("role") or Role.CLIENT_MEMBER.value))
    home = org_id if not role.is_staff else (db.agency_org_id() or "")
    return Caller(str(who.get("uid") or data.get("requesterUid") or ""), str(who.get("email") or ""), role, home)


def _write_org(archive: Archive, org_id: str, reader: Caller, drive: Any) -> dict[str, int]:
    from ..audit.query import entry_json

    include_notes = policy.allowed(reader, Action.MESSAGES_NOTE, policy.OrgRef(org_id, OrgKind.CLIENT))
    org = db.system(org_id)
    counts: dict[str, int] = {}
    info = org.doc().get().to_dict() or {}
    archive.document("organisation.json", {k: info.get(k) for k in ("name", "kind", "createdAt", "emailDomains",
                                                                    "archived")} | {"id": org_id})  # fmt: skip
    members = list(_docs(org.users()))
    fields = ("uid", "email", "role", "profile", "disabled")
    counts["members"] = archive.json("members.json", ({k: m.get(k) for k in fields} for m in members))
    projects = list(_docs(org.projects().order_by("name")))
    names = {p["id"]: p.get("name") for p in projects}
    counts["projects"] = archive.json("projects.json", projects)
    archive.csv("projects.csv", PROJECT_COLUMNS, projects)
    milestones = ({**m, "projectId": p["id"], "projectName": p.get("name")}
                  for p in projects for m in p.get("milestones") or [])  # fmt: skip
    archive.csv("milestones.csv", MILESTONE_COLUMNS, milestones)
    counts["approvals"] = _write_approvals(archive, org)
    counts["messages"] = _write_messages(archive, org, include_notes)
    bookings = list(_docs(org.bookings().order_by("start")))
    counts["bookings"] = archive.json("bookings.json", bookings)
    archive.csv("bookings.csv", BOOKING_COLUMNS, ({**b, "attendees": ", ".join(
        str(a.get("email") or "") for a in b.get("attendees") or [])} for b in bookings))  # fmt: skip
    contracts = sorted(_docs(org.contracts()), key=lambda c: str(c.get("occurredAt") or ""), reverse=True)
    for contract in contracts:
        contract["projectName"] = names.get(contract.get("projectId")) if contract.get("projectId") else None
        contract["signedAt"] = signed_at(contract)
    counts["contracts"] = archive.json("contracts.json", contracts)
    archive.csv("contracts.csv", CONTRACT_COLUMNS, contracts)
    billing = org.billing().get()
    payments = list(_docs(db.payments(org.billing())))
    payments.sort(key=lambda p: str(p.get("created") or ""), reverse=True)
    archive.document("billing.json", {"current": (billing.to_dict() or {}) if billing.exists else None,
                                      "payments": payments})  # fmt: skip
    counts["payments"] = archive.csv("billing-history.csv", PAYMENT_COLUMNS, payments)
    audit_entries = db.audit_log().where(filter=db.eq("orgId", org_id)).stream()
    counts["audit"] = archive.json("audit.json", (entry_json(s.id, s.to_dict() or {}, reader) for s in audit_entries))
    counts["files"] = _write_files(archive, org, names, drive, reader)
    return counts


def _write_approvals(archive: Archive, org: db.OrgStore) -> int:
    decisions: list[dict[str, Any]] = []

    def items() -> Iterator[dict[str, Any]]:
        for item in _docs(org.approvals().order_by("submittedAt")):
            ref = org.approval(item["id"])
            item["decisions"] = list(_docs(db.decisions(ref).order_by("at")))
            item["comments"] = list(_docs(db.comments(ref).order_by("createdAt")))
            title = item.get("title")
            decisions.extend({**d, "approvalId": item["id"], "approvalTitle": title, "by": _who(d.get("by"))}
                             for d in item["decisions"])  # fmt: skip
            yield item

    approvals: list[dict[str, Any]] = []

    def keep() -> Iterator[dict[str, Any]]:
        for item in items():
            approvals.append({k: item.get(k) for k in APPROVAL_COLUMNS})
            yield item

    count = archive.json("approvals.json", keep())
    archive.csv("approvals.csv", APPROVAL_COLUMNS, approvals)
    archive.csv("decisions.csv", DECISION_COLUMNS, decisions)
    return count


def _write_messages(archive: Archive, org: db.OrgStore, include_notes: bool) -> int:
    rows: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []

    def threads() -> Iterator[dict[str, Any]]:
        for thread in _docs(org.threads().order_by("createdAt")):
            ref = org.thread(thread["id"])
            thread.pop("participantInfo", None)
            thread["messages"] = list(_docs(db.messages(ref).order_by("seq")))
            for message in thread["messages"]:
                deleted = bool(message.get("deletedAt"))
                rows.append({**message, "subject": thread.get("subject"), "author": _who(message.get("author")),
                             "deleted": deleted, "body": "" if deleted else message.get("body")})  # fmt: skip
            if include_notes:
                notes.extend({**n, "threadId": thread["id"]} for n in _docs(db.notes(ref).order_by("createdAt")))
            yield thread

    count = archive.json("messages.json", threads())
    archive.csv("messages.csv", MESSAGE_COLUMNS, rows)
    if include_notes:
        archive.json("internal-notes.json", notes)
    return count


def _write_files(archive: Archive, org: db.OrgStore, projects: dict[str, Any], drive: Any, reader: Caller) -> int:
    """The manifest and, with Drive, each file's bytes streamed in pieces into ``files/``:
    the files ``reader`` may see (staff-only ones only in an archive staff asked for)."""
    manifest: list[dict[str, Any]] = []
    for item in _docs(org.files().order_by("name")):
        if not policy.may_see_file(reader, staff_only=bool(item.get("staffOnly"))):
            continue
        project = str(item.get("projectId") or "")
        folder = _safe(str(projects.get(project) or project)) if project else "Organisation"
        path = f"files/{folder}/{_safe(str(item.get('name') or item['id']))}"
        if drive is not None:
            try:
                with drive.open_media(item["id"]) as media:
                    path = archive.unique(path)
                    archive.stream(path, media.iter_bytes())
            except Exception as exc:  # the manifest says the file could not be read
                logs.warning("export: file skipped", fileId=item["id"], error=repr(exc)[:300])
                path = ""
        else:
            path = ""
        manifest.append({**item, "path": path})
    archive.json("files.json", manifest)
    archive.csv("files.csv", FILE_COLUMNS, manifest)
    return len(manifest)


def _safe(name: str) -> str:
    cleaned = "".join("_" if c in '/\\:*?"<>|' or ord(c) < 32 else c for c in name).strip(" .")
    return cleaned[:150] or "file"


# --- expiry and erasure ------------------------------------------------------------------------


def expire(*, now: dt.datetime | None = None, drive: Any = None) -> int:
    """Delete the archives of exports past their expiry (the record stays, ``expired``) and
    fail builds stuck for a day. Returns how many expired."""
    now = now or _now()
    done = 0
    for snap in db.across_orgs(db.EXPORTS).where(filter=db.at_most("expiresAt", now)).stream():
        if snap.get("status") != "ready":
            continue
        try:
            remove_archive(snap.reference, snap.to_dict() or {}, drive)
        except Exception as exc:  # tried again next run
            logs.warning("export expiry failed", path=snap.reference.path, error=repr(exc)[:300])
            continue
        snap.reference.update({"status": "expired"})
        audit.record("export.expired", actor_label="retention", org_id=snap.reference.parent.parent.id,
                     target=snap.id)  # fmt: skip
        done += 1
    stuck = now - dt.timedelta(days=1)
    for status in ACTIVE:
        query = db.across_orgs(db.EXPORTS).where(filter=db.eq("status", status))
        for snap in query.stream():
            created = snap.get("createdAt")
            if isinstance(created, dt.datetime) and created < stuck:
                snap.reference.update({"status": "failed", "error": "The archive took too long. Ask for a new one."})
    return done
