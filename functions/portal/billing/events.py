"""What happens when an organisation's billing status changes (the billing trigger):
entering past due notifies its owners in the portal, the agency on Slack and n8n
(``payment_overdue``), once per transition; leaving it clears the alert."""

from __future__ import annotations

from typing import Any

from .. import db
from ..deliveries import service as deliveries
from ..notifications import service as notifications


def _money(plan: dict[str, Any] | None) -> str:
    if not plan or plan.get("amount") is None:
        return ""
    return f" ({plan['amount'] / 100:.2f} {str(plan.get('currency') or '').upper()})"


def on_billing_written(event_id: str, org_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """React to a write of ``orgs/{orgId}/billing/current``; returns what it did."""
    from google.cloud import firestore

    was = (before or {}).get("status")
    now = (after or {}).get("status")
    store = db.system(org_id)
    org = store.doc().get()
    org_name = org.get("name") if org.exists else org_id
    client_entry = {"billing": {"status": now, "manageUrl": (after or {}).get("manageUrl")}}
    db.clients_summary().set({"clients": {org_id: client_entry}}, merge=True)
    if now == was:
        return "unchanged"
    ref = store.billing()
    if now != "past_due":
        if was == "past_due":
            ref.set({"pastDueSince": None}, merge=True)
            return "cleared"
        return "changed"
    ref.set({"pastDueSince": firestore.SERVER_TIMESTAMP}, merge=True)
    key = f"billing-past-due-{event_id}"
    notifications.notify(org_id, notifications.owners(org_id), key=key, kind="payment_overdue",
                         title="A payment is past due", link="/billing",
                         body="Please update your payment method to keep work going.")  # fmt: skip
    plan = (after or {}).get("plan")
    deliveries.enqueue("slack", "payment_overdue",
                       {"text": f":warning: {org_name} is past due{_money(plan)}."},
                       deliveries.key_for(key, "slack"), org_id)  # fmt: skip
    deliveries.enqueue("n8n", "payment_overdue",
                       {"event": "payment_overdue", "eventId": key, "orgId": org_id, "orgName": org_name,
                        "membershipId": (after or {}).get("membershipId"), "plan": plan,
                        "manageUrl": (after or {}).get("manageUrl")},
                       deliveries.key_for(key, "n8n"), org_id)  # fmt: skip
    return "past_due"
