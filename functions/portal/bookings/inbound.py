"""``POST /api/webhooks/calendar``: Cal.com, Calendly and Google Calendar push
notifications on one URL, told apart by their headers and verified before anything is
parsed.

- Cal.com: ``X-Cal-Signature-256`` (hex HMAC-SHA256 of the raw body, secret
  ``CALCOM_WEBHOOK_SECRET``). ``BOOKING_CREATED``, ``BOOKING_RESCHEDULED``
  (``payload.uid`` the new booking, ``payload.rescheduleUid`` the earlier one),
  ``BOOKING_CANCELLED``. Nothing is timestamped in the signature, so each event is
  applied once per booking and trigger event.
- Calendly: ``Calendly-Webhook-Signature: t=,v1=`` within five minutes (secret
  ``CALENDLY_WEBHOOK_SECRET``). ``invitee.created`` and ``invitee.canceled``; a
  reschedule is a cancel with ``rescheduled: true`` (and ``new_invitee``) plus a create
  (with ``old_invitee``). Applied once per invitee and event.
- Google Calendar: ``X-Goog-Channel-Token`` (secret ``GOOGLE_CALENDAR_CHANNEL_TOKEN``);
  ``X-Goog-Resource-State`` ``sync`` (the channel opened) is acknowledged, ``exists`` /
  ``not_exists`` run an incremental sync of the channel's calendar. Applied once per
  channel and message number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import webhooks
from ..errors import BadRequest
from ..integrations import signatures
from .model import Change, booking_id, now_utc, utc

CALCOM_SECRET = "CALCOM_WEBHOOK_SECRET"  # noqa: S105 - names, not values
CALENDLY_SECRET = "CALENDLY_WEBHOOK_SECRET"  # noqa: S105
GOOGLE_TOKEN = "GOOGLE_CALENDAR_CHANNEL_TOKEN"  # noqa: S105
CALCOM_APP = "https://app.cal.com"
CALCOM_EVENTS = {"BOOKING_CREATED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED"}
CALENDLY_EVENTS = {"invitee.created", "invitee.canceled"}


@dataclass(frozen=True)
class Verified:
    """A delivery whose signature checked out: its provider, parsed body and headers."""

    provider: str
    body: Any
    headers: dict[str, str]


def _has(headers: Any, name: str) -> bool:
    return bool((headers.get(name) or "").strip())


def verify(headers: Any, raw: bytes) -> Verified:
    """Which provider sent this, checked with its secret; then (only then) the parsed body."""
    import json

    if _has(headers, "X-Goog-Channel-Token") or _has(headers, "X-Goog-Resource-State"):
        signatures.verify(signatures.GOOGLE_CHANNEL, GOOGLE_TOKEN, "Google Calendar", headers, raw)
        wanted = ("X-Goog-Channel-ID", "X-Goog-Resource-State", "X-Goog-Message-Number", "X-Goog-Resource-ID")
        return Verified("google", None, {k: (headers.get(k) or "").strip() for k in wanted})
    if _has(headers, "X-Cal-Signature-256"):
        signatures.verify(signatures.CAL_COM, CALCOM_SECRET, "Cal.com", headers, raw)
        provider = "calcom"
    elif _has(headers, "Calendly-Webhook-Signature"):
        signatures.verify(signatures.CALENDLY, CALENDLY_SECRET, "Calendly", headers, raw)
        provider = "calendly"
    else:
        from ..errors import Unauthenticated

        raise Unauthenticated("Missing webhook signature.", code="bad_signature")
    try:
        body = json.loads(raw)
    except ValueError:
        raise BadRequest("The body is not JSON.", code="invalid_body") from None
    if not isinstance(body, dict) or not isinstance(body.get("payload"), dict):
        raise BadRequest("The body has no payload object.", code="invalid_body")
    return Verified(provider, body, {})


def _person(p: Any) -> dict[str, str] | None:
    if not isinstance(p, dict) or not p.get("email"):
        return None
    return {"name": str(p.get("name") or p.get("displayName") or ""), "email": str(p["email"]).strip().lower()}


def _people(items: Any) -> list[dict[str, str]]:
    return [p for p in (_person(i) for i in (items if isinstance(items, list) else [])) if p]


def _text(value: Any, limit: int = 500) -> str | None:
    return str(value)[:limit] if isinstance(value, (str, int, float)) and str(value) else None


def _url(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith("https://") and len(value) < 2000 else None


def calcom_changes(body: dict[str, Any]) -> tuple[str, list[Change]]:
    """The event id to apply once, and the bookings a Cal.com delivery changes."""
    trigger = str(body.get("triggerEvent") or "")
    p = body["payload"]
    uid = _text(p.get("uid"), 200)
    if trigger not in CALCOM_EVENTS:
        return "", []
    if not uid:
        raise BadRequest("The Cal.com payload has no booking uid.", code="invalid_body")
    at = utc(body.get("createdAt")) or now_utc()
    meta = p.get("metadata") if isinstance(p.get("metadata"), dict) else {}
    video = _url((meta or {}).get("videoCallUrl")) or _url(
        (p.get("videoCallData") or {}).get("url") if isinstance(p.get("videoCallData"), dict) else None
    )
    location = _text(p.get("location"))
    organizer = _person(p.get("organizer"))
    tz = _text((p.get("organizer") or {}).get("timeZone") if isinstance(p.get("organizer"), dict) else None, 64)
    details = {
        "title": _text(p.get("title"), 300) or _text(p.get("eventTitle"), 300) or "Meeting",
        "start": utc(p.get("startTime")), "end": utc(p.get("endTime")), "timeZone": tz,
        "attendees": _people(p.get("attendees")), "organizer": organizer,
        "location": None if location and location.startswith(("http", "integrations:")) else location,
        "videoUrl": video or (_url(location) if location else None), "providerId": uid,
        "description": _text(p.get("description"), 2000),
        "cancelUrl": f"{CALCOM_APP}/booking/{uid}?cancel=true", "rescheduleUrl": f"{CALCOM_APP}/reschedule/{uid}",
    }  # fmt: skip
    new_id = booking_id("calcom", uid)
    status = "cancelled" if trigger == "BOOKING_CANCELLED" else "confirmed"
    changes = [Change(new_id, "calcom", status, at, details)]
    earlier = _text(p.get("rescheduleUid"), 200) if trigger == "BOOKING_RESCHEDULED" else None
    if earlier:
        old_id = booking_id("calcom", earlier)
        changes[0].links["rescheduledFrom"] = old_id
        old = {"title": details["title"], "attendees": details["attendees"], "organizer": organizer,
               "providerId": earlier, "start": utc(p.get("rescheduleStartTime")),
               "end": utc(p.get("rescheduleEndTime"))}  # fmt: skip
        changes.append(Change(old_id, "calcom", "rescheduled", at, old, {"rescheduledTo": new_id}))
    return f"{trigger}:{uid}", changes


def _uuid(uri: Any) -> str | None:
    return str(uri).rstrip("/").rsplit("/", 1)[-1] or None if isinstance(uri, str) and uri else None


def calendly_changes(body: dict[str, Any]) -> tuple[str, list[Change]]:
    """The event id to apply once, and the bookings a Calendly delivery changes."""
    event = str(body.get("event") or "")
    p = body["payload"]
    if event not in CALENDLY_EVENTS:
        return "", []
    invitee = _uuid(p.get("uri"))
    if not invitee:
        raise BadRequest("The Calendly payload has no invitee uri.", code="invalid_body")
    scheduled: dict[str, Any] = p["scheduled_event"] if isinstance(p.get("scheduled_event"), dict) else {}
    where: dict[str, Any] = scheduled["location"] if isinstance(scheduled.get("location"), dict) else {}
    hosts: list[Any] = scheduled["event_memberships"] if isinstance(scheduled.get("event_memberships"), list) else []
    host = next((h for h in hosts if isinstance(h, dict) and h.get("user_email")), None)
    invitee_person = _person({"name": p.get("name"), "email": p.get("email")})
    details = {
        "title": _text(scheduled.get("name"), 300) or "Meeting",
        "start": utc(scheduled.get("start_time")), "end": utc(scheduled.get("end_time")),
        "timeZone": _text(p.get("timezone"), 64),
        "attendees": [invitee_person] if invitee_person else [],
        "organizer": _person({"name": host.get("user_name"), "email": host.get("user_email")}) if host else None,
        "location": _text(where.get("location")) if not _url(where.get("location")) else None,
        "videoUrl": _url(where.get("join_url")) or _url(where.get("location")),
        "cancelUrl": _url(p.get("cancel_url")), "rescheduleUrl": _url(p.get("reschedule_url")),
        "providerId": invitee,
    }  # fmt: skip
    at = utc(body.get("created_at")) or now_utc()
    this = booking_id("calendly", invitee)
    links: dict[str, str] = {}
    if event == "invitee.canceled":
        status = "rescheduled" if p.get("rescheduled") else "cancelled"
        new = _uuid(p.get("new_invitee"))
        if status == "rescheduled" and new:
            links["rescheduledTo"] = booking_id("calendly", new)
    else:
        status = "confirmed"
        old = _uuid(p.get("old_invitee"))
        if old:
            links["rescheduledFrom"] = booking_id("calendly", old)
    return f"{event}:{invitee}", [Change(this, "calendly", status, at, details, links)]


def receive(verified: Verified) -> dict[str, Any]:
    """Apply a verified delivery once."""
    from . import calendar_sync, service

    if verified.provider == "google":
        h = verified.headers
        channel, state = h["X-Goog-Channel-ID"], h["X-Goog-Resource-State"]
        if not channel:
            raise BadRequest("The notification names no channel.", code="invalid_body")
        event_id = f"{channel}:{h['X-Goog-Message-Number'] or state}"

        def sync(delivery: webhooks.Delivery) -> dict[str, Any]:
            result = calendar_sync.on_push(channel, state, h["X-Goog-Resource-ID"])
            from .. import db

            db.transact(delivery.record, {"channel": channel, "state": state, **result})
            return result

        return webhooks.apply_once("google-calendar", event_id, sync)
    parse = calcom_changes if verified.provider == "calcom" else calendly_changes
    event_id, changes = parse(verified.body)
    if not changes:
        return {"ok": True, "duplicate": False, "ignored": True}
    return webhooks.apply_once(verified.provider, event_id, lambda d: service.apply_changes(changes, d))
