"""A meeting as an iCalendar (RFC 5545) file, written by the ``icalendar`` library
(escaping, line folding, UTC times)."""

from __future__ import annotations

import datetime as dt
from typing import Any

PRODID = "-//Client Portal//Bookings//EN"


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)


def calendar_file(booking: dict[str, Any]) -> bytes:
    """One VEVENT for ``booking`` (cancelled meetings say so, so a calendar that imported
    it earlier drops it)."""
    from icalendar import Calendar, Event, vCalAddress, vText

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{booking.get('id')}@client-portal")
    event.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
    start = _time(str(booking["start"]))
    event.add("dtstart", start)
    event.add("dtend", _time(str(booking["end"])) if booking.get("end") else start + dt.timedelta(minutes=30))
    event.add("summary", str(booking.get("title") or "Meeting"))
    where = booking.get("location") or booking.get("videoUrl")
    if where:
        event.add("location", str(where))
    notes = [str(booking.get("description") or "")]
    if booking.get("videoUrl"):
        notes.append(f"Join: {booking['videoUrl']}")
        event.add("url", str(booking["videoUrl"]))
    text = "\n".join(n for n in notes if n)
    if text:
        event.add("description", text)
    event.add("status", "CANCELLED" if booking.get("status") in ("cancelled", "rescheduled") else "CONFIRMED")
    organizer = booking.get("organizer") or {}
    if organizer.get("email"):
        who = vCalAddress(f"mailto:{organizer['email']}")
        if organizer.get("name"):
            who.params["cn"] = vText(organizer["name"])
        event.add("organizer", who)
    for person in booking.get("attendees") or []:
        if person.get("email"):
            attendee = vCalAddress(f"mailto:{person['email']}")
            if person.get("name"):
                attendee.params["cn"] = vText(person["name"])
            event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    return bytes(cal.to_ical())
