"""Projects and milestones. Progress and the next due date are derived from the
milestones on every write (``domain.derived``), never typed in; the activity
timeline and the dashboard summaries are written by the project trigger."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from .. import db, domain, policy
from ..errors import BadRequest, Conflict, NotFound
from ..identity import Caller
from ..policy import Action

ACTIVITY_LIMIT = 20


def project_json(snap: Any) -> dict[str, Any]:
    data = db.to_json(snap.to_dict() or {})
    milestones = data.get("milestones") or []
    status = data.get("status", "planning")
    return {
        "id": snap.id,
        "orgId": snap.reference.parent.parent.id,
        "orgName": data.get("orgName", ""),
        "name": data.get("name", ""),
        "description": data.get("description", ""),
        "status": status,
        "progress": domain.progress(milestones, status),
        "nextDue": data.get("nextDue"),
        "milestones": milestones,
        "timeline": data.get("timeline") or {},
        "teamMembers": data.get("teamMembers") or [],
        "lastActivity": data.get("lastActivity"),
        "contract": data.get("contract"),
        "counts": {"openApprovals": 0, "files": 0, "threads": 0, **(data.get("counts") or {})},
        "archived": bool(data.get("archived")),
        "templateId": data.get("templateId"),
    }


def list_projects(
    caller: Caller, *, org_id: str | None, status: str | None, cursor: str | None, limit: int, archived: bool = False
) -> dict[str, Any]:
    """A page of projects, ordered by name. Staff without ``org_id`` see every client's.
    One query: the organisation's name is stored on each project. Archived projects are
    left out (or, with ``archived``, only they are listed) while the page is read, so a
    page is full while more remain."""
    query, prefix = db.scoped(caller, db.PROJECTS, Action.PROJECTS_READ, org_id)
    if status:
        query = query.where(filter=db.eq("status", status))
    query = query.order_by("name").order_by("__name__")

    def listed(snap: Any) -> bool:
        return bool((snap.to_dict() or {}).get("archived")) == archived

    snaps, next_cursor = db.page(query, prefix, cursor, limit, key="name", keep=listed)
    from . import models

    return {"items": db.each_valid(snaps, project_json, models.Project), "nextCursor": next_cursor}


def _locate(caller: Caller | None, project_id: str, action: Action, org_id: str | None = None) -> Any:
    return db.locate(caller, db.PROJECTS, project_id, action, org_id, missing="Project not found.")


def get_project(caller: Caller, project_id: str) -> dict[str, Any]:
    """A project with its milestones, progress, team, counts and recent activity."""
    from google.cloud import firestore

    ref = _locate(caller, project_id, Action.PROJECTS_READ)
    snap = ref.get()
    if not snap.exists:
        raise NotFound("Project not found.")
    activity = db.activity(ref).order_by("at", direction=firestore.Query.DESCENDING).limit(ACTIVITY_LIMIT)
    from . import models

    valid = db.each_valid([snap], project_json, models.Project)
    if not valid:
        raise Conflict(
            "This project's stored data is not valid; it has been logged for the agency to repair.",
            code="damaged_document",
        )
    project = valid[0]
    project["activity"] = [{"id": a.id, **db.to_json(a.to_dict())} for a in activity.stream()]
    project["counts"] = counts(caller, project["orgId"], project_id)
    return project


def counts(caller: Caller, org_id: str, project_id: str) -> dict[str, int]:
    """What the project holds for ``caller``, counted where it lives (aggregations: one
    read per 1,000 entries): approvals waiting for a decision, files (without the
    staff-only ones for those who may not see them), message threads."""
    store = db.system(org_id)  # the caller was authorised for the project of this organisation
    of_project = db.eq("projectId", project_id)
    queries = {
        "openApprovals": store.approvals().where(filter=of_project).where(filter=db.eq("status", "pending")),
        "files": store.files().where(filter=of_project),
        "threads": store.threads().where(filter=of_project),
    }
    found = {name: db.count(query) for name, query in queries.items()}
    if not policy.may_see_file(caller, staff_only=True):
        found["files"] -= db.count(queries["files"].where(filter=db.eq("staffOnly", True)))
    return found


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "project"


def _actor(caller: Caller | None, label: str) -> dict[str, Any]:
    if caller is None:
        return {"uid": None, "email": None, "label": label}
    return {"uid": caller.uid, "email": caller.email, "label": caller.email}


def _stamp(data: dict[str, Any], actor: dict[str, Any]) -> dict[str, Any]:
    from google.cloud import firestore

    data.update(domain.derived(data.get("milestones") or [], data.get("status", "planning")))
    data.update(
        {"updatedAt": firestore.SERVER_TIMESTAMP, "lastActivity": firestore.SERVER_TIMESTAMP, "updatedBy": actor}
    )
    return data


def new_milestone(title: str, due: str | None) -> dict[str, Any]:
    return {"id": secrets.token_hex(4), "title": title, "due": due, "done": False, "doneAt": None}


def create_project(caller: Caller, org_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Staff create a project for a client organisation."""
    from google.cloud import firestore

    grant = db.grant(caller, Action.PROJECTS_CREATE, org_id)
    if grant.org.kind.value != "client":
        raise BadRequest("Projects belong to client organisations.")
    org = grant.doc().get()
    milestones = fields.get("milestones") or []
    description = fields.get("description") or ""
    if fields.get("templateId"):
        from . import templates

        template = templates.get_template(caller, fields["templateId"])
        if not milestones:
            milestones = templates.milestones_from(template, (fields.get("timeline") or {}).get("start"))
        description = description or template["description"]
    project_id = f"{_slug(fields['name'])}-{secrets.token_hex(3)}"
    data = {
        "id": project_id,
        "orgId": grant.org.id,
        "orgName": org.get("name") if org.exists else "",
        "name": fields["name"],
        "description": description,
        "status": fields.get("status") or "planning",
        "timeline": fields.get("timeline") or {},
        "teamMembers": fields.get("teamMembers") or [],
        "milestones": [new_milestone(m["title"], m.get("due")) for m in milestones],
        "templateId": fields.get("templateId"),
        "createdAt": firestore.SERVER_TIMESTAMP,
    }
    ref = grant.project(project_id)
    ref.create(_stamp(data, _actor(caller, "")))
    return project_json(ref.get())


def mutate(
    caller: Caller | None,
    project_id: str,
    action: Action,
    change: Callable[[dict[str, Any]], None],
    *,
    org_id: str | None = None,
    label: str = "",
    transaction_extra: Callable[[Any], None] | None = None,
) -> dict[str, Any]:
    """Apply ``change`` to a project inside a transaction and store the derived fields.

    ``caller`` None is a trusted system (a verified webhook), which names ``org_id``."""

    ref = _locate(caller, project_id, action, org_id)

    def run(tx: Any) -> dict[str, Any]:
        data = db.read(tx, ref, "Project not found.")
        change(data)
        stamped = _stamp(
            {
                k: data[k]
                for k in ("name", "description", "status", "timeline", "teamMembers", "milestones", "contract")
                if k in data
            },
            _actor(caller, label),
        )
        if transaction_extra is not None:
            transaction_extra(tx)
        tx.update(ref, stamped)
        return data

    db.transact(run)
    return project_json(ref.get())


def _milestone(data: dict[str, Any], milestone_id: str) -> dict[str, Any]:
    for m in data.get("milestones") or []:
        if m.get("id") == milestone_id:
            return dict(m)
    raise NotFound("Milestone not found.")


def update_milestone_fields(data: dict[str, Any], milestone_id: str, fields: dict[str, Any]) -> None:
    """Set title / due / done on one milestone of ``data`` (in place)."""
    import datetime as dt

    milestones = []
    found = _milestone(data, milestone_id)
    for m in data.get("milestones") or []:
        if m.get("id") == milestone_id:
            m = {**found, **{k: v for k, v in fields.items() if k in ("title", "due", "done")}}
            if "done" in fields:
                m["doneAt"] = dt.datetime.now(dt.UTC).isoformat() if fields["done"] else None
        milestones.append(m)
    data["milestones"] = milestones


def update_project(caller: Caller, project_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Admins edit a project's name, description, status, timeline and team."""
    return mutate(caller, project_id, Action.PROJECTS_UPDATE, lambda data: data.update(fields))


def add_milestone(caller: Caller, project_id: str, title: str, due: str | None) -> dict[str, Any]:
    def change(data: dict[str, Any]) -> None:
        milestones = list(data.get("milestones") or [])
        if len(milestones) >= 100:
            raise BadRequest("A project has at most 100 milestones.")
        data["milestones"] = [*milestones, new_milestone(title, due)]

    return mutate(caller, project_id, Action.MILESTONES_MANAGE, change)


def update_milestone(caller: Caller, project_id: str, milestone_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    return mutate(
        caller, project_id, Action.MILESTONES_MANAGE, lambda data: update_milestone_fields(data, milestone_id, fields)
    )


def delete_milestone(caller: Caller, project_id: str, milestone_id: str) -> dict[str, Any]:
    def change(data: dict[str, Any]) -> None:
        _milestone(data, milestone_id)
        data["milestones"] = [m for m in data.get("milestones") or [] if m.get("id") != milestone_id]

    return mutate(caller, project_id, Action.MILESTONES_MANAGE, change)


def set_archived(caller: Caller, project_id: str, archived: bool) -> dict[str, Any]:
    """Archive a project (hidden from default lists, everything kept) or restore it."""
    from google.cloud import firestore

    ref = _locate(caller, project_id, Action.PROJECTS_ARCHIVE)
    snap = ref.get()
    if not snap.exists:
        raise NotFound("Project not found.")
    if bool((snap.to_dict() or {}).get("archived")) == archived:
        raise Conflict("The project is already archived." if archived else "The project is not archived.",
                       code="already_archived" if archived else "not_archived")  # fmt: skip
    ref.update({"archived": archived, "archivedAt": firestore.SERVER_TIMESTAMP if archived else None,
                "updatedAt": firestore.SERVER_TIMESTAMP, "updatedBy": _actor(caller, "")})  # fmt: skip
    return project_json(ref.get())
