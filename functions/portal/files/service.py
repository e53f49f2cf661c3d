"""Files on Google Drive: resumable uploads relayed chunk by chunk, a Firestore mirror for
listing, authorised streamed downloads, and reconciliation from Drive's changes feed.

- ``orgs/{orgId}/uploads/{id}``: an upload in progress (its Drive session, size, offset,
  declared name and type, project, uploader). Only its uploader continues it.
- ``orgs/{orgId}/files/{driveId}``: the mirror of one Drive file (name, type, size,
  project, uploader, checksum, dates, thumbnail), so listing is one bounded read.
- ``driveFolderId`` on the organisation and on each project: the Drive folders, created
  on first use under the configured root folder.

A chunk is at most ``config.files_chunk_bytes()`` and is relayed to Drive as it arrives,
so memory stays bounded by the chunk size whatever the file size. The type is sniffed
from the first chunk before anything reaches Drive; a refused upload leaves no Drive file
and no mirror document. Every function takes ``drive=`` (default: the configured Drive).
"""

from __future__ import annotations

import datetime as dt
import secrets
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import config, db, policy
from ..errors import BadGateway, BadRequest, Conflict, Gone, NotFound, PortalError
from ..identity import Caller, OrgKind
from ..integrations.drive import Drive, DriveError, DriveFile, DriveNotFound, Media, UploadSessionGone
from ..policy import Action
from . import rules

UPLOAD_TTL = dt.timedelta(days=6)  # Drive keeps a resumable session for a week
NATIVE_PREFIX = "application/vnd.google-apps."  # Docs, Sheets...: no binary content to mirror


class RangeNotSatisfiable(PortalError):
    status, code = 416, "range_not_satisfiable"


_DRIVE: list[Drive] = []


def connect() -> Drive:
    """The configured Drive (built once per instance); NotConnected without settings."""
    if not _DRIVE:
        _DRIVE.append(Drive.from_config())
    return _DRIVE[0]


def _upstream(exc: DriveError) -> PortalError:
    if isinstance(exc, DriveNotFound):
        return NotFound("The file is no longer in Drive.")
    return BadGateway(f"Drive could not complete the request ({exc}).", code="drive_error")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _time(value: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


# --- JSON ------------------------------------------------------------------------------------


def file_json(snap: Any, caller: Caller | None = None) -> dict[str, Any]:
    """A mirror document as the API shows it; with ``caller``, whether they may delete it."""
    data = snap.to_dict() or {}
    out = db.to_json({k: data.get(k) for k in (
        "orgId", "projectId", "name", "mimeType", "kind", "size", "md5", "uploadedBy", "revisedBy", "createdAt",
        "modifiedAt", "hasThumbnail")})  # fmt: skip
    found = rules.TYPES.get(data.get("mimeType") or "")
    out["id"] = snap.id
    out["inline"] = bool(found and found.inline)
    out["canDelete"] = caller is not None and _may_delete(caller, data)
    return out


def _may_delete(caller: Caller, data: dict[str, Any]) -> bool:
    uploaded_at = data.get("uploadedAt")
    org = policy.OrgRef(str(data.get("orgId") or ""), OrgKind.CLIENT)
    return policy.may_delete_file(
        caller,
        org,
        uploaded_by=(data.get("uploadedBy") or {}).get("uid"),
        uploaded_at=uploaded_at.timestamp() if isinstance(uploaded_at, dt.datetime) else None,
        now=db.now(),
    )


def connected() -> bool:
    """Whether Drive is configured (the files page says so when it is not)."""
    return bool(config.drive_root_folder_id())


def _upload_json(data: dict[str, Any]) -> dict[str, Any]:
    return {"id": data["id"], "chunkSize": data["chunkSize"], "offset": data["offset"], "size": data["size"],
            "name": data["name"], "projectId": data.get("projectId")}  # fmt: skip


# --- folders -----------------------------------------------------------------------------------


def _ensure_folder(ref: Any, name: str, parent: str | None, drive: Drive) -> str:
    """The Drive folder id kept on document ``ref``; the folder is found or created on
    first use and its id stored (the first stored id wins a concurrent first use)."""

    known = (ref.get().to_dict() or {}).get("driveFolderId")
    if known:
        return str(known)
    try:
        folder = drive.ensure_folder(name, parent)
    except DriveError as exc:
        raise _upstream(exc) from None

    def keep(tx: Any) -> str:
        current = (ref.get(transaction=tx).to_dict() or {}).get("driveFolderId")
        if current:
            return str(current)
        tx.update(ref, {"driveFolderId": folder})
        return folder

    return db.transact(keep)


def _folder_for(grant: db.Grant, project_id: str | None, drive: Drive) -> str:
    """The folder of the organisation, or of one of its projects (NotFound if unknown)."""
    org = grant.doc().get()
    org_folder = _ensure_folder(grant.doc(), f"{org.get('name') or grant.org.id} ({grant.org.id})", None, drive)
    if not project_id:
        return org_folder
    project_ref = grant.project(project_id)
    project = project_ref.get()
    if not project.exists:
        raise NotFound("Project not found.")
    return _ensure_folder(project_ref, f"{project.get('name') or project_id} ({project_id})", org_folder, drive)


def _client_grant(caller: Caller, action: Action, org_id: str | None) -> db.Grant:
    grant = db.grant(caller, action, org_id)
    if grant.org.kind != OrgKind.CLIENT:
        raise BadRequest("Files belong to client organisations: name one.", code="client_org_required")
    return grant


# --- uploads -----------------------------------------------------------------------------------


def start_upload(
    caller: Caller,
    name: str,
    size: int,
    declared_type: str = "",
    project_id: str | None = None,
    *,
    org_id: str | None = None,
    drive: Drive | None = None,
) -> dict[str, Any]:
    """Begin an upload into the organisation (or one of its projects): ``{"id",
    "chunkSize", "offset"}``. The size limit and the name are checked now, the content with
    the first chunk."""
    from google.cloud import firestore

    if drive is None:
        connect()  # NotConnected before anything is kept
    if caller.is_staff and not org_id:
        raise BadRequest("Name the client organisation to upload into (orgId).", code="client_org_required")
    grant = _client_grant(caller, Action.FILES_UPLOAD, org_id)
    rules.check_size(int(size), config.files_max_bytes())
    safe = rules.safe_name(name)
    rules.check_name_type(safe)
    if project_id and not grant.project(project_id).get().exists:
        raise NotFound("Project not found.")
    upload_id = secrets.token_urlsafe(16)
    data = {
        "id": upload_id,
        "orgId": grant.org.id,
        "name": safe,
        "declaredType": rules.canonical(declared_type or ""),
        "size": int(size),
        "offset": 0,
        "chunkSize": config.files_chunk_bytes(),
        "projectId": project_id or None,
        "sessionUri": None,
        "uploadedBy": {"uid": caller.uid, "email": caller.email},
        "createdAt": firestore.SERVER_TIMESTAMP,
        "expiresAt": _now() + UPLOAD_TTL,
    }
    grant.upload(upload_id).create(data)
    return _upload_json(data)


def _upload(caller: Caller, upload_id: str) -> tuple[Any, Any]:
    """The upload's reference and snapshot; only its uploader may see or continue it."""
    if not upload_id or "/" in upload_id:
        raise NotFound("Upload not found.")
    ref = db.locate(caller, "uploads", upload_id, Action.FILES_UPLOAD, missing="Upload not found.")
    snap = ref.get()
    if not snap.exists or (snap.get("uploadedBy") or {}).get("uid") != caller.uid:
        raise NotFound("Upload not found.")
    return ref, snap


def put_chunk(
    caller: Caller, upload_id: str, content_range: str | None, data: bytes, *, drive: Drive | None = None
) -> dict[str, Any]:
    """Relay one chunk (``Content-Range: bytes a-b/total``) into Drive. Answers
    ``{"offset": n}`` while more is expected, ``{"file": {...}}`` once the file is complete
    (HTTP 201). A chunk that does not start at the offset is a 409 carrying the offset."""
    drive = drive or connect()
    ref, snap = _upload(caller, upload_id)
    upload = snap.to_dict() or {}
    chunk = rules.parse_content_range(content_range, upload["size"])
    if chunk.start != upload["offset"]:
        raise Conflict(
            f"The upload is at byte {upload['offset']}: send the chunk that starts there.",
            code="wrong_offset",
            details={"offset": upload["offset"]},
        )
    rules.check_chunk(chunk, len(data), upload["chunkSize"])
    session, version = upload.get("sessionUri"), snap.update_time
    if not session:
        session, version = _open_session(caller, ref, upload, data, drive)
    try:
        progress = drive.put_chunk(session, data, chunk.start, chunk.total)
    except UploadSessionGone:
        ref.delete()
        raise Gone("The upload expired: start it again.", code="upload_expired") from None
    except DriveError as exc:
        raise _upstream(exc) from None
    if progress.file is None:
        from google.api_core.exceptions import FailedPrecondition

        try:  # only if no other chunk moved the upload meanwhile
            ref.update({"offset": progress.offset}, option=db.client().write_option(last_update_time=version))
        except FailedPrecondition:
            raise Conflict("Another chunk of this upload was sent at the same time.", code="concurrent_chunk") from None
        return {"offset": progress.offset}
    return {"file": _finish(ref, upload, progress.file, caller)}


MAX_NAME_SUFFIX = 100
"""How many ``name (n).ext`` a same-name upload tries before it is refused."""


def _open_session(caller: Caller, ref: Any, upload: dict[str, Any], head: bytes, drive: Drive) -> tuple[str, Any]:
    """Sniff the first chunk, then open the Drive session: a new revision when a file of
    that name is already in the folder and the caller may revise it
    (``policy.may_revise_file``), else a new file named ``name (2).ext`` (or the next free
    number). A refused type ends the upload (nothing in Drive)."""
    try:
        kind = rules.file_type(head, upload["name"], upload.get("declaredType") or "")
    except PortalError:
        ref.delete()
        raise
    grant = db.trusted_grant(Action.FILES_UPLOAD, upload["orgId"])
    folder = _folder_for(grant, upload.get("projectId"), drive)
    name, revise = upload["name"], None
    try:
        for n in range(2, MAX_NAME_SUFFIX + 2):
            existing = drive.find(folder, name)
            if existing is None:
                break
            if _may_revise(caller, grant, existing.id):
                revise = existing.id
                break
            name = rules.numbered(upload["name"], n)
        else:
            raise Conflict("Too many files of this name are in the folder: rename the file.", code="name_taken")
        session = drive.start_upload(
            name=name, mime_type=kind.mime, size=upload["size"], parent_id=folder, file_id=revise
        )
    except DriveError as exc:
        raise _upstream(exc) from None
    written = ref.update({"sessionUri": session, "mimeType": kind.mime, "folderId": folder, "name": name})
    upload.update(sessionUri=session, mimeType=kind.mime, folderId=folder, name=name)
    return session, written.update_time


def _may_revise(caller: Caller, grant: db.Grant, file_id: str) -> bool:
    """Whether ``caller``'s upload may become a new revision of the Drive file ``file_id``
    (its mirror says whose it is; a file not mirrored yet was added in Drive: staff's)."""
    data = grant.file(file_id).get().to_dict() or {}
    owner = (data.get("uploadedBy") or {}).get("uid")
    org = policy.OrgRef(grant.org.id, OrgKind.CLIENT)
    return policy.may_revise_file(caller, org, owner=owner, staff_only=bool(data.get("staffOnly")))


def _finish(ref: Any, upload: dict[str, Any], file: DriveFile, caller: Caller) -> dict[str, Any]:
    """The file is in Drive: write its mirror and end the upload, in one batch."""
    from google.cloud import firestore

    mirror = db.system(upload["orgId"]).file(file.id)
    fields = _drive_fields(file, {upload["folderId"]: upload.get("projectId")}, upload["orgId"])
    fields["source"] = "portal"
    if file.head_revision_id:  # each version's own uploader; the file keeps its owner
        fields["revisionUploaders"] = {file.head_revision_id: upload["uploadedBy"]}
    fields["uploaderUids"] = firestore.ArrayUnion([upload["uploadedBy"]["uid"]])  # whose data it holds
    if mirror.get().exists:  # a new revision of a file the caller may revise
        fields.update(revisedBy=upload["uploadedBy"], revisedAt=firestore.SERVER_TIMESTAMP)
    else:
        fields.update(uploadedBy=upload["uploadedBy"], uploadedAt=firestore.SERVER_TIMESTAMP,
                      createdAt=_time(file.created) or firestore.SERVER_TIMESTAMP)  # fmt: skip
    batch = db.batch()
    batch.set(mirror, fields, merge=True)
    batch.delete(ref)
    batch.commit()
    return file_json(mirror.get(), caller)


def upload_status(caller: Caller, upload_id: str, *, drive: Drive | None = None) -> dict[str, Any]:
    """Where an interrupted upload resumes: Drive's own count of the bytes it kept."""
    ref, snap = _upload(caller, upload_id)
    upload = snap.to_dict() or {}
    if upload.get("sessionUri"):
        try:
            progress = (drive or connect()).upload_status(upload["sessionUri"], upload["size"])
        except UploadSessionGone:
            ref.delete()
            raise Gone("The upload expired: start it again.", code="upload_expired") from None
        except DriveError as exc:
            raise _upstream(exc) from None
        if progress.offset != upload["offset"]:
            ref.update({"offset": progress.offset})
            upload["offset"] = progress.offset
    return _upload_json(upload)


def cancel_upload(caller: Caller, upload_id: str, *, drive: Drive | None = None) -> None:
    """Abandon an upload: the Drive session is cancelled, nothing is kept."""
    ref, snap = _upload(caller, upload_id)
    _discard(ref, snap.to_dict() or {}, drive)


def _discard(ref: Any, upload: dict[str, Any], drive: Drive | None) -> None:
    if upload.get("sessionUri"):
        try:
            (drive or connect()).cancel_upload(upload["sessionUri"])
        except (UploadSessionGone, DriveNotFound):
            pass  # Drive forgot it already
        except DriveError as exc:
            raise _upstream(exc) from None
    ref.delete()


def expire_uploads(*, now: dt.datetime | None = None, drive: Drive | None = None, limit: int = 200) -> int:
    """Cancel uploads left unfinished past their expiry (for a scheduled job); the count."""
    query = db.across_orgs(db.UPLOADS).where(filter=db.at_most("expiresAt", now or _now()))
    count = 0
    for snap in query.limit(limit).stream():
        _discard(snap.reference, snap.to_dict() or {}, drive)
        count += 1
    return count


# --- reading -----------------------------------------------------------------------------------


def list_files(
    caller: Caller,
    *,
    org_id: str | None = None,
    project_id: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """A page of an organisation's files (or one project's), by name, from the mirror."""
    grant = _client_grant(caller, Action.FILES_READ, org_id)
    files = grant.files()
    query = files.where(filter=db.eq("projectId", project_id)) if project_id else files
    query = query.order_by("name").order_by("__name__")
    snaps, next_cursor = db.page(query, f"{db.ORGS}/{grant.org.id}/{db.FILES}/", cursor, limit, key="name",
                                 keep=lambda s: not _hidden_from(caller, s.to_dict() or {}))  # fmt: skip
    from . import models

    items = db.each_valid(snaps, lambda s: file_json(s, caller), models.File)
    return {"items": items, "nextCursor": next_cursor, "connected": connected(),
            "maxBytes": config.files_max_bytes()}  # fmt: skip


def _file(caller: Caller, file_id: str, action: Action) -> tuple[Any, dict[str, Any]]:
    if not file_id or "/" in file_id:
        raise NotFound("File not found.")
    ref = db.locate(caller, "files", file_id, action, missing="File not found.")
    snap = ref.get()
    if not snap.exists or _hidden_from(caller, snap.to_dict() or {}):
        raise NotFound("File not found.")
    return ref, snap.to_dict() or {}


def _hidden_from(caller: Caller, data: dict[str, Any]) -> bool:
    """A file attached to an internal note (``staffOnly``) does not exist for clients."""
    return not policy.may_see_file(caller, staff_only=bool(data.get("staffOnly")))


def get_file(caller: Caller, file_id: str) -> dict[str, Any]:
    ref, _ = _file(caller, file_id, Action.FILES_READ)
    return file_json(ref.get(), caller)


def list_revisions(caller: Caller, file_id: str, *, drive: Drive | None = None) -> list[dict[str, Any]]:
    """Every kept version of a file, oldest first (``id``, ``modifiedTime``, ``size``)."""
    _, data = _file(caller, file_id, Action.FILES_READ)
    try:
        revisions = (drive or connect()).revisions(file_id)
    except DriveError as exc:
        raise _upstream(exc) from None
    uploaders = data.get("revisionUploaders") or {}
    return [{**{k: r.get(k) for k in ("id", "modifiedTime", "size", "md5Checksum")},
             "uploadedBy": uploaders.get(r.get("id"))} for r in revisions]  # fmt: skip


@dataclass
class Download:
    """A file on its way to the browser: status (200/206), headers to send, the body in pieces."""

    status: int
    headers: dict[str, str]
    media: Media

    def iter_bytes(self) -> Iterator[bytes]:
        return self.media.iter_bytes()

    def close(self) -> None:
        self.media.close()


def content_disposition(name: str, inline: bool) -> str:
    """``attachment`` (or ``inline``) with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name) or "file"
    return f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; filename*=UTF-8''" + (
        urllib.parse.quote(name, safe="")
    )


def open_download(
    caller: Caller,
    file_id: str,
    byte_range: str | None = None,
    *,
    revision_id: str | None = None,
    inline: bool = False,
    drive: Drive | None = None,
) -> Download:
    """Stream a file (or one of its revisions) the caller may read, with ``Range``. Another
    organisation's file id is NotFound; ``inline`` only for types a page may show."""
    _, data = _file(caller, file_id, Action.FILES_READ)
    wanted = rules.parse_range(byte_range)
    try:
        media = (drive or connect()).open_media(
            file_id, byte_range=rules.range_header(wanted) if wanted else None, revision_id=revision_id
        )
    except DriveError as exc:
        if exc.status == 416:
            raise RangeNotSatisfiable("The range is outside the file.", details={"size": data.get("size")}) from None
        raise _upstream(exc) from None
    found = rules.TYPES.get(data.get("mimeType") or "")
    show = inline and bool(found and found.inline)
    headers = {k.title(): v for k, v in media.headers.items() if k.lower() != "etag"}
    headers.update({
        "Content-Type": data.get("mimeType") or "application/octet-stream",
        "Content-Disposition": content_disposition(data.get("name") or "file", show),
        "X-Content-Type-Options": "nosniff",
        "Accept-Ranges": "bytes",
    })  # fmt: skip
    if show:  # a preview the portal's own pages may frame (a PDF), nothing else
        headers.update({"Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'",
                        "X-Frame-Options": "SAMEORIGIN"})  # fmt: skip
    from ..audit import service as audit

    details = {"name": data.get("name"), "revision": revision_id, "inline": show}
    audit.record(
        "file.download",
        actor=caller,
        org_id=data.get("orgId"),
        target=file_id,
        details=details,
        once_per=f"{caller.uid}:{caller.viewer}:{file_id}:{revision_id}:{show}",
    )  # every range, not per piece
    return Download(media.status, headers, media)


def open_thumbnail(caller: Caller, file_id: str, *, drive: Drive | None = None) -> Download:
    """Stream a file's thumbnail through the portal (Drive's links are short-lived)."""
    _file(caller, file_id, Action.FILES_READ)
    drive = drive or connect()
    try:
        link = drive.get(file_id).thumbnail_link
        if not link:
            raise NotFound("This file has no thumbnail.")
        media = drive.open_thumbnail(link)
    except DriveError as exc:
        raise _upstream(exc) from None
    headers = {"Content-Type": media.headers.get("content-type", "image/png"), "X-Content-Type-Options": "nosniff",
               "Cache-Control": "private, max-age=300"}  # fmt: skip
    if "content-length" in media.headers:
        headers["Content-Length"] = media.headers["content-length"]
    return Download(200, headers, media)


# --- changing ----------------------------------------------------------------------------------


def delete_file(caller: Caller, file_id: str, *, drive: Drive | None = None) -> None:
    """Move a file to Drive's trash and drop its mirror: staff, or its uploader within
    15 minutes of the upload (``policy.may_delete_file``)."""
    ref, data = _file(caller, file_id, Action.FILES_READ)
    org_id = ref.parent.parent.id
    org = policy.OrgRef(org_id, OrgKind.CLIENT) if not caller.is_staff else db.org_ref(org_id)
    uploaded_at = data.get("uploadedAt")
    policy.authorize_file_delete(
        caller,
        org,
        uploaded_by=(data.get("uploadedBy") or {}).get("uid"),
        uploaded_at=uploaded_at.timestamp() if isinstance(uploaded_at, dt.datetime) else None,
        now=db.now(),
    )
    try:
        (drive or connect()).trash(file_id)
    except DriveNotFound:
        pass
    except DriveError as exc:
        raise _upstream(exc) from None
    ref.delete()
    from ..audit import service as audit

    audit.record("file.deleted", actor=caller, org_id=org_id, target=file_id, details={"name": data.get("name")})


def move_file(caller: Caller, file_id: str, project_id: str | None, *, drive: Drive | None = None) -> dict[str, Any]:
    """Staff move a file to another project of its organisation (None: the organisation's
    own folder). A file of the same name already there is a conflict."""
    ref, data = _file(caller, file_id, Action.FILES_READ)  # another organisation's: NotFound
    grant = db.grant(caller, Action.FILES_MANAGE, ref.parent.parent.id)
    drive = drive or connect()
    folder = _folder_for(grant, project_id, drive)
    if folder == data.get("folderId"):
        return file_json(ref.get(), caller)
    try:
        if drive.find(folder, data.get("name") or ""):
            raise Conflict("A file with this name is already in that folder.", code="name_taken")
        moved = drive.move(file_id, folder)
    except DriveError as exc:
        raise _upstream(exc) from None
    ref.update({"projectId": project_id or None, "folderId": folder, "modifiedAt": _time(moved.modified) or _now()})
    return file_json(ref.get(), caller)


# --- reconciliation ----------------------------------------------------------------------------


def _drive_fields(file: DriveFile, folders: dict[str, str | None], org_id: str) -> dict[str, Any]:
    """The mirror's Drive-side fields (never who uploaded it)."""
    folder = next((p for p in file.parents if p in folders), None)
    found = rules.TYPES.get(file.mime_type)
    return {
        "id": file.id,
        "orgId": org_id,
        "driveId": file.id,
        "name": file.name,
        "mimeType": file.mime_type,
        "kind": found.kind if found else "other",
        "size": file.size,
        "md5": file.md5,
        "folderId": folder,
        "projectId": folders.get(folder) if folder else None,
        "modifiedAt": _time(file.modified),
        "hasThumbnail": bool(file.thumbnail_link),
        "headRevisionId": file.head_revision_id,
    }


def _org_folders(store: db.OrgStore | db.Grant, org: dict[str, Any]) -> dict[str, str | None]:
    """Drive folder id -> project id (None: the organisation's own folder)."""
    folders: dict[str, str | None] = {org["driveFolderId"]: None}
    projects = store.projects().where(filter=db.at_most("driveFolderId", "\uf8ff"))
    for snap in projects.select(["driveFolderId"]).stream():
        if snap.get("driveFolderId"):
            folders[snap.get("driveFolderId")] = snap.id
    return folders


def reconcile(org_id: str, *, drive: Drive | None = None) -> dict[str, int]:
    """Bring an organisation's mirror in line with its Drive folders: files staff added or
    removed in Drive itself appear or disappear. The first run lists the folders; later
    runs read Drive's changes feed from the token kept on the organisation. Idempotent."""
    drive = drive or connect()
    grant = db.trusted_grant(Action.FILES_MANAGE, org_id)
    org = grant.doc().get().to_dict() or {}
    counts = {"added": 0, "updated": 0, "removed": 0}
    if not org.get("driveFolderId"):
        return counts
    folders = _org_folders(grant, org)
    files = grant.files()
    try:
        token = org.get("driveChangesToken")
        if not token:
            token = drive.start_page_token()
            present: set[str] = set()
            for folder in folders:
                page: str | None = None
                while True:
                    found, page = drive.list_folder(folder, page_token=page)
                    for file in found:
                        present.add(file.id)
                        _apply(files, file, folders, org_id, counts)
                    if not page:
                        break
            for snap in files.select([]).stream():
                if snap.id not in present:
                    snap.reference.delete()
                    counts["removed"] += 1
        else:
            while True:
                changes, next_page, new_start = drive.changes(token)
                for change in changes:
                    gone = change.removed or change.file is None or change.file.trashed
                    if gone or not any(p in folders for p in change.file.parents):  # type: ignore[union-attr]
                        doc = files.document(change.file_id)
                        if change.file_id and doc.get().exists:
                            doc.delete()
                            counts["removed"] += 1
                    else:
                        _apply(files, change.file, folders, org_id, counts)  # type: ignore[arg-type]
                token = next_page or new_start or token
                if not next_page:
                    break
    except DriveError as exc:
        raise _upstream(exc) from None
    grant.doc().update({"driveChangesToken": token})
    return counts


def _apply(files: Any, file: DriveFile, folders: dict[str, str | None], org_id: str, counts: dict[str, int]) -> None:
    if file.is_folder or file.mime_type.startswith(NATIVE_PREFIX):
        return
    doc = files.document(file.id)
    snap = doc.get()
    fields = _drive_fields(file, folders, org_id)
    if not snap.exists:
        fields.update(createdAt=_time(file.created) or _now(), uploadedBy=None, source="drive")
        doc.set(fields)
        counts["added"] += 1
        return
    current = snap.to_dict() or {}
    if any(current.get(k) != v for k, v in fields.items() if k != "modifiedAt"):
        doc.set(fields, merge=True)
        counts["updated"] += 1


# --- scheduled jobs ----------------------------------------------------------------------------


def reconcile_all(*, drive: Drive | None = None) -> dict[str, dict[str, int] | str]:
    """Reconcile every client organisation that has a Drive folder (for the scheduled job);
    nothing without Drive. One organisation's failure does not stop the others."""
    from .. import logs

    if not connected() and drive is None:
        return {}
    drive = drive or connect()
    results: dict[str, dict[str, int] | str] = {}
    for snap in db.client_orgs().select(["driveFolderId"]).stream():
        if not (snap.to_dict() or {}).get("driveFolderId"):
            continue
        try:
            results[snap.id] = reconcile(snap.id, drive=drive)
        except PortalError as exc:
            results[snap.id] = exc.message
            logs.error("files reconcile failed", orgId=snap.id, error=exc.message)
    logs.info("files reconciled", results=results)
    return results


def expire_abandoned(*, drive: Drive | None = None) -> int:
    """Expire abandoned uploads (for the scheduled job); nothing without Drive."""
    from .. import logs

    if not connected() and drive is None:
        return 0
    count = expire_uploads(drive=drive)
    logs.info("uploads expired", count=count)
    return count
