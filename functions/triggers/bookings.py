"""Booking trigger: dashboard, live signal, notifications and Slack for a changed meeting."""

from deployment import EVENTS
from firebase_functions import firestore_fn

from ._change import data


@firestore_fn.on_document_written(document="orgs/{orgId}/bookings/{bookingId}", **EVENTS)
def booking_written(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
    from portal.bookings.events import on_booking_written

    before, after = event.data.before, event.data.after
    on_booking_written(event.params["orgId"], event.params["bookingId"], data(before), data(after))
