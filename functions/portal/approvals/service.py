"""Content approvals: versions, feedback, and decisions with a permanent record.

- ``orgs/{orgId}/approvals/{id}``: the item, its versions (every one kept) and status;
- ``.../decisions/v{version}``: the decision on a version, created once in a
  transaction (a second or concurrent decision on the same version fails: 409) and
  never updated or deleted by any endpoint, nor by the rules;
- ``.../comments/{id}``: feedback, per version.
Staff submit items and new versions; a client owner decides any item of their
organisation, a client member only items assigned to them; everyone comments.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from .. import db, domain
from ..errors import BadRequest, Conflict, Forbidden, NotFound
from ..identity import Caller
from ..policy import Action, may_decide

DECISION_STATUS = {"approve": "approved", "reject": "rejected", "request_revision": "revision_requested"}


def _actor(caller: Caller | None, label: str = "") -> dict[str, Any]:
    """Who did it, as the record keeps it: uid, email, name (from the profile) and role."""
    if caller is None:
        return {"uid": None, "email": label, "name": label, "role": None}
    user = db.system(caller.org_id).user(caller.uid).get()
    profile = (user.to_dict() or {}).get("profile") or {} if user.exists else {}
    name = f"{profile.get('firstName', '')} {profile.get('lastName', '')}".strip()
    return {"uid": caller.uid, "email": caller.email, "name": name or caller.email, "role": caller.role.value}


def summary_json(snap: Any, caller: Caller | None = None) -> dict[str, Any]:
    data = snap.to_dict() or {}
    out = db.to_json({k: data.get(k) for k in (
        "orgId", "orgName", "projectId", "projectName", "contentType", "title", "description", "status", "due",
        "currentVersion", "submittedBy", "submittedAt", "decidedAt")})  # fmt: skip
    people = data.get("assigneeInfo") or {}
    out["id"] = snap.id
    out["assignees"] = [{"uid": uid, **people.get(uid, {})} for uid in data.get("assignees") or []]
    out["canDecide"] = bool(
        caller and data.get("status") == "pending" and may_decide(caller, data.get("assignees") or [])
    )
    out["overdue"] = bool(data.get("status") == "pending" and data.get("due")
                          and str(data["due"]) < domain.today().isoformat())  # fmt: skip
    return out


def _locate(caller: Caller | None, approval_id: str, action: Action, org_id: str | None = None) -> Any:
    return db.locate(caller, db.APPROVALS, approval_id, action, org_id, missing="Approval not found.")


def _assignees(grant: db.Grant, emails: list[str]) -> dict[str, dict[str, str]]:
    """Uids (with email and name) of the organisation's client users with these emails."""
    if not emails:
        return {}
    users = grant.users()
    found = {}
    for snap in users.where(filter=db.among("email", list(set(emails))[:30])).stream():
        data = snap.to_dict() or {}
        if data.get("disabled"):
            continue
        profile = data.get("profile") or {}
        name = f"{profile.get('firstName', '')} {profile.get('lastName', '')}".strip()
        found[snap.id] = {"email": data.get("email", ""), "name": name}
    missing = set(emails) - {p["email"] for p in found.values()}
    if missing:
        raise BadRequest(f"Not members of this organisation: {', '.join(sorted(missing))}.", code="unknown_assignee")
    return found


def _with_attachments(caller: Caller | None, org_id: str, project_id: str, content: dict[str, Any]) -> dict[str, Any]:
    """The version's content with its attachments checked and kept as ``{"id", "name"}``
    (``portal.files.attachments``): files of the item's organisation and project."""
    from ..files import attachments

    kept = attachments.validate_attachments(caller, org_id, content.get("attachments"), project_id=project_id)
    return {**content, "attachments": kept}


def _version(number: int, content: dict[str, Any], actor: dict[str, Any]) -> dict[str, Any]:
    return {"number": number, "content": content, "submittedAt": dt.datetime.now(dt.UTC), "submittedBy": actor}


def submit(
    caller: Caller | None, fields: dict[str, Any], *, label: str = "", approval_id: str | None = None
) -> dict[str, Any]:
    """Staff (or verified automation, ``caller`` None) submit an item for a client project.
    Automation passes an ``approval_id`` derived from its event, so a redelivery cannot
    create the item twice (``create`` fails)."""
    from google.cloud import firestore

    org_id = fields["orgId"]
    grant = db.grant(caller, Action.APPROVALS_SUBMIT, org_id) if caller else db.trusted_grant(
        Action.APPROVALS_SUBMIT, org_id)  # fmt: skip
    project = grant.project(fields["projectId"]).get()
    if not project.exists:
        raise NotFound("Project not found.")
    people = _assignees(grant, fields.get("assigneeEmails") or [])
    content = _with_attachments(caller, grant.org.id, project.id, fields["content"])
    approval_id = approval_id or f"apv-{secrets.token_hex(6)}"
    actor = _actor(caller, label)
    data = {
        "id": approval_id, "orgId": grant.org.id, "orgName": project.get("orgName") or "",
        "projectId": project.id, "projectName": project.get("name"), "contentType": fields["contentType"],
        "title": fields["title"], "description": fields.get("description") or "", "status": "pending",
        "due": fields.get("due"), "assignees": list(people), "assigneeInfo": people, "currentVersion": 1,
        "versions": [_version(1, content, actor)], "submittedBy": actor,
        "submittedAt": firestore.SERVER_TIMESTAMP, "decidedAt": None, "updatedAt": firestore.SERVER_TIMESTAMP,
    }  # fmt: skip
    ref = grant.approval(approval_id)
    ref.create(data)
    return detail_of(ref, caller)


def new_version(
    caller: Caller | None,
    approval_id: str,
    content: dict[str, Any],
    *,
    org_id: str | None = None,
    label: str = "",
    event_id: str | None = None,
) -> dict[str, Any]:
    """A new version puts the item back to pending; earlier versions and feedback stay.
    A version made for automation's ``event_id`` is made once."""
    from google.cloud import firestore

    ref = _locate(caller, approval_id, Action.APPROVALS_SUBMIT, org_id)
    snap = ref.get()
    if not snap.exists:
        raise NotFound("Approval not found.")
    content = _with_attachments(caller, ref.parent.parent.id, str(snap.get("projectId")), content)

    def run(tx: Any) -> None:
        data = db.read(tx, ref, "Approval not found.")
        if event_id and any(v.get("eventId") == event_id for v in data.get("versions") or []):
            return
        number = int(data.get("currentVersion", 0)) + 1
        version = {**_version(number, content, _actor(caller, label)), "eventId": event_id}
        tx.update(ref, {"versions": [*(data.get("versions") or []), version],
                        "currentVersion": number, "status": "pending", "decidedAt": None,
                        "updatedAt": firestore.SERVER_TIMESTAMP})  # fmt: skip

    db.transact(run)
    return detail_of(ref, caller)


def decide(caller: Caller, approval_id: str, action: str, comment: str, version: int | None) -> dict[str, Any]:
    """Record a decision on the current version, once: already decided or a stale version is 409."""
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import firestore

    from ..audit import service as audit
    from .models import NEEDS_COMMENT

    if action in NEEDS_COMMENT and not comment.strip():
        raise BadRequest("Say why: a comment is required to reject or request a revision.", code="comment_required")
    ref = _locate(caller, approval_id, Action.APPROVALS_DECIDE)

    def run(tx: Any) -> None:
        data = db.read(tx, ref, "Approval not found.")
        current = int(data.get("currentVersion", 1))
        if not may_decide(caller, data.get("assignees") or []):
            raise Forbidden("Only the client owner or the people assigned can decide this item.", code="not_assigned")
        if version is not None and version != current:
            raise Conflict(f"Version {version} is not the current one (version {current}).", code="stale_version")
        if data.get("status") != "pending":
            raise Conflict(f"Version {current} was already decided.", code="already_decided")
        tx.create(db.decision(ref, current), {
            "version": current, "action": action, "comment": comment.strip(), "by": _actor(caller),
            "at": firestore.SERVER_TIMESTAMP, "approvalId": approval_id, "orgId": data.get("orgId"),
            "title": data.get("title"), "projectId": data.get("projectId")})  # fmt: skip
        tx.update(ref, {"status": DECISION_STATUS[action], "decidedAt": firestore.SERVER_TIMESTAMP,
                        "updatedAt": firestore.SERVER_TIMESTAMP})  # fmt: skip
        audit.record("approval.decided", actor=caller, org_id=data.get("orgId"), target=approval_id,
                     details={"action": action, "version": current}, transaction=tx)  # fmt: skip

    try:
        db.transact(run)
    except AlreadyExists:
        raise Conflict("This version was already decided.", code="already_decided") from None
    return detail_of(ref, caller)


def comment(caller: Caller, approval_id: str, body: str, version: int | None) -> dict[str, Any]:
    from google.cloud import firestore

    ref = _locate(caller, approval_id, Action.APPROVALS_COMMENT)
    snap = ref.get()
    if not snap.exists:
        raise NotFound("Approval not found.")
    current = int(snap.get("currentVersion") or 1)
    if version is not None and not 1 <= version <= current:
        raise BadRequest(f"There is no version {version}.", code="no_such_version")
    data = {"version": version or current, "body": body.strip(), "author": _actor(caller),
            "createdAt": firestore.SERVER_TIMESTAMP}  # fmt: skip
    new = db.comments(ref).document()
    new.create(data)
    return {"comment": {"id": new.id, **db.to_json(new.get().to_dict() or {})}}


def detail_of(ref: Any, caller: Caller | None) -> dict[str, Any]:
    from google.cloud import firestore

    from ..files import attachments

    snap = ref.get()
    if not snap.exists:
        raise NotFound("Approval not found.")
    item = summary_json(snap, caller)
    versions = db.to_json(snap.get("versions") or [])
    kept = [(v.get("content") or {}).get("attachments") or [] for v in versions]
    for version, shown in zip(versions, attachments.render_many(ref.parent.parent.id, kept, caller), strict=True):
        version["content"] = {**(version.get("content") or {}), "attachments": shown}
    item["versions"] = versions
    comments = db.comments(ref).order_by("createdAt").limit(500)
    item["comments"] = [{"id": c.id, **db.to_json(c.to_dict() or {})} for c in comments.stream()]
    decisions = db.decisions(ref).order_by("at", direction=firestore.Query.ASCENDING)
    item["decisions"] = [{"id": d.id, **db.to_json(d.to_dict() or {})} for d in decisions.stream()]
    return item


def get(caller: Caller, approval_id: str) -> dict[str, Any]:
    return detail_of(_locate(caller, approval_id, Action.APPROVALS_READ), caller)


def list_approvals(
    caller: Caller,
    *,
    org_id: str | None,
    status: str | None,
    project_id: str | None,
    assigned_to_me: bool,
    due_before: str | None,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """A page of approvals, most recently submitted first."""
    from google.cloud import firestore

    query, prefix = db.scoped(caller, db.APPROVALS, Action.APPROVALS_READ, org_id)
    if status:
        query = query.where(filter=db.eq("status", status))
    if project_id:
        query = query.where(filter=db.eq("projectId", project_id))
    if assigned_to_me:
        query = query.where(filter=db.contains("assignees", caller.uid))
    if due_before:
        query = query.where(filter=db.at_most("due", due_before))
        query = query.order_by("due")
    query = query.order_by("submittedAt", direction=firestore.Query.DESCENDING)
    snaps, nxt = db.page(query, prefix, cursor, limit)
    from . import models

    return {"items": db.each_valid(snaps, lambda s: summary_json(s, caller), models.ApprovalSummary), "nextCursor": nxt}
