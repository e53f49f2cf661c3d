"""The booking as every source describes it, and the order-safe rule that folds a change
into what is stored. Pure: no storage, no network (unit-tested on its own).

A booking is identified by its source and the provider's own id (``calcom-<uid>``,
``calendly-<invitee uuid>``, ``google-<calendar>-<event id>``), so every event about it,
whichever order they arrive in, lands on the same document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

SOURCES = ("google", "calcom", "calendly")
STATUSES = ("confirmed", "cancelled", "rescheduled")
RANK = {"confirmed": 0, "rescheduled": 1, "cancelled": 1}
"""Webhook sources: an ended booking (cancelled, or moved to another) never comes back, so
a late ``created`` after a ``cancelled`` only fills in what was missing."""
DETAILS = ("title", "start", "end", "timeZone", "attendees", "organizer", "location", "videoUrl", "cancelUrl",
           "rescheduleUrl", "htmlLink", "calendarId", "providerId", "description")  # fmt: skip
LINKS = ("rescheduledFrom", "rescheduledTo")
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def utc(value: Any) -> str | None:
    """An ISO 8601 time (any offset, or a date) as ``YYYY-MM-DDTHH:MM:SSZ`` in UTC, the
    one stored form (it sorts as text and pages by value); None when not a time."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("z", "Z")
    try:
        if len(text) == 10:
            parsed = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
        else:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def booking_id(source: str, provider_id: str, scope: str = "") -> str:
    """The document id of a provider's booking (long or unsafe ids are hashed)."""
    key = f"{scope}-{provider_id}" if scope else provider_id
    clean = _SAFE.sub("_", key)
    if len(clean) > 100 or clean != key:
        clean = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"{source}-{clean}"


def calendar_scope(calendar_id: str) -> str:
    return hashlib.sha256(calendar_id.encode()).hexdigest()[:10]


@dataclass
class Change:
    """What one event says about one booking."""

    id: str
    source: str
    status: str
    event_at: str
    details: dict[str, Any] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    org_hint: str | None = None
    """The organisation the source names (a client's own calendar); else matched by attendees."""

    def emails(self) -> list[str]:
        people = list(self.details.get("attendees") or [])
        return sorted({str(p.get("email", "")).strip().lower() for p in people if p.get("email")})


def merge(current: dict[str, Any] | None, change: Change) -> dict[str, Any] | None:
    """The stored booking after ``change``, or None when it changes nothing.

    Newer wins: for Google by the event's ``updated`` time (an event can be restored);
    for Cal.com and Calendly an ended booking (cancelled, rescheduled) stays ended and
    among equals the later event wins. An older event still fills in details the stored
    booking lacks (a cancellation that arrived before the creation), never its status."""
    details = {k: v for k, v in change.details.items() if v not in (None, "", [])}
    if current is None:
        return {"id": change.id, "source": change.source, "status": change.status, "eventAt": change.event_at,
                **details, **change.links}  # fmt: skip
    cur_status = str(current.get("status") or "confirmed")
    cur_at = str(current.get("eventAt") or "")
    if change.source == "google":
        newer = change.event_at >= cur_at
    else:
        rank, cur_rank = RANK.get(change.status, 0), RANK.get(cur_status, 0)
        newer = rank > cur_rank or (rank == cur_rank and change.event_at >= cur_at)
    doc = dict(current)
    if newer:
        doc.update(details)
        doc["status"] = change.status
        doc["eventAt"] = max(change.event_at, cur_at)
    else:
        doc.update({k: v for k, v in details.items() if current.get(k) in (None, "", [])})
    for key, value in change.links.items():
        doc.setdefault(key, value)
    return None if doc == current else doc


def kind_of_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str | None:
    """What people are told about a stored change: ``new``, ``moved``, ``cancelled`` or nothing."""
    if after is None:
        return None
    status = after.get("status")
    if before is None or before.get("status") is None:
        if status == "confirmed":
            return "moved" if after.get("rescheduledFrom") else "new"
        return None
    if status == "cancelled" and before.get("status") != "cancelled":
        return "cancelled"
    if status == "confirmed" and before.get("status") == "confirmed":
        if (before.get("start"), before.get("end")) != (after.get("start"), after.get("end")) and before.get("start"):
            return "moved"
        if not before.get("start") and after.get("start"):
            return "new"
    if status == "confirmed" and before.get("status") != "confirmed":  # restored (Google)
        return "new"
    return None
