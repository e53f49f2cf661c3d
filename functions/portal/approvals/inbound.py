"""What n8n may change in approvals, once its webhook signature has been verified."""

from __future__ import annotations

from typing import Any

from .. import db, webhooks
from . import service as approvals
from .models import N8nApprovalCreate, N8nApprovalVersion


def n8n_approval_event(event: N8nApprovalCreate | N8nApprovalVersion) -> dict[str, Any]:
    """n8n creates an approval item, or a new version of one (the same rules and fields as staff)."""

    def apply() -> dict[str, Any]:
        if isinstance(event, N8nApprovalCreate):
            fields = event.model_dump(mode="json", exclude={"eventId", "type"})
            approval_id = f"apv-{webhooks.processed_ref('n8n', event.eventId).id[:12]}"
            item = approvals.submit(None, fields, label="n8n", approval_id=approval_id)
        else:
            content = event.content.model_dump(mode="json")
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

    return webhooks.run_once("n8n", event.eventId, apply)
