"""Routes of bookings, and the calendar webhook (Cal.com, Calendly, Google Calendar)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api.lazy import lazy
from ..api.web import GET, POST, Ctx, Operation, Route, Stream

if TYPE_CHECKING:
    from . import inbound, service
    from . import models as m
else:
    m, service, inbound = (
        lazy("portal.bookings.models"),
        lazy("portal.bookings.service"),
        lazy("portal.bookings.inbound"),
    )


def _list(ctx: Ctx) -> Any:
    q = ctx.query
    return service.list_bookings(ctx.user, org_id=q.orgId, when=q.when, cursor=q.cursor, limit=q.limit)


def _ics(ctx: Ctx) -> Stream:
    body, name = service.ics(ctx.user, ctx.params["bookingId"], ctx.query.orgId)
    return Stream(body, filename=name)


WEBHOOK = (
    "One URL for three providers, told apart by their headers and verified before the body is read: "
    "Cal.com `X-Cal-Signature-256` (hex HMAC-SHA256 of the raw body; `no-secret-provided` is refused), "
    'Calendly `Calendly-Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` within 5 minutes, '
    "Google Calendar push notifications (`X-Goog-Channel-Token`, `X-Goog-Resource-State` `sync`/`exists`). "
    "Idempotent (per booking and event; per channel message) and order-safe: a late creation after a "
    "cancellation does not bring the meeting back."
)

# fmt: off
bookings = Route("bookings", "/api/bookings", "bookings", (
    Operation(GET, _list, "Meetings, upcoming (soonest first) or past (latest first), paginated with a cursor",
              query=m.BookingsQuery, response=m.BookingList, errors=(400, 403, 404)),
))
booking_embed = Route("booking_embed", "/api/bookings/embed", "bookings", (
    Operation(GET, lambda ctx: service.embed(ctx.user, ctx.query.orgId),
              "The organisation's Cal.com or Calendly scheduling pages, prefilled with the caller's name and email",
              query=m.IcsQuery, response=m.Embed, errors=(403, 404)),
))
booking_ics = Route("booking_ics", "/api/bookings/{bookingId}/ics", "bookings", (
    Operation(GET, _ics, "A meeting as an iCalendar (.ics) file, to add to one's calendar", query=m.IcsQuery,
              produces="text/calendar", errors=(403, 404)),
))
bookings_unmatched = Route("bookings_unmatched", "/api/bookings/unmatched", "bookings", (
    Operation(GET, lambda ctx: {"items": service.unmatched(ctx.user)},
              "Meetings whose attendees matched no client organisation (staff)", response=m.UnmatchedBookingList,
              errors=(403,)),
))
booking_assign = Route("booking_assign", "/api/bookings/unmatched/{bookingId}/assign", "bookings", (
    Operation(POST, lambda ctx: service.assign(ctx.user, ctx.params["bookingId"], ctx.body.orgId),
              "Put an unmatched meeting into a client organisation (staff)", body=m.AssignIn, response=m.Booking,
              errors=(400, 403, 404)),
))
webhook_calendar = Route("webhook_calendar", "/api/webhooks/calendar", "webhooks", (
    Operation(POST, lambda ctx: inbound.receive(ctx.verified), "Cal.com, Calendly and Google Calendar notifications",
              public=True, rate_bucket="ip", verify=lambda ctx: inbound.verify(ctx.request.headers, ctx.raw_body),
              response=m.CalendarWebhookResult, errors=(400, 401, 502, 503), description=WEBHOOK),
))
# fmt: on

ROUTES = (bookings, booking_embed, booking_ics, bookings_unmatched, booking_assign, webhook_calendar)
