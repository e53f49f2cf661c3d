"""What n8n and GBU may change, once their webhook signature has been verified."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import db, webhooks
from ..errors import BadRequest, NotFound
from ..policy import Action
from ..projects import service as projects


def _duplicate() -> dict[str, Any]:
    return {"ok": True, "duplicate": True}


def _run_once(source: str, event_id: str, apply: Any) -> dict[str, Any]:
    from google.api_core.exceptions import AlreadyExists

    if webhooks.seen(source, event_id):
        return _duplicate()
    try:
        return apply()
    except AlreadyExists:  # processed concurrently
        return _duplicate()


def n8n_project_event(event: Any) -> dict[str, Any]:
    """A project status change, a milestone update or a new milestone reported by n8n."""

    def change(data: dict[str, Any]) -> None:
        if event.type == "project.status":
            if event.status is None:
                raise BadRequest("project.status needs a status.")
            data["status"] = event.status
        elif event.type == "milestone.update":
            if not event.milestoneId:
                raise BadRequest("milestone.update needs a milestoneId.")
            fields = {
                k: v for k, v in (("title", event.title), ("due", event.due), ("done", event.done)) if v is not None
            }
            projects.update_milestone_fields(data, event.milestoneId, fields)
        elif event.type == "milestone.add":
            if not event.title:
                raise BadRequest("milestone.add needs a title.")
            data["milestones"] = [*(data.get("milestones") or []), projects.new_milestone(event.title, event.due)]

    def apply() -> dict[str, Any]:
        db.org_ref(event.orgId)
        project = projects.mutate(
            None,
            event.projectId,
            Action.MILESTONES_MANAGE,
            change,
            org_id=event.orgId,
            label="n8n",
            transaction_extra=lambda tx: webhooks.remember(tx, "n8n", event.eventId, {"type": event.type}),
        )
        return {
            "ok": True,
            "duplicate": False,
            "project": {"id": project["id"], "status": project["status"], "progress": project["progress"]},
        }

    return _run_once("n8n", event.eventId, apply)


def n8n_approval_event(event: Any) -> dict[str, Any]:
    """n8n creates an approval item, or a new version of one (the same rules as staff)."""
    from ..approvals import service as approvals

    content = event.content.model_dump(mode="json")

    def apply() -> dict[str, Any]:
        if event.type == "approval.create":
            missing = [f for f in ("projectId", "contentType", "title") if not getattr(event, f)]
            if missing:
                raise BadRequest(f"approval.create needs {', '.join(missing)}.")
            fields = {"orgId": event.orgId, "projectId": event.projectId, "contentType": event.contentType,
                      "title": event.title, "description": event.description, "due": event.due,
                      "assigneeEmails": event.assigneeEmails, "content": content}  # fmt: skip
            approval_id = f"apv-{webhooks.processed_ref('n8n', event.eventId).id[:12]}"
            item = approvals.submit(None, fields, label="n8n", approval_id=approval_id)
        else:
            if not event.approvalId:
                raise BadRequest("approval.version needs an approvalId.")
            item = approvals.new_version(
                None, event.approvalId, content, org_id=event.orgId, label="n8n", event_id=event.eventId
            )
        from google.cloud import firestore

        transaction = db.client().transaction()

        @firestore.transactional
        def remember(tx: Any) -> None:
            webhooks.remember(tx, "n8n", event.eventId, {"type": event.type, "approvalId": item["id"]})

        remember(transaction)
        return {"ok": True, "duplicate": False, "approvalId": item["id"], "version": item["currentVersion"]}

    return _run_once("n8n", event.eventId, apply)


def gbu_contract_event(event: Any) -> dict[str, Any]:
    """A contract's status for an organisation (and optionally one of its projects).
    An event older than the stored one is kept in the history but changes no status."""
    from google.cloud import firestore

    occurred = event.occurredAt or dt.datetime.now(dt.UTC)
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=dt.UTC)
    entry = {"status": event.status, "occurredAt": occurred, "eventId": event.eventId}

    def apply() -> dict[str, Any]:
        org = db.trusted_grant(Action.PROJECTS_READ, event.orgId)
        if org.org.kind.value != "client":
            raise NotFound("Organisation not found.")
        contract_ref = org.collection("contracts").document(event.contractId)
        project_ref = org.collection("projects").document(event.projectId) if event.projectId else None
        transaction = db.client().transaction()

        @firestore.transactional
        def run(tx: Any) -> bool:
            current = contract_ref.get(transaction=tx)
            if project_ref is not None and not project_ref.get(transaction=tx).exists:
                raise NotFound("Project not found.")
            stored = (current.to_dict() or {}) if current.exists else {}
            newer = not stored or stored.get("occurredAt") is None or occurred >= stored["occurredAt"]
            update: dict[str, Any] = {"history": firestore.ArrayUnion([entry]), "updatedAt": firestore.SERVER_TIMESTAMP}
            if newer:
                update.update(
                    {
                        "status": event.status,
                        "occurredAt": occurred,
                        "title": event.title or stored.get("title") or "",
                        "documentUrl": str(event.documentUrl) if event.documentUrl else None,
                        "projectId": event.projectId,
                        "contractId": event.contractId,
                    }
                )
            webhooks.remember(tx, "gbu", event.eventId, {"contractId": event.contractId, "status": event.status})
            tx.set(contract_ref, update, merge=True)
            if newer and project_ref is not None:
                tx.update(
                    project_ref,
                    {
                        "contract": {"id": event.contractId, "status": event.status, "title": event.title or ""},
                        "lastActivity": firestore.SERVER_TIMESTAMP,
                        "updatedBy": {"uid": None, "email": None, "label": "gbu"},
                    },
                )
            return newer

        newer = run(transaction)
        return {"ok": True, "duplicate": False, "applied": newer}

    return _run_once("gbu", event.eventId, apply)
