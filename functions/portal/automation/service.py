"""What n8n and GBU may change, once their webhook signature has been verified."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import db, webhooks
from ..errors import BadRequest, NotFound
from ..policy import Action
from ..projects import service as projects


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

    def apply(delivery: webhooks.Delivery) -> dict[str, Any]:
        db.org_ref(event.orgId)
        project = projects.mutate(
            None,
            event.projectId,
            Action.MILESTONES_MANAGE,
            change,
            org_id=event.orgId,
            label="n8n",
            transaction_extra=lambda tx: delivery.record(tx, {"type": event.type}),
        )
        return {
            "project": {"id": project["id"], "status": project["status"], "progress": project["progress"]},
        }

    return webhooks.apply_once("n8n", event.eventId, apply)


def n8n_approval_event(event: Any) -> dict[str, Any]:
    """n8n creates an approval item, or a new version of one (the same rules as staff)."""
    from ..approvals import service as approvals

    content = event.content.model_dump(mode="json")

    def apply(delivery: webhooks.Delivery) -> dict[str, Any]:
        if event.type == "approval.create":
            missing = [f for f in ("projectId", "contentType", "title") if not getattr(event, f)]
            if missing:
                raise BadRequest(f"approval.create needs {', '.join(missing)}.")
            fields = {"orgId": event.orgId, "projectId": event.projectId, "contentType": event.contentType,
                      "title": event.title, "description": event.description, "due": event.due,
                      "assigneeEmails": event.assigneeEmails, "content": content}  # fmt: skip
            approval_id = f"apv-{delivery.key[:12]}"
            item = approvals.submit(None, fields, label="n8n", approval_id=approval_id)
        else:
            if not event.approvalId:
                raise BadRequest("approval.version needs an approvalId.")
            item = approvals.new_version(
                None, event.approvalId, content, org_id=event.orgId, label="n8n", event_id=event.eventId
            )
        # The item and its version are made once by their own ids; the ledger follows.
        db.transact(delivery.record, {"type": event.type, "approvalId": item["id"]})
        return {"approvalId": item["id"], "version": item["currentVersion"]}

    return webhooks.apply_once("n8n", event.eventId, apply)


def gbu_contract_event(event: Any) -> dict[str, Any]:
    """A contract's status for an organisation (and optionally one of its projects).
    An event older than the stored one is kept in the history but changes no status."""
    from google.cloud import firestore

    occurred = event.occurredAt or dt.datetime.now(dt.UTC)
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=dt.UTC)
    entry = {"status": event.status, "occurredAt": occurred, "eventId": event.eventId}

    def apply(delivery: webhooks.Delivery) -> dict[str, Any]:
        org = db.trusted_grant(Action.PROJECTS_READ, event.orgId)
        if org.org.kind.value != "client":
            raise NotFound("Organisation not found.")
        contract_ref = org.contract(event.contractId)
        project_ref = org.project(event.projectId) if event.projectId else None

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
            delivery.record(tx, {"contractId": event.contractId, "status": event.status})
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

        return {"applied": db.transact(run)}

    return webhooks.apply_once("gbu", event.eventId, apply)
