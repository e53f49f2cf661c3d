"""HTTPS functions: bookings, and the calendar webhook (Cal.com, Calendly, Google Calendar)."""

from deployment import HTTP, with_secrets
from firebase_functions import https_fn

from params import (
    CALCOM_WEBHOOK_SECRET,
    CALENDLY_WEBHOOK_SECRET,
    GOOGLE_CALENDAR_CHANNEL_TOKEN,
    GOOGLE_CALENDAR_SERVICE_ACCOUNT_JSON,
)
from portal.bookings import routes

CALENDAR = with_secrets(
    HTTP,
    CALCOM_WEBHOOK_SECRET,
    CALENDLY_WEBHOOK_SECRET,
    GOOGLE_CALENDAR_CHANNEL_TOKEN,
    GOOGLE_CALENDAR_SERVICE_ACCOUNT_JSON,
)


@https_fn.on_request(**HTTP)
def bookings(req: https_fn.Request) -> https_fn.Response:
    """GET /api/bookings"""
    return routes.bookings.serve(req)


@https_fn.on_request(**HTTP)
def booking_embed(req: https_fn.Request) -> https_fn.Response:
    """GET /api/bookings/embed"""
    return routes.booking_embed.serve(req)


@https_fn.on_request(**HTTP)
def booking_ics(req: https_fn.Request) -> https_fn.Response:
    """GET /api/bookings/{bookingId}/ics"""
    return routes.booking_ics.serve(req)


@https_fn.on_request(**HTTP)
def bookings_unmatched(req: https_fn.Request) -> https_fn.Response:
    """GET /api/bookings/unmatched"""
    return routes.bookings_unmatched.serve(req)


@https_fn.on_request(**HTTP)
def booking_assign(req: https_fn.Request) -> https_fn.Response:
    """POST /api/bookings/unmatched/{bookingId}/assign"""
    return routes.booking_assign.serve(req)


@https_fn.on_request(**CALENDAR)
def webhook_calendar(req: https_fn.Request) -> https_fn.Response:
    """POST /api/webhooks/calendar"""
    return routes.webhook_calendar.serve(req)
