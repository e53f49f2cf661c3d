"""Bookings without the emulators: the order-safe merge, the providers' payloads, the
.ics file, Cal.com's unsigned deliveries, and the Calendar adapter against its stand-in."""

from __future__ import annotations

import socket

import pytest

from portal.bookings import inbound
from portal.bookings.ics import calendar_file
from portal.bookings.model import Change, kind_of_change, merge, utc
from portal.integrations import signatures


def change(status: str, at: str, source: str = "calcom", **details: object) -> Change:
    return Change("calcom-x", source, status, at, dict(details))


def test_times_are_stored_in_one_utc_form() -> None:
    assert utc("2026-11-26T10:00:00+01:00") == "2026-11-26T09:00:00Z"
    assert utc("2026-11-26T10:00:00.000Z") == "2026-11-26T10:00:00Z"
    assert utc("2026-11-26") == "2026-11-26T00:00:00Z"
    assert utc("tomorrow") is None and utc(None) is None


def test_a_late_created_after_cancelled_does_not_resurrect_but_fills_in() -> None:
    cancelled = merge(None, change("cancelled", "2026-01-02T00:00:00Z"))
    assert cancelled is not None and cancelled["status"] == "cancelled"
    late = merge(cancelled, change("confirmed", "2026-01-01T00:00:00Z", title="Call", start="2026-02-01T10:00:00Z"))
    assert late is not None and late["status"] == "cancelled" and late["title"] == "Call"
    # Even a created with a later timestamp cannot bring an ended booking back.
    assert merge(late, change("confirmed", "2026-03-01T00:00:00Z")) is None
    # The same event twice changes nothing.
    assert merge(late, change("cancelled", "2026-01-02T00:00:00Z")) is None


def test_google_events_follow_their_updated_time() -> None:
    first = merge(None, change("cancelled", "2026-01-02T00:00:00Z", source="google"))
    assert first is not None
    restored = merge(first, change("confirmed", "2026-01-03T00:00:00Z", source="google", title="Back"))
    assert restored is not None and restored["status"] == "confirmed"
    assert merge(restored, change("cancelled", "2026-01-01T00:00:00Z", source="google")) is None


def test_what_people_are_told() -> None:
    new = {"status": "confirmed", "start": "2026-01-01T10:00:00Z"}
    assert kind_of_change(None, new) == "new"
    assert kind_of_change(None, {**new, "rescheduledFrom": "calcom-a"}) == "moved"
    assert kind_of_change(new, {**new, "start": "2026-01-02T10:00:00Z"}) == "moved"
    assert kind_of_change(new, {**new, "status": "cancelled"}) == "cancelled"
    assert kind_of_change(new, {**new, "status": "rescheduled"}) is None
    assert kind_of_change({"status": "cancelled"}, {"status": "cancelled", "title": "x"}) is None


def calcom_body(trigger: str, uid: str, reschedule_uid: str | None = None) -> dict:
    payload = {
        "title": "Call",
        "startTime": "2026-12-01T10:00:00.000Z",
        "endTime": "2026-12-01T10:30:00.000Z",
        "uid": uid,
        "organizer": {"name": "Ops", "email": "ops@agency.test", "timeZone": "Europe/London"},
        "attendees": [{"name": "Olivia", "email": "Owner@Acme.test", "timeZone": "Europe/Berlin"}],
        "location": "integrations:daily",
        "metadata": {"videoCallUrl": "https://app.cal.com/video/x"},
    }
    if reschedule_uid:
        payload["rescheduleUid"] = reschedule_uid
    return {"triggerEvent": trigger, "createdAt": "2026-11-25T10:00:00.000Z", "payload": payload}


def test_calcom_reschedule_links_old_and_new() -> None:
    event_id, changes = inbound.calcom_changes(calcom_body("BOOKING_RESCHEDULED", "new1", "old1"))
    assert event_id == "BOOKING_RESCHEDULED:new1"
    new, old = changes
    assert (new.id, new.status, new.links) == ("calcom-new1", "confirmed", {"rescheduledFrom": "calcom-old1"})
    assert (old.id, old.status, old.links) == ("calcom-old1", "rescheduled", {"rescheduledTo": "calcom-new1"})
    assert new.details["start"] == "2026-12-01T10:00:00Z" and new.emails() == ["owner@acme.test"]
    assert new.details["videoUrl"] == "https://app.cal.com/video/x"
    assert inbound.calcom_changes({"triggerEvent": "MEETING_ENDED", "payload": {}}) == ("", [])


def test_calendly_reschedule_is_a_cancel_then_a_create() -> None:
    base = "https://api.calendly.com/scheduled_events/E1"
    cancel = {
        "event": "invitee.canceled",
        "created_at": "2026-11-25T10:00:00.000000Z",
        "payload": {
            "uri": f"{base}/invitees/OLD",
            "email": "owner@acme.test",
            "name": "O",
            "rescheduled": True,
            "new_invitee": f"{base}/invitees/NEW",
            "scheduled_event": {
                "name": "Chat",
                "start_time": "2026-12-01T10:00:00.000000Z",
                "end_time": "2026-12-01T10:30:00.000000Z",
            },
        },
    }
    event_id, [old] = inbound.calendly_changes(cancel)
    assert event_id == "invitee.canceled:OLD"
    assert (old.status, old.links) == ("rescheduled", {"rescheduledTo": "calendly-NEW"})
    create = {
        **cancel,
        "event": "invitee.created",
        "payload": {
            **cancel["payload"],
            "uri": f"{base}/invitees/NEW",
            "rescheduled": False,
            "old_invitee": f"{base}/invitees/OLD",
        },
    }
    _, [new] = inbound.calendly_changes(create)
    assert (new.id, new.status, new.links) == ("calendly-NEW", "confirmed", {"rescheduledFrom": "calendly-OLD"})


def test_cal_com_without_a_secret_is_refused() -> None:
    with pytest.raises(signatures.SignatureError, match="not signed"):
        signatures.CAL_COM.check("s", {"X-Cal-Signature-256": "no-secret-provided"}, b"{}")
    signatures.CAL_COM.check("s", signatures.CAL_COM.sign("s", b"{}"), b"{}")


def test_ics_escapes_folds_and_says_cancelled() -> None:
    booking = {
        "id": "calcom-x",
        "title": "Review; notes, and a title long enough to need folding at seventy-five octets",
        "start": "2026-12-01T10:00:00Z",
        "end": "2026-12-01T10:30:00Z",
        "status": "cancelled",
        "attendees": [{"name": "Olivia, O", "email": "owner@acme.test"}],
    }
    text = calendar_file(booking).decode()
    assert "SUMMARY:Review\\; notes\\, and" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\r\n " in text  # folded
    assert "DTSTART:20261201T100000Z" in text and "STATUS:CANCELLED" in text
    assert 'ATTENDEE;CN="Olivia, O":mailto:owner@acme.test' in text
    from icalendar import Calendar

    assert str(Calendar.from_ical(text).walk("VEVENT")[0]["SUMMARY"]).startswith("Review; notes, and")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_adapter_syncs_incrementally_watches_and_stops_against_the_stand_in() -> None:
    from standins.calendar import CalendarStandIn
    from standins.server import serve

    from portal.integrations.calendar.adapter import Calendar, SyncTokenExpired

    standin = CalendarStandIn(page_size=2, notify=False)
    port = _free_port()
    server = serve(standin.handle, port)
    try:
        cal = Calendar(api_url=f"http://127.0.0.1:{port}/")
        for i in range(3):
            standin.put(
                "c1",
                {
                    "id": f"e{i}",
                    "summary": f"M{i}",
                    "start": {"dateTime": "2026-12-01T10:00:00Z"},
                    "end": {"dateTime": "2026-12-01T11:00:00Z"},
                },
            )
        pages = list(cal.changes("c1", None, "2026-01-01T00:00:00Z"))
        token = pages[-1]
        assert [len(p) for p in pages[:-1]] == [2, 1] and isinstance(token, str) and token
        standin.cancel("c1", "e1")
        changed = list(cal.changes("c1", token, "2026-01-01T00:00:00Z"))
        assert [e["id"] for e in changed[0]] == ["e1"] and changed[0][0]["status"] == "cancelled"
        standin.expire_tokens()
        with pytest.raises(SyncTokenExpired):
            list(cal.changes("c1", str(changed[-1]), "2026-01-01T00:00:00Z"))
        channel = cal.watch("c1", "chan-1", "http://127.0.0.1:1/hook", "tok", 3600)
        assert channel.id == "chan-1" and channel.resource_id and channel.expiration_ms > 0
        assert standin.sent[-1]["X-Goog-Resource-State"] == "sync" and standin.sent[-1]["X-Goog-Channel-Token"] == "tok"
        cal.stop("chan-1", channel.resource_id)
        assert standin.stopped == ["chan-1"]
    finally:
        server.shutdown()
