"""What n8n may change in approvals, once its webhook signature has been verified."""

from __future__ import annotations

from typing import Any

from .. import db, webhooks
from . import service as approvals
from .models import N8nApprovalCreate, N8nApprovalVersion


def n8n_approval_event(event: N8nApprovalCreate | N8nApprovalVersion) -> dict[str, Any]:
    """n8n creates an approval item, or a new version of one (the same rules and fields as staff)."""

    def apply(delivery: webhooks.Delivery) -> dict[str, Any]:
        if isinstance(event, N8nApprovalCreate):
            fields = event.model_dump(mode="json", exclude={"eventId", "type"})
            item = approvals.submit(None, fields, label="n8n", approval_id=f"apv-{delivery.key[:12]}")
        else:
            content = event.content.model_dump(mode="json")
            item = approvals.new_version(
                None, event.approvalId, content, org_id=event.orgId, label="n8n", event_id=event.eventId
            )
        # The item and its version are made once by their own ids; the ledger follows.
        db.transact(delivery.record, {"type": event.type, "approvalId": item["id"]})
        return {"approvalId": item["id"], "version": item["currentVersion"]}

    return webhooks.apply_once("n8n", event.eventId, apply)
