"""Side effects of files, run by the file trigger: a file uploaded through the portal
notifies the other side, once per file version. A client's upload tells the staff of its
project (or every staff member); a file staff share tells the client's people. Nobody is
notified of their own upload, and files found in Drive by reconciliation notify nobody."""

from __future__ import annotations

from typing import Any

from .. import db
from ..notifications import service as notifications


def on_file_written(org_id: str, file_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    if after is None or after.get("source") != "portal":
        return "ignored"
    uploader = after.get("uploadedBy") or {}
    revision = after.get("headRevisionId") or after.get("md5") or "1"
    if before is not None and (before.get("headRevisionId") or before.get("md5") or "1") == revision:
        return "unchanged"
    uid = uploader.get("uid")
    by_client = bool(uid) and db.system(org_id).user(str(uid)).get().exists
    name, project_id = str(after.get("name") or "a file"), after.get("projectId")
    who = uploader.get("email") or "Someone"
    if by_client:
        uids = notifications.staff(org_id, project_id)
        title = f"{who} uploaded “{name}”"
    else:
        uids = notifications.members(org_id)
        title = f"New file shared with you: “{name}”"
    link = f"/files?project={project_id}" if project_id else "/files"
    made = notifications.notify(org_id, uids, key=f"file-{file_id}-{revision}"[:300], kind="file_uploaded",
                                title=title, body=name, link=link, actor=uid)  # fmt: skip
    return f"notified {made}"
