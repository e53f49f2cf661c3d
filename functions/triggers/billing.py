"""Billing trigger: past-due transitions notify once; leaving past due clears the alert."""

from firebase_functions import firestore_fn

from portal.services.billing_events import on_billing_written


@firestore_fn.on_document_written(document="orgs/{orgId}/billing/current", region="us-central1")
def billing_written(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
    before, after = event.data.before, event.data.after
    on_billing_written(
        event.id,
        event.params["orgId"],
        before.to_dict() if before is not None and before.exists else None,
        after.to_dict() if after is not None and after.exists else None,
    )
