"""A new outbound delivery goes to the task queue."""

from deployment import EVENTS
from firebase_functions import firestore_fn

from portal.monitoring import reported


@firestore_fn.on_document_created(document="deliveries/{deliveryId}", **EVENTS)
@reported
def delivery_created(event: firestore_fn.Event[firestore_fn.DocumentSnapshot | None]) -> None:
    from portal.deliveries.service import dispatch

    dispatch(event.params["deliveryId"])
