"""Billing trigger: past-due transitions notify once; leaving past due clears the alert."""

from deployment import EVENTS
from firebase_functions import firestore_fn

from portal.monitoring import reported

from ._change import data


@firestore_fn.on_document_written(document="orgs/{orgId}/billing/current", **EVENTS)
@reported
def billing_written(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
    from portal.billing.events import on_billing_written

    before, after = event.data.before, event.data.after
    on_billing_written(
        event.id,
        event.params["orgId"],
        data(before),
        data(after),
    )
