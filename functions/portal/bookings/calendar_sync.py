"""Google Calendar into bookings: each client's own calendar (its settings' calendar id:
every event there is the client's) and the agency's calendar (``GOOGLE_CALENDAR_AGENCY_ID``:
events matched to a client by their attendees; the agency's own are left out).

``calendarSync/{scope}`` keeps each calendar's ``syncToken`` and push channel. A push
notification or the periodic job runs an incremental sync; a 410 from Google starts a
full one again. Channels are renewed by a scheduled job a day before they expire.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

from .. import config, db, logs
from ..errors import NotConnected
from ..integrations.calendar.adapter import PAST_DAYS, Calendar, CalendarError, SyncTokenExpired
from .model import Change, booking_id, calendar_scope, now_utc, utc

CHUNK = 100
CHANNEL_TTL = 7 * 24 * 3600
RENEW_BEFORE = 24 * 3600


def calendars() -> list[tuple[str, str | None]]:
    """(calendar id, organisation or None for the agency's calendar) the portal follows."""
    out: list[tuple[str, str | None]] = []
    for snap in db.client_orgs().select(["calendarId", "archived"]).stream():
        data = snap.to_dict() or {}
        if data.get("calendarId") and not data.get("archived"):
            out.append((str(data["calendarId"]), snap.id))
    agency = config.env("GOOGLE_CALENDAR_AGENCY_ID")
    if agency:
        out.append((agency, None))
    return out


def to_change(event: dict[str, Any], calendar_id: str, org_id: str | None) -> Change | None:
    """A Google event as a booking change (None for what is not a meeting of ours)."""
    event_id = str(event.get("id") or "")
    if not event_id:
        return None
    start, end = event.get("start") or {}, event.get("end") or {}
    entry = next((e for e in (event.get("conferenceData") or {}).get("entryPoints") or []
                  if e.get("entryPointType") == "video"), None)  # fmt: skip
    people = [{"name": str(a.get("displayName") or ""), "email": str(a["email"]).lower()}
              for a in event.get("attendees") or [] if a.get("email") and not a.get("resource")]  # fmt: skip
    organizer = event.get("organizer") or {}
    details = {
        "title": str(event.get("summary") or "Meeting")[:300],
        "start": utc(start.get("dateTime") or start.get("date")), "end": utc(end.get("dateTime") or end.get("date")),
        "timeZone": start.get("timeZone"), "attendees": people,
        "organizer": {"name": str(organizer.get("displayName") or ""), "email": str(organizer["email"]).lower()}
        if organizer.get("email") else None,
        "location": str(event.get("location") or "")[:500] or None,
        "videoUrl": event.get("hangoutLink") or (entry or {}).get("uri"),
        "htmlLink": event.get("htmlLink"), "calendarId": calendar_id, "providerId": event_id,
    }  # fmt: skip
    status = "cancelled" if event.get("status") == "cancelled" else "confirmed"
    return Change(booking_id("google", event_id, calendar_scope(calendar_id)), "google", status,
                  utc(event.get("updated")) or now_utc(), details, org_hint=org_id)  # fmt: skip


def _state(calendar_id: str) -> Any:
    return db.calendar_syncs().document(calendar_scope(calendar_id))


def sync(calendar_id: str, org_id: str | None, calendar: Calendar | None = None) -> int:
    """An incremental sync of one calendar (full when there is no token or it expired).
    Returns how many bookings changed."""
    from google.cloud import firestore

    cal = calendar or Calendar.from_config()
    ref = _state(calendar_id)
    snap = ref.get()
    token = (snap.to_dict() or {}).get("syncToken") if snap.exists else None
    time_min = (dt.datetime.now(dt.UTC) - dt.timedelta(days=PAST_DAYS)).strftime("%Y-%m-%dT%H:%M:%SZ")
    changed = 0
    try:
        next_token, changed = _run(cal, calendar_id, org_id, token, time_min)
    except SyncTokenExpired:
        logs.info("calendar sync token expired: full sync", calendarId=calendar_id)
        next_token, changed = _run(cal, calendar_id, org_id, None, time_min)
    except CalendarError as exc:
        if org_id:
            from ..orgs import settings

            settings.record_worked(org_id, "calendar", error=str(exc))
        raise
    ref.set({"calendarId": calendar_id, "orgId": org_id, "syncToken": next_token or None,
             "syncedAt": firestore.SERVER_TIMESTAMP}, merge=True)  # fmt: skip
    if org_id:
        from ..orgs import settings

        settings.record_worked(org_id, "calendar")
    return changed


def _run(cal: Calendar, calendar_id: str, org_id: str | None, token: str | None, time_min: str) -> tuple[str, int]:
    from . import service

    changed, next_token = 0, ""
    for page in cal.changes(calendar_id, token, time_min):
        if isinstance(page, str):
            next_token = page
            break
        changes = [c for c in (to_change(e, calendar_id, org_id) for e in page) if c]
        for start in range(0, len(changes), CHUNK):
            result = service.apply_changes(changes[start : start + CHUNK], keep_unmatched=False)
            changed += sum(1 for b in result["bookings"] if b["changed"])
    return next_token, changed


def on_push(channel_id: str, state: str, resource_id: str) -> dict[str, Any]:
    """A push notification of channel ``channel_id``: ``sync`` opens it; anything else
    means the calendar changed."""
    found = next(iter(db.calendar_syncs().where(filter=db.eq("channel.id", channel_id)).limit(1).stream()), None)
    if found is None:
        logs.warning("calendar notification for an unknown channel", channelId=channel_id)
        return {"ignored": True}
    if state == "sync":
        return {"synced": 0}
    data = found.to_dict() or {}
    try:
        return {"synced": sync(str(data["calendarId"]), data.get("orgId"))}
    except CalendarError as exc:  # Google retries the notification; the periodic sync catches up
        from ..errors import BadGateway

        raise BadGateway(f"Google Calendar could not be read: {exc}", code="calendar_unavailable") from None


def renew_channels(now: float | None = None, calendar: Calendar | None = None) -> int:
    """Open a channel for every followed calendar that has none or whose channel expires
    within a day; the old channel is stopped once the new one is open."""
    from google.cloud import firestore

    token = config.secret("GOOGLE_CALENDAR_CHANNEL_TOKEN")
    if not token:
        raise NotConnected("Set GOOGLE_CALENDAR_CHANNEL_TOKEN to receive Google Calendar notifications.")
    now = time.time() if now is None else now
    cal = calendar or Calendar.from_config()
    address = config.portal_url() + "/api/webhooks/calendar"
    renewed = 0
    for calendar_id, org_id in calendars():
        ref = _state(calendar_id)
        snap = ref.get()
        old = (snap.to_dict() or {}).get("channel") if snap.exists else None
        if old and int(old.get("expiration") or 0) / 1000 > now + RENEW_BEFORE:
            continue
        try:
            channel = cal.watch(calendar_id, str(uuid.uuid4()), address, token, CHANNEL_TTL)
        except CalendarError as exc:
            logs.warning("calendar watch failed", calendarId=calendar_id, error=str(exc))
            continue
        ref.set({"calendarId": calendar_id, "orgId": org_id, "channel": {"id": channel.id,
                 "resourceId": channel.resource_id, "expiration": channel.expiration_ms},
                 "channelRenewedAt": firestore.SERVER_TIMESTAMP}, merge=True)  # fmt: skip
        if old and old.get("id"):
            try:
                cal.stop(str(old["id"]), str(old.get("resourceId") or ""))
            except CalendarError as exc:
                logs.warning("calendar channel stop failed", channelId=old.get("id"), error=str(exc))
        renewed += 1
    return renewed


def sync_all(calendar: Calendar | None = None) -> dict[str, int]:
    """The periodic fallback: an incremental sync of every followed calendar."""
    try:
        cal = calendar or Calendar.from_config()
    except NotConnected:
        return {}
    out = {}
    for calendar_id, org_id in calendars():
        try:
            out[calendar_id] = sync(calendar_id, org_id, cal)
        except CalendarError as exc:
            logs.warning("calendar sync failed", calendarId=calendar_id, error=str(exc))
    return out
