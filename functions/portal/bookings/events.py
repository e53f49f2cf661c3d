"""Side effects of a stored booking changing, run by the booking trigger, each once per
change: the dashboard's next meetings, a live signal for the organisation's people and
staff, and for a new, moved or cancelled meeting an in-app notification and Slack."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import db, live
from ..dashboard import summaries
from ..deliveries import service as deliveries
from ..notifications import service as notifications
from .model import kind_of_change, now_utc

WORDS = {"new": "New meeting", "moved": "Meeting moved", "cancelled": "Meeting cancelled"}
EMOJI = {"new": ":calendar:", "moved": ":arrows_counterclockwise:", "cancelled": ":x:"}


def _people(org_id: str) -> list[tuple[str, str, str]]:
    """(uid, email, role) of the organisation's active accounts."""
    users = db.system(org_id).users().select(["email", "role", "disabled"])
    found = [(s.id, s.to_dict() or {}) for s in users.stream()]
    return [(uid, str(d.get("email") or "").lower(), str(d.get("role") or "")) for uid, d in found
            if not d.get("disabled")]  # fmt: skip


def staff_uids() -> list[str]:
    agency = db.orgs().where(filter=db.eq("kind", "agency")).limit(1).select([]).stream()
    return [uid for snap in agency for uid, _, _ in _people(snap.id)]


def _when(booking: dict[str, Any]) -> str:
    start = str(booking.get("start") or "")
    try:
        return dt.datetime.fromisoformat(start.replace("Z", "+00:00")).strftime("%a %d %b %Y, %H:%M UTC")
    except ValueError:
        return "a time to be confirmed"


def on_booking_written(org_id: str, booking_id: str, before: dict[str, Any] | None,
                       after: dict[str, Any] | None) -> str:  # fmt: skip
    summaries.refresh_bookings(org_id)
    people = _people(org_id)
    live.poke([uid for uid, _, _ in people] + staff_uids(), "bookings", booking_id)
    kind = kind_of_change(before, after)
    if kind is None or after is None:
        return "unchanged"
    if str(after.get("end") or after.get("start") or "") < now_utc():
        return "past"  # a first sync of a calendar brings its history: nothing to tell anyone
    attending = {str(a.get("email", "")).lower() for a in after.get("attendees") or []}
    uids = [uid for uid, email, role in people if email in attending or role == "client_owner"]
    title = str(after.get("title") or "Meeting")
    when = _when(after)
    key = f"booking-{booking_id}-{kind}-{after.get('start') or ''}"
    notifications.notify(org_id, uids, key=key, kind="meeting", title=f"{WORDS[kind]}: {title}",
                         body=f"{'Was' if kind == 'cancelled' else 'On'} {when}.", link="/bookings")  # fmt: skip
    org = db.system(org_id).doc().get()
    org_name = str((org.to_dict() or {}).get("name", org_id)) if org.exists else org_id
    deliveries.enqueue_slack(f"meeting_{kind}", f"{EMOJI[kind]} {org_name}: {WORDS[kind].lower()} “{title}”, {when}.",
                             key, org_id, to_client=True)  # fmt: skip
    return kind
