"""What n8n and GBU may change in projects, once their webhook signature has been verified."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import db, webhooks
from ..errors import NotFound
from ..policy import Action
from . import service as projects
from .models import GbuContractEvent, N8nMilestoneAdd, N8nMilestoneUpdate, N8nProjectStatus


def n8n_project_event(event: N8nProjectStatus | N8nMilestoneUpdate | N8nMilestoneAdd) -> dict[str, Any]:
    """A project status change, a milestone update or a new milestone reported by n8n."""

    def change(data: dict[str, Any]) -> None:
        if isinstance(event, N8nProjectStatus):
            data["status"] = event.status
        elif isinstance(event, N8nMilestoneUpdate):
            fields = event.model_dump(mode="json", include={"title", "due", "done"}, exclude_none=True)
            projects.update_milestone_fields(data, event.milestoneId, fields)
        else:
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


def gbu_contract_event(event: GbuContractEvent) -> dict[str, Any]:
    """A contract's status for an organisation (and optionally one of its projects).
    An event older than the stored one is kept in the history but changes no status; a
    ``signed`` event records when it was signed (``signedAt``). The contract trigger
    (:mod:`portal.contracts.events`) tells the client's owners when one awaits their signature."""
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

        def run(tx: Any) -> bool:
            current = contract_ref.get(transaction=tx)
            stored = (current.to_dict() or {}) if current.exists else {}
            linked = event.projectId or stored.get("projectId")  # an event without one keeps the link
            project_ref = org.project(linked) if linked else None
            if project_ref is not None and not project_ref.get(transaction=tx).exists:
                if event.projectId:
                    raise NotFound("Project not found.")
                project_ref = None  # the project it was linked to is gone
            newer = not stored or stored.get("occurredAt") is None or occurred >= stored["occurredAt"]
            update: dict[str, Any] = {"history": firestore.ArrayUnion([entry]), "updatedAt": firestore.SERVER_TIMESTAMP}
            title = event.title or stored.get("title") or ""
            if newer:  # an event that leaves out the link or the project keeps the ones stored
                update.update(
                    {
                        "status": event.status,
                        "occurredAt": occurred,
                        "title": title,
                        "documentUrl": str(event.documentUrl) if event.documentUrl else stored.get("documentUrl"),
                        "projectId": linked,
                        "contractId": event.contractId,
                    }
                )
            if event.status == "signed" and (newer or not stored.get("signedAt")):
                update["signedAt"] = occurred  # when it was signed, even if a later status came first
            delivery.record(tx, {"contractId": event.contractId, "status": event.status})
            tx.set(contract_ref, update, merge=True)
            if newer and project_ref is not None:
                tx.update(
                    project_ref,
                    {
                        "contract": {"id": event.contractId, "status": event.status, "title": title},
                        "lastActivity": firestore.SERVER_TIMESTAMP,
                        "updatedBy": {"uid": None, "email": None, "label": "gbu"},
                    },
                )
            return newer

        return {"applied": db.transact(run)}

    return webhooks.apply_once("gbu", event.eventId, apply)
