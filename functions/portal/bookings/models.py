"""Models of bookings: the list, the scheduling links, unmatched meetings."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from ..api.common import Id, Limit, Model, Out

Cursor = Annotated[str, StringConstraints(max_length=1024)]


class BookingsQuery(Model):
    orgId: Id | None = None
    """Staff: one client (default: every client). Clients: their own only."""
    when: Literal["upcoming", "past"] = "upcoming"
    cursor: Cursor | None = None
    limit: Limit | None = None


class Attendee(Out):
    name: str = ""
    email: str


class Booking(Out):
    id: str
    orgId: str | None = None
    orgName: str | None = None
    source: Literal["google", "calcom", "calendly"]
    status: Literal["confirmed", "cancelled", "rescheduled"]
    title: str = "Meeting"
    start: str | None = None
    """UTC, ``YYYY-MM-DDTHH:MM:SSZ``: pages show it in the reader's time zone."""
    end: str | None = None
    timeZone: str | None = None
    """The time zone the meeting was booked in."""
    attendees: list[Attendee] = []
    organizer: Attendee | None = None
    location: str | None = None
    videoUrl: str | None = None
    cancelUrl: str | None = None
    rescheduleUrl: str | None = None
    htmlLink: str | None = None
    rescheduledFrom: str | None = None
    rescheduledTo: str | None = None
    suggestedOrgId: str | None = None
    """Unmatched only: the client an attendee's email domain names (staff decide)."""


class BookingList(Out):
    items: list[Booking]
    nextCursor: str | None = None


class IcsQuery(Model):
    orgId: Id | None = None


class EmbedLink(Out):
    label: str
    provider: Literal["calcom", "calendly"]
    url: str
    """The scheduling page, prefilled with the caller's name and email."""
    embedUrl: str
    """The portal's own document that frames the provider's inline widget."""


class Embed(Out):
    connected: bool
    links: list[EmbedLink]


class UnmatchedBookingList(Out):
    items: list[Booking]


class AssignIn(Model):
    orgId: Id


class CalendarWebhookResult(Out):
    ok: bool
    duplicate: bool = False
    ignored: bool | None = None
    bookings: list[dict[str, object]] | None = None
    synced: int | None = None
