"""A stand-in for the Google Calendar API (v3) over plain HTTP on 127.0.0.1.

What it speaks, from Calendar's reference and its sync and push guides, as far as the
portal uses it:

* ``GET /calendar/v3/calendars/{calendarId}/events``: a full listing (``timeMin``,
  ``singleEvents``, ``showDeleted``) or an incremental one (``syncToken``: what changed
  since, cancelled events included), paged by ``maxResults``/``pageToken``; the last
  page carries ``nextSyncToken``. A sync token from before :meth:`expire_tokens` is
  answered ``410 Gone`` (``fullSyncRequired``), as Google does.
* ``POST /calendar/v3/calendars/{calendarId}/events`` inserts an event (for trying
  things locally); ``PATCH .../events/{eventId}`` changes one; both notify channels.
* ``POST /calendar/v3/calendars/{calendarId}/events/watch`` opens a push channel
  (``id``, ``type: web_hook``, ``address``, ``token``, ``params.ttl``) and sends the
  ``sync`` notification; every change then POSTs ``exists`` to the address with the
  ``X-Goog-*`` headers. ``POST /calendar/v3/channels/stop`` closes one (204).

``python dev/standins/calendar.py [port]`` serves the demo calendars.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import secrets
import threading
from typing import Any
from urllib.parse import parse_qs, unquote

import httpx

CALENDAR_PORT = 9914
PREFIX = "/calendar/v3/"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _error(status: int, reason: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": status, "message": message,
                                                  "errors": [{"reason": reason, "message": message}]}})  # fmt: skip


class CalendarStandIn:
    """Calendars in memory: events with a change sequence, sync tokens, push channels."""

    def __init__(self, page_size: int = 50, notify: bool = True) -> None:
        self.events: dict[str, dict[str, dict[str, Any]]] = {}
        self.changed_at: dict[tuple[str, str], int] = {}
        self.seq = itertools.count(1)
        self.last = 0
        self.epoch = secrets.token_hex(4)
        self.channels: dict[str, dict[str, Any]] = {}
        self.stopped: list[str] = []
        self.page_size = page_size
        self.notify = notify
        self.lock = threading.Lock()
        self.sent: list[dict[str, str]] = []

    # --- test and demo helpers -------------------------------------------------------------

    def put(self, calendar_id: str, event: dict[str, Any]) -> dict[str, Any]:
        """Insert or replace an event (``id`` given or made); channels are notified."""
        with self.lock:
            event = {"kind": "calendar#event", "status": "confirmed", **event}
            event.setdefault("id", secrets.token_hex(8))
            event["updated"] = _now()
            event.setdefault("htmlLink", f"https://calendar.google.com/calendar/event?eid={event['id']}")
            self.events.setdefault(calendar_id, {})[event["id"]] = event
            self.last = next(self.seq)
            self.changed_at[(calendar_id, event["id"])] = self.last
        self._push(calendar_id)
        return event

    def cancel(self, calendar_id: str, event_id: str) -> None:
        current = self.events[calendar_id][event_id]
        self.put(calendar_id, {**current, "status": "cancelled"})

    def expire_tokens(self) -> None:
        """Every sync token given so far is refused with 410 from now on."""
        self.epoch = secrets.token_hex(4)

    def reset(self) -> None:
        with self.lock:
            self.events.clear()
            self.changed_at.clear()
            self.channels.clear()
            self.stopped.clear()
            self.sent.clear()
            self.epoch = secrets.token_hex(4)

    # --- push ------------------------------------------------------------------------------

    def _push(self, calendar_id: str, state: str = "exists", only: str | None = None) -> None:
        targets = [
            c for c in self.channels.values() if c["calendarId"] == calendar_id and (only is None or c["id"] == only)
        ]
        for channel in targets:
            channel["number"] += 1
            headers = {"X-Goog-Channel-ID": channel["id"], "X-Goog-Channel-Token": channel.get("token") or "",
                       "X-Goog-Resource-ID": channel["resourceId"], "X-Goog-Resource-State": state,
                       "X-Goog-Message-Number": str(channel["number"]),
                       "X-Goog-Resource-URI": f"https://www.googleapis.com/calendar/v3/calendars/{calendar_id}/events",
                       "X-Goog-Channel-Expiration": "Thu, 01 Jan 2099 00:00:00 GMT"}  # fmt: skip
            self.sent.append(headers)
            if self.notify:
                threading.Thread(target=self._post, args=(channel["address"], headers), daemon=True).start()

    @staticmethod
    def _post(address: str, headers: dict[str, str]) -> None:
        # Google retries with backoff; the portal's periodic sync catches up anyway.
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(address, headers=headers, content=b"", timeout=30)

    # --- the API ---------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if not path.startswith(PREFIX):
            return _error(404, "notFound", "Not Found")
        parts = [unquote(p) for p in path[len(PREFIX) :].split("/")]
        query = {k: v[-1] for k, v in parse_qs(request.url.query.decode()).items()}
        if parts == ["channels", "stop"] and request.method == "POST":
            body = json.loads(request.content or b"{}")
            with self.lock:
                channel = self.channels.pop(str(body.get("id")), None)
            if channel is None or channel["resourceId"] != body.get("resourceId"):
                return _error(404, "notFound", f"Channel '{body.get('id')}' not found for project")
            self.stopped.append(channel["id"])
            return httpx.Response(204)
        if len(parts) >= 3 and parts[0] == "calendars" and parts[2] == "events":
            calendar_id = parts[1]
            if len(parts) == 3 and request.method == "GET":
                return self._list(calendar_id, query)
            if len(parts) == 3 and request.method == "POST":
                return httpx.Response(200, json=self.put(calendar_id, json.loads(request.content or b"{}")))
            if len(parts) == 4 and parts[3] == "watch" and request.method == "POST":
                return self._watch(calendar_id, json.loads(request.content or b"{}"))
            if len(parts) == 4 and request.method == "PATCH":
                current = self.events.get(calendar_id, {}).get(parts[3])
                if current is None:
                    return _error(404, "notFound", "Not Found")
                return httpx.Response(200, json=self.put(calendar_id, {**current, **json.loads(request.content)}))
        return _error(404, "notFound", "Not Found")

    def _list(self, calendar_id: str, query: dict[str, str]) -> httpx.Response:
        token, page = query.get("syncToken"), query.get("pageToken")
        size = min(int(query.get("maxResults") or 250), self.page_size)
        with self.lock:
            if page:
                epoch, since, upto, offset = page.split(".")
                since_i, upto_i, offset_i = int(since), int(upto), int(offset)
            else:
                since_i, upto_i, offset_i = 0, self.last, 0
                if token:
                    epoch, _, seq = token.partition(".")
                    if epoch != self.epoch or not seq.isdigit():
                        return _error(
                            410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required."
                        )
                    since_i = int(seq)
            events = self.events.get(calendar_id, {})
            chosen = sorted((e for e in events.values() if since_i < self.changed_at[(calendar_id, e["id"])] <= upto_i),
                            key=lambda e: self.changed_at[(calendar_id, e["id"])])  # fmt: skip
            if not token and not page:
                time_min = query.get("timeMin")
                shown = [e for e in chosen if e["status"] != "cancelled" or query.get("showDeleted") == "true"]
                chosen = [
                    e for e in shown if not time_min or str((e.get("end") or {}).get("dateTime", "9")) >= time_min[:19]
                ]
            items = chosen[offset_i : offset_i + size]
            body: dict[str, Any] = {"kind": "calendar#events", "summary": calendar_id, "updated": _now(),
                                    "items": items}  # fmt: skip
            if offset_i + size < len(chosen):
                body["nextPageToken"] = f"{self.epoch}.{since_i}.{upto_i}.{offset_i + size}"
            else:
                body["nextSyncToken"] = f"{self.epoch}.{upto_i}"
        return httpx.Response(200, json=body)

    def _watch(self, calendar_id: str, body: dict[str, Any]) -> httpx.Response:
        if body.get("type") not in ("web_hook", "webhook") or not body.get("id") or not body.get("address"):
            return _error(400, "invalid", "Invalid channel.")
        ttl = int((body.get("params") or {}).get("ttl") or 604800)
        expiration = int((dt.datetime.now(dt.UTC) + dt.timedelta(seconds=min(ttl, 2592000))).timestamp() * 1000)
        channel = {"kind": "api#channel", "id": body["id"], "resourceId": secrets.token_hex(8),
                   "resourceUri": f"https://www.googleapis.com/calendar/v3/calendars/{calendar_id}/events",
                   "token": body.get("token"), "expiration": str(expiration)}  # fmt: skip
        with self.lock:
            self.channels[channel["id"]] = {
                **channel,
                "calendarId": calendar_id,
                "address": body["address"],
                "number": 0,
            }
        self._push(calendar_id, "sync", only=channel["id"])
        return httpx.Response(200, json=channel)


def demo_calendar() -> CalendarStandIn:
    """The demo client's calendar, with the meetings the demo data describes."""
    from portal.seed import DEMO_CALENDAR_ID, demo_google_events

    calendar = CalendarStandIn()
    for event in demo_google_events():
        calendar.put(DEMO_CALENDAR_ID, event)
    return calendar


def main() -> None:
    from standins.server import run

    run(demo_calendar().handle, CALENDAR_PORT, "Google Calendar stand-in on http://127.0.0.1:{port}")


if __name__ == "__main__":
    main()
