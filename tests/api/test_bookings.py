"""Bookings: the calendar webhook (Cal.com, Calendly, Google), the list per role and
organisation, unmatched meetings, the .ics download and the scheduling links."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from helpers import bearer, error_code, settle, wait_for

from portal import db
from portal.integrations import signatures

pytestmark = pytest.mark.usefixtures("world")

HOOK = "/api/webhooks/calendar"
CALCOM, CALENDLY = "dev-calcom-secret", "dev-calendly-secret"


def calcom(trigger: str, uid: str, email: str = "member@acme.test", *, days: int = 3, reschedule: str | None = None,
           created: str = "2026-11-25T10:00:00.000Z") -> dict:  # fmt: skip
    start = time.strftime("%Y-%m-%dT10:00:00.000Z", time.gmtime(time.time() + days * 86400))
    end = start.replace("T10:00", "T10:30")
    payload = {"type": "30min", "title": "Logo call", "startTime": start, "endTime": end, "uid": uid,
               "organizer": {"name": "Oscar Ops", "email": "ops@agency.test", "timeZone": "Europe/London"},
               "attendees": [{"name": "Max", "email": email, "timeZone": "Europe/Berlin"}],
               "location": "integrations:daily", "metadata": {"videoCallUrl": f"https://app.cal.com/video/{uid}"},
               "status": "CANCELLED" if trigger == "BOOKING_CANCELLED" else "ACCEPTED"}  # fmt: skip
    if reschedule:
        payload["rescheduleUid"] = reschedule
    return {"triggerEvent": trigger, "createdAt": created, "payload": payload}


def calendly(event: str, invitee: str, email: str = "owner@globex.test", **extra: object) -> dict:
    base = f"https://api.calendly.com/scheduled_events/E{invitee}"
    start = time.strftime("%Y-%m-%dT15:00:00.000000Z", time.gmtime(time.time() + 4 * 86400))
    return {"event": event, "created_at": "2026-11-25T10:00:00.000000Z",
            "payload": {"uri": f"{base}/invitees/{invitee}", "email": email, "name": "Grace", "timezone": "UTC",
                        "rescheduled": False, "cancel_url": f"https://calendly.com/cancellations/{invitee}",
                        "reschedule_url": f"https://calendly.com/reschedulings/{invitee}",
                        "scheduled_event": {"uri": base, "name": "Check-in", "start_time": start,
                                            "end_time": start.replace("T15:", "T16:"),
                                            "location": {"type": "zoom", "join_url": "https://zoom.us/j/1"}},
                        **extra}}  # fmt: skip


def send(http: httpx.Client, body: dict, provider: str = "calcom", *, secret: str | None = None,
         timestamp: int | None = None, headers: dict | None = None) -> httpx.Response:  # fmt: skip
    raw = json.dumps(body).encode()
    if provider == "calcom":
        signed = signatures.CAL_COM.sign(secret or CALCOM, raw)
    else:
        signed = signatures.CALENDLY.sign(secret or CALENDLY, raw, timestamp)
    return http.post(HOOK, content=raw, headers={"Content-Type": "application/json", **signed, **(headers or {})})


def stored(org: str, booking_id: str) -> dict | None:
    snap = db.system(org).booking(booking_id).get()
    return snap.to_dict() if snap.exists else None


def ids(http: httpx.Client, email: str, **query: str) -> list[str]:
    r = http.get("/api/bookings", params=query, headers=bearer(email))
    assert r.status_code == 200, r.text
    return [b["id"] for b in r.json()["items"]]


def test_calcom_booking_is_matched_listed_for_its_org_only_and_applied_once(http: httpx.Client) -> None:
    r = send(http, calcom("BOOKING_CREATED", "t-one"))
    assert r.status_code == 200, r.text
    assert r.json()["duplicate"] is False and r.json()["bookings"][0]["orgId"] == "acme"
    assert send(http, calcom("BOOKING_CREATED", "t-one")).json()["duplicate"] is True
    assert "calcom-t-one" in ids(http, "member@acme.test") and "calcom-t-one" in ids(http, "owner@acme.test")
    assert "calcom-t-one" in ids(http, "ops@agency.test") and "calcom-t-one" in ids(
        http, "ops@agency.test", orgId="acme"
    )
    assert "calcom-t-one" not in ids(http, "owner@globex.test")
    assert http.get("/api/bookings", params={"orgId": "acme"}, headers=bearer("owner@globex.test")).status_code == 404
    assert http.get("/api/bookings").status_code == 401
    item = next(b for b in http.get("/api/bookings", headers=bearer("owner@acme.test")).json()["items"]
                if b["id"] == "calcom-t-one")  # fmt: skip
    assert item["source"] == "calcom" and item["status"] == "confirmed" and item["start"].endswith("Z")
    assert item["cancelUrl"] == "https://app.cal.com/booking/t-one?cancel=true"


def test_refused_deliveries_change_nothing(http: httpx.Client) -> None:
    body = calcom("BOOKING_CREATED", "t-bad")
    assert error_code(send(http, body, secret="wrong")) == "bad_signature"
    raw = json.dumps(body).encode()
    r = http.post(HOOK, content=raw, headers={"X-Cal-Signature-256": "no-secret-provided"})
    assert r.status_code == 401
    assert http.post(HOOK, content=raw).status_code == 401
    stale = send(http, calendly("invitee.created", "STALE"), "calendly", timestamp=int(time.time()) - 3600)
    assert stale.status_code == 401 and error_code(stale) == "stale_signature"
    assert error_code(send(http, calendly("invitee.created", "BADC"), "calendly", secret="nope")) == "bad_signature"
    assert stored("acme", "calcom-t-bad") is None and stored("globex", "calendly-STALE") is None
    bad = signatures.CAL_COM.sign(CALCOM, b"[1]")
    assert http.post(HOOK, content=b"[1]", headers=bad).status_code == 400
    broken = signatures.CAL_COM.sign(CALCOM, b"{not json")
    assert http.post(HOOK, content=b"{not json", headers=broken).status_code == 400


def test_out_of_order_cancel_then_created_stays_cancelled(http: httpx.Client) -> None:
    assert send(http, calcom("BOOKING_CANCELLED", "t-ooo", created="2026-11-25T11:00:00.000Z")).status_code == 200
    assert send(http, calcom("BOOKING_CREATED", "t-ooo", created="2026-11-25T10:00:00.000Z")).status_code == 200
    doc = stored("acme", "calcom-t-ooo")
    assert doc is not None and doc["status"] == "cancelled" and doc["title"] == "Logo call"


def test_calcom_reschedule_links_old_and_new(http: httpx.Client) -> None:
    send(http, calcom("BOOKING_CREATED", "t-old", days=2))
    r = send(http, calcom("BOOKING_RESCHEDULED", "t-new", days=5, reschedule="t-old"))
    assert r.status_code == 200, r.text
    old, new = stored("acme", "calcom-t-old"), stored("acme", "calcom-t-new")
    assert old and new and old["status"] == "rescheduled" and old["rescheduledTo"] == "calcom-t-new"
    assert new["status"] == "confirmed" and new["rescheduledFrom"] == "calcom-t-old"


def test_calendly_reschedule_and_cancel(http: httpx.Client) -> None:
    base = "https://api.calendly.com/scheduled_events/EX"
    assert send(http, calendly("invitee.created", "OLDI"), "calendly").status_code == 200
    moved = calendly("invitee.canceled", "OLDI", rescheduled=True, new_invitee=f"{base}/invitees/NEWI")
    assert send(http, moved, "calendly").status_code == 200
    assert send(http, calendly("invitee.created", "NEWI", old_invitee=f"{base}/invitees/OLDI"), "calendly").is_success
    old, new = stored("globex", "calendly-OLDI"), stored("globex", "calendly-NEWI")
    assert old and new and old["status"] == "rescheduled" and new["rescheduledFrom"] == "calendly-OLDI"
    assert send(http, calendly("invitee.canceled", "NEWI"), "calendly").status_code == 200
    assert stored("globex", "calendly-NEWI")["status"] == "cancelled"  # type: ignore[index]


def test_a_stranger_on_a_clients_domain_waits_for_staff_with_the_client_suggested(http: httpx.Client) -> None:
    domain = (db.system("acme").doc().get().to_dict() or {})["emailDomains"][0]
    r = send(http, calcom("BOOKING_CREATED", "t-walk-in", email=f"anyone@{domain}"))
    assert r.status_code == 200 and r.json()["bookings"][0]["orgId"] is None, r.text
    assert "calcom-t-walk-in" not in ids(http, "owner@acme.test")
    assert stored("acme", "calcom-t-walk-in") is None
    listed = http.get("/api/bookings/unmatched", headers=bearer("ops@agency.test")).json()["items"]
    waiting = next(b for b in listed if b["id"] == "calcom-t-walk-in")
    assert waiting["suggestedOrgId"] == "acme"
    settle()
    notified = [s.to_dict() for s in db.system("acme").notifications().stream()]
    assert not any("calcom-t-walk-in" in str(n) for n in notified)
    done = http.post("/api/bookings/unmatched/calcom-t-walk-in/assign", json={"orgId": "acme"},
                     headers=bearer("ops@agency.test"))  # fmt: skip
    assert done.status_code == 200 and "calcom-t-walk-in" in ids(http, "owner@acme.test")
    assert done.json().get("suggestedOrgId") is None
    # a disabled member is nobody the portal knows any more
    member = db.system("acme").users().where(filter=db.eq("email", "member@acme.test")).get()[0]
    member.reference.update({"disabled": True})
    r = send(http, calcom("BOOKING_CREATED", "t-former", email="member@acme.test"))
    assert r.json()["bookings"][0]["orgId"] is None


def test_unmatched_bookings_wait_for_staff_and_follow_their_org(http: httpx.Client) -> None:
    r = send(http, calcom("BOOKING_CREATED", "t-stranger", email="pat@nowhere.test"))
    assert r.json()["bookings"][0]["orgId"] is None
    assert http.get("/api/bookings/unmatched", headers=bearer("owner@acme.test")).status_code == 403
    assert http.get("/api/bookings/unmatched").status_code == 401
    listed = http.get("/api/bookings/unmatched", headers=bearer("ops@agency.test")).json()["items"]
    assert "calcom-t-stranger" in [b["id"] for b in listed]
    path = "/api/bookings/unmatched/calcom-t-stranger/assign"
    assert http.post(path, json={"orgId": "acme"}, headers=bearer("owner@acme.test")).status_code == 403
    assert http.post(path, json={"orgId": "agency"}, headers=bearer("ops@agency.test")).status_code in (400, 403)
    assert http.post(path, json={}, headers=bearer("ops@agency.test")).status_code == 400
    assert http.post(path, json={"orgId": "nope"}, headers=bearer("ops@agency.test")).status_code == 404
    done = http.post(path, json={"orgId": "globex"}, headers=bearer("ops@agency.test"))
    assert done.status_code == 200, done.text
    assert done.json()["orgId"] == "globex" and "calcom-t-stranger" in ids(http, "owner@globex.test")
    # A later cancellation follows it there, whatever its attendees.
    send(http, calcom("BOOKING_CANCELLED", "t-stranger", email="pat@nowhere.test"))
    assert stored("globex", "calcom-t-stranger")["status"] == "cancelled"  # type: ignore[index]
    again = http.post(path, json={"orgId": "globex"}, headers=bearer("ops@agency.test"))
    assert again.status_code == 404


@pytest.fixture
def demo_bookings(world: dict) -> None:
    from portal.seed import seed_bookings

    seed_bookings()


@pytest.mark.usefixtures("demo_bookings")
def test_list_inputs_and_paging(http: httpx.Client) -> None:
    h = bearer("ops@agency.test")
    assert http.get("/api/bookings", params={"when": "soon"}, headers=h).status_code == 400
    assert http.get("/api/bookings", params={"limit": "0"}, headers=h).status_code == 400
    assert error_code(http.get("/api/bookings", params={"cursor": "xx"}, headers=h)) == "invalid_cursor"
    first = http.get("/api/bookings", params={"limit": "2"}, headers=h).json()
    assert len(first["items"]) == 2 and first["nextCursor"]
    rest = http.get("/api/bookings", params={"limit": "50", "cursor": first["nextCursor"]}, headers=h).json()
    starts = [b["start"] for b in first["items"] + rest["items"]]
    assert starts == sorted(starts) and not {b["id"] for b in first["items"]} & {b["id"] for b in rest["items"]}
    past = http.get("/api/bookings", params={"when": "past"}, headers=bearer("owner@acme.test")).json()["items"]
    assert past and all(b["start"] < first["items"][0]["start"] for b in past)


def test_ics_download_for_own_meetings_only(http: httpx.Client) -> None:
    send(http, calcom("BOOKING_CREATED", "t-ics"))
    r = http.get("/api/bookings/calcom-t-ics/ics", headers=bearer("member@acme.test"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in r.content and b"SUMMARY:Logo call" in r.content
    assert "attachment" in r.headers["content-disposition"]
    assert http.get("/api/bookings/calcom-t-ics/ics", headers=bearer("owner@globex.test")).status_code == 404
    assert http.get("/api/bookings/calcom-t-ics/ics", headers=bearer("ops@agency.test")).status_code == 200
    assert http.get("/api/bookings/calcom-t-ics/ics").status_code == 401
    assert http.get("/api/bookings/nothing-here/ics", headers=bearer("owner@acme.test")).status_code == 404


def test_embed_links_are_prefilled(http: httpx.Client) -> None:
    links = [{"label": "Book a call", "url": "https://cal.com/northlight/30min"}]
    r = http.patch("/api/orgs/acme/settings", json={"bookingLinks": links}, headers=bearer("ops@agency.test"))
    assert r.status_code == 200, r.text
    embed = http.get("/api/bookings/embed", headers=bearer("member@acme.test")).json()
    assert embed["connected"] is True
    link = embed["links"][0]
    assert link["provider"] == "calcom" and "email=member%40acme.test" in link["url"] and "name=Max" in link["url"]
    assert link["embedUrl"].startswith("/embed/bookings/index.html?provider=calcom&url=")
    assert http.get("/api/bookings/embed", headers=bearer("owner@globex.test")).json()["connected"] is False
    assert (
        http.get("/api/bookings/embed", params={"orgId": "acme"}, headers=bearer("owner@globex.test")).status_code
        == 404
    )
    assert http.get("/api/bookings/embed").status_code == 401


def test_a_new_meeting_is_announced_and_reaches_the_dashboard(http: httpx.Client, hooks) -> None:
    send(http, calcom("BOOKING_CREATED", "t-dash", days=1))

    def announced() -> bool:
        notes = db.system("acme").notifications().where(filter=db.eq("kind", "meeting")).stream()
        return any("Logo call" in n.get("title") for n in notes) and any(
            b"Logo call" in r.content for r in hooks.received("/slack")
        )  # type: ignore[attr-defined]

    wait_for(announced, timeout=60)
    dash = wait_for(lambda: [b for b in http.get("/api/dashboard", headers=bearer("member@acme.test"))
                             .json()["upcomingBookings"] if b["id"] == "calcom-t-dash"], timeout=60)  # fmt: skip
    assert dash[0]["start"].endswith("Z")
    live = db.live_signal(next(iter(db.system("acme").users().where(filter=db.eq("email", "member@acme.test"))
                                    .stream())).id).get()  # fmt: skip
    assert live.exists and "bookings" in (live.to_dict() or {})


def test_google_calendar_sync_push_and_full_resync(http: httpx.Client, calendar_standin) -> None:
    from portal.bookings import calendar_sync
    from portal.bookings.model import calendar_scope
    from portal.seed import DEMO_CALENDAR_ID

    cal = calendar_standin
    db.system("acme").doc().update({"calendarId": DEMO_CALENDAR_ID})
    cal.put(DEMO_CALENDAR_ID, {"id": "gone1", "summary": "Sprint demo", "start": {"dateTime": "2030-01-02T10:00:00Z"},
                               "end": {"dateTime": "2030-01-02T11:00:00Z"}})  # fmt: skip
    assert calendar_sync.sync(DEMO_CALENDAR_ID, "acme") >= 1
    found = [b for b in ids(http, "owner@acme.test") if b.endswith("-gone1")]
    assert found
    # Push: a channel is opened; a change is notified and synced by the webhook.
    assert calendar_sync.renew_channels() >= 1
    assert calendar_sync.renew_channels() == 0  # not near expiry: nothing renewed
    cal.put(DEMO_CALENDAR_ID, {"id": "pushed1", "summary": "Pushed", "start": {"dateTime": "2030-01-03T10:00:00Z"},
                               "end": {"dateTime": "2030-01-03T11:00:00Z"}})  # fmt: skip
    wait_for(lambda: any(b.endswith("-pushed1") for b in ids(http, "owner@acme.test")), timeout=60)
    wrong = http.post(HOOK, headers={"X-Goog-Channel-Token": "nope", "X-Goog-Channel-ID": "x",
                                     "X-Goog-Resource-State": "exists"})  # fmt: skip
    assert wrong.status_code == 401
    # An expired sync token: a full sync again, cancellations included.
    cal.notify = False
    cal.cancel(DEMO_CALENDAR_ID, "gone1")
    cal.expire_tokens()
    calendar_sync.sync(DEMO_CALENDAR_ID, "acme")
    assert stored("acme", found[0])["status"] == "cancelled"  # type: ignore[index]
    # Renewal before expiry stops the old channel.
    state = db.calendar_syncs().document(calendar_scope(DEMO_CALENDAR_ID))
    old = state.get().get("channel")
    assert calendar_sync.renew_channels(now=time.time() + 8 * 86400) >= 1
    assert old["id"] in cal.stopped
