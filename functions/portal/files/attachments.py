"""Portal files attached to other things (an approval's version, a message): the one
check of a list of file ids before it is kept, and the one way kept attachments are
shown, with the links the files API serves (download, inline view, thumbnail).

A feature keeps what :func:`validate_attachments` returns (``[{"id", "name"}, ...]``:
the name stays known after the file is deleted) and answers what
:func:`render_attachments` (one list) or :func:`render_many` (many lists, one read)
make of it. A file deleted since is ``{"id", "name", "removed": true}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import db, ids, policy
from ..errors import BadRequest
from ..identity import Caller
from ..policy import Action
from . import rules

MAX_ATTACHMENTS = 20
"""The most files one version or message may carry."""

Stored = dict[str, Any] | str
"""A kept attachment: ``{"id", "name"}`` (or a bare file id)."""


def _store(caller: Caller | None, org_id: str) -> db.OrgStore | db.Grant:
    """Where the organisation's files are, once the caller may read them (a client only
    their own organisation: another one is NotFound, as for a single file)."""
    if caller is None:
        return db.trusted_grant(Action.FILES_READ, org_id)
    return db.grant(caller, Action.FILES_READ, org_id)


def validate_attachments(
    caller: Caller | None,
    org_id: str,
    file_ids: Sequence[str] | None,
    *,
    project_id: str | None = None,
    internal: bool = False,
) -> list[dict[str, Any]]:
    """Check ``file_ids`` for attaching to something of ``org_id`` (and, if given, of
    ``project_id``): at most :data:`MAX_ATTACHMENTS`, no duplicates, each a live file
    of that organisation the caller may read, kept with the organisation as a whole or
    in that project. ``caller`` None is trusted automation (a verified webhook).
    A staff-only file (attached to an internal note) goes only on something ``internal``
    (another note): to a client it does not exist (``unknown_attachment``); staff are told
    it is staff-only (``staff_only_file``).

    Answers what to keep, in the order given: ``[{"id", "name"}, ...]``. Refusals are
    400s that change nothing: ``too_many_attachments``, ``duplicate_attachment``,
    ``unknown_attachment`` (unknown, deleted, or another organisation's: the same answer,
    so nothing tells whether another organisation's id exists) and
    ``attachment_other_project``. One batched read."""
    wanted = list(file_ids or [])
    if not wanted:
        return []
    if len(wanted) > MAX_ATTACHMENTS:
        raise BadRequest(f"Attach at most {MAX_ATTACHMENTS} files.", code="too_many_attachments")
    unsafe = [i for i in wanted if not ids.valid(i)]
    if unsafe:
        raise BadRequest("These files are not available to attach.", code="unknown_attachment",
                         details={"ids": [str(i) for i in unsafe]})  # fmt: skip
    repeated = sorted({i for i in wanted if wanted.count(i) > 1})
    if repeated:
        raise BadRequest(f"Attached more than once: {', '.join(repeated)}.", code="duplicate_attachment",
                         details={"ids": repeated})  # fmt: skip
    store = _store(caller, org_id)
    snaps = db.read_all([store.file(i) for i in wanted])
    missing = [i for i, s in zip(wanted, snaps, strict=True)
               if s is None or not s.exists or (caller is not None and not _visible(caller, s.to_dict()))]  # fmt: skip
    if missing:
        raise BadRequest(f"These files are not available to attach: {', '.join(missing)}.",
                         code="unknown_attachment", details={"ids": missing})  # fmt: skip
    staff_only = [s.id for s in snaps if (s.to_dict() or {}).get("staffOnly")]
    if staff_only and not internal:
        raise BadRequest(f"Attached to an internal note, so staff-only: {', '.join(staff_only)}.",
                         code="staff_only_file", details={"ids": staff_only})  # fmt: skip
    if project_id:
        elsewhere = [s.id for s in snaps if (s.to_dict() or {}).get("projectId") not in (None, project_id)]
        if elsewhere:
            raise BadRequest(f"These files belong to another project: {', '.join(elsewhere)}.",
                             code="attachment_other_project", details={"ids": elsewhere})  # fmt: skip
    return [{"id": s.id, "name": (s.to_dict() or {}).get("name") or ""} for s in snaps]


def _entry(kept: Stored) -> tuple[str, str]:
    if isinstance(kept, str):
        return kept, ""
    return str(kept.get("id") or ""), str(kept.get("name") or "")


def links(file_id: str, *, inline: bool, thumbnail: bool) -> dict[str, str | None]:
    """The files API's links for one file: download, inline view, thumbnail."""
    base = f"/api/files/{file_id}"
    return {
        "downloadUrl": f"{base}/download",
        "viewUrl": f"{base}/download?inline=1" if inline else None,
        "thumbnailUrl": f"{base}/thumbnail" if thumbnail else None,
    }


def _shown(file_id: str, name: str, data: dict[str, Any] | None) -> dict[str, Any]:
    if data is None:
        return {"id": file_id, "name": name, "removed": True, "downloadUrl": None, "viewUrl": None,
                "thumbnailUrl": None}  # fmt: skip
    found = rules.TYPES.get(data.get("mimeType") or "")
    inline = bool(found and found.inline)
    thumbnail = bool(data.get("hasThumbnail"))
    return {
        "id": file_id,
        "name": data.get("name") or name,
        "mimeType": data.get("mimeType"),
        "kind": data.get("kind") or "other",
        "size": data.get("size"),
        "projectId": data.get("projectId"),
        "hasThumbnail": thumbnail,
        "inline": inline,
        "removed": False,
        **links(file_id, inline=inline, thumbnail=thumbnail),
    }


def _visible(caller: Caller | None, data: dict[str, Any] | None) -> bool:
    return caller is None or policy.may_see_file(caller, staff_only=bool((data or {}).get("staffOnly")))


def render_many(
    org_id: str, lists: Sequence[Sequence[Stored] | None], caller: Caller | None = None
) -> list[list[dict[str, Any]]]:
    """Each list of kept attachments of ``org_id`` as the API shows it to ``caller`` (see
    :func:`render_attachments`), every file read in one batched read. The caller already
    authorised reading the thing they are attached to; a file they may not see (made
    staff-only since) shows as removed, as if deleted: no name, type, size or link."""
    order = sorted({fid for kept in lists for fid, _ in map(_entry, kept or []) if ids.valid(fid)})
    store = db.system(org_id)
    snaps = db.read_all([store.file(i) for i in order]) if order else []
    live = {i: s.to_dict() or {} for i, s in zip(order, snaps, strict=True)
            if s is not None and s.exists and _visible(caller, s.to_dict())}  # fmt: skip
    return [[_shown(fid, name, live.get(fid)) for fid, name in map(_entry, kept or []) if fid] for kept in lists]


def render_attachments(
    org_id: str, kept: Sequence[Stored] | None, caller: Caller | None = None
) -> list[dict[str, Any]]:
    """Kept attachments as the API shows them: ``id``, ``name``, ``mimeType``, ``kind``,
    ``size``, ``hasThumbnail``, ``inline`` and the files API's ``downloadUrl``,
    ``viewUrl`` (images, PDF, video, audio) and ``thumbnailUrl``; a file deleted since is
    ``{"id", "name", "removed": true}`` with no links."""
    return render_many(org_id, [kept], caller)[0]
