"""Projects: read side (listing) for the foundation; progress is derived from milestones."""

from __future__ import annotations

import base64
import json
from typing import Any

from .. import db
from ..errors import BadRequest
from ..identity import Caller
from ..policy import Action


def progress(milestones: list[dict[str, Any]], status: str) -> int:
    """Percent of milestones done; a completed project is 100."""
    if status == "completed":
        return 100
    if not milestones:
        return 0
    done = sum(1 for m in milestones if m.get("done"))
    return round(100 * done / len(milestones))


def project_json(snap: Any, org_names: dict[str, str]) -> dict[str, Any]:
    data = db.to_json(snap.to_dict() or {})
    milestones = data.get("milestones") or []
    org_id = snap.reference.parent.parent.id
    return {
        "id": snap.id,
        "orgId": org_id,
        "orgName": org_names.get(org_id, ""),
        "name": data.get("name", ""),
        "description": data.get("description", ""),
        "status": data.get("status", "planning"),
        "progress": progress(milestones, data.get("status", "")),
        "milestones": milestones,
        "timeline": data.get("timeline") or {},
        "teamMembers": data.get("teamMembers") or [],
        "lastActivity": data.get("lastActivity"),
    }


def _encode_cursor(name: str, path: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([name, path]).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        name, path = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if isinstance(name, str) and isinstance(path, str):
            return name, path
    except (ValueError, TypeError):
        pass
    raise BadRequest("The cursor is not valid.", code="invalid_cursor")


def list_projects(
    caller: Caller, *, org_id: str | None, status: str | None, cursor: str | None, limit: int
) -> dict[str, Any]:
    """A page of projects, ordered by name. Staff without ``org_id`` see every client's."""
    client = db.client()
    if caller.is_staff and not org_id:
        query: Any = client.collection_group("projects")
        prefix = "orgs/"
    else:
        grant = db.grant(caller, Action.PROJECTS_READ, org_id)
        query = grant.collection("projects")
        prefix = f"orgs/{grant.org.id}/projects/"
    if status:
        query = query.where(filter=db.eq("status", status))
    query = query.order_by("name").order_by("__name__")
    if cursor:
        name, path = _decode_cursor(cursor)
        if not path.startswith(prefix) or path.count("/") != 3:
            raise BadRequest("The cursor is not valid.", code="invalid_cursor")
        query = query.start_after({"name": name, "__name__": client.document(path)})
    snaps = list(query.limit(limit + 1).stream())
    more = len(snaps) > limit
    snaps = snaps[:limit]
    org_ids = sorted({s.reference.parent.parent.id for s in snaps})
    org_refs = [client.collection("orgs").document(o) for o in org_ids]
    names = {s.id: s.get("name") for s in client.get_all(org_refs) if s.exists} if org_refs else {}
    items = [project_json(s, names) for s in snaps]
    next_cursor = _encode_cursor(snaps[-1].get("name"), snaps[-1].reference.path) if more else None
    return {"items": items, "nextCursor": next_cursor}
