"""Google Calendar (v3) through ``google-api-python-client``, with a service account the
calendars are shared with (as the Drive adapter does): ``events.list`` with incremental
sync (``syncToken``; a 410 means start again with a full sync), ``events.watch`` and
``channels.stop`` for push notifications.

The client is built from the bundled discovery document, whose ``rootUrl`` may point at
a local stand-in (``GOOGLE_CALENDAR_API_URL``). Nothing is imported at module import;
:meth:`Calendar.from_config` raises NotConnected when the portal has no calendar access.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import googleapi

SCOPES = ("https://www.googleapis.com/auth/calendar.readonly", "https://www.googleapis.com/auth/calendar.events")
PAST_DAYS = 90
"""A full sync starts this far back (past meetings stay listed)."""


class CalendarError(Exception):
    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class SyncTokenExpired(CalendarError):
    """Google answered 410: the sync token is no longer valid; sync everything again."""


@dataclass(frozen=True)
class Channel:
    id: str
    resource_id: str
    expiration_ms: int


def discovery_document(root_url: str | None = None) -> dict[str, Any]:
    """The bundled Calendar v3 discovery document, moved to ``root_url`` when given."""
    return googleapi.discovery_document("calendar.v3", root_url)


class Calendar:
    """The portal's view of Google Calendar, safe to share between threads (each request goes
    over its thread's own transport: ``googleapi.service``). ``http``: an httplib2-compatible
    object every request uses (tests, one thread at a time)."""

    def __init__(self, *, credentials: Any = None, api_url: str | None = None, http: Any = None) -> None:
        self._credentials = credentials
        self._document = discovery_document(api_url)
        self._http = http
        self._service: Any = None

    @classmethod
    def from_config(cls) -> Calendar:
        from ... import config
        from ...errors import NotConnected

        key = config.secret("GOOGLE_CALENDAR_SERVICE_ACCOUNT_JSON")
        api_url = config.env("GOOGLE_CALENDAR_API_URL") or None
        if not key:
            raise NotConnected("Google Calendar is not connected.", code="calendar_not_connected")
        return cls(credentials=googleapi.credentials(key, api_url, SCOPES), api_url=api_url)

    def _api(self) -> Any:
        if self._service is None:
            self._service = googleapi.service(self._document, self._credentials, http=self._http, timeout=30)
        return self._service

    def _execute(self, request: Any) -> Any:
        from googleapiclient.errors import HttpError

        try:
            return request.execute(num_retries=2)
        except HttpError as exc:
            if exc.status_code == 410:
                raise SyncTokenExpired("The sync token expired.", 410) from None
            raise CalendarError(f"Google Calendar answered {exc.status_code}.", exc.status_code) from None
        except (OSError, TimeoutError) as exc:
            raise CalendarError(f"Google Calendar is unreachable: {exc}") from None

    def changes(self, calendar_id: str, sync_token: str | None, time_min: str) -> Iterator[list[dict[str, Any]] | str]:
        """Pages of events changed since ``sync_token`` (all events from ``time_min`` without
        one, deleted ones included), then the next sync token as the last item."""
        page_token = None
        while True:
            kwargs: dict[str, Any] = {"calendarId": calendar_id, "singleEvents": True, "maxResults": 250,
                                      "pageToken": page_token, "showDeleted": True}  # fmt: skip
            if sync_token:
                kwargs["syncToken"] = sync_token
            else:
                kwargs["timeMin"] = time_min
            data = self._execute(self._api().events().list(**kwargs))
            yield list(data.get("items") or [])
            page_token = data.get("nextPageToken")
            if not page_token:
                yield str(data.get("nextSyncToken") or "")
                return

    def watch(self, calendar_id: str, channel_id: str, address: str, token: str, ttl_seconds: int) -> Channel:
        body = {"id": channel_id, "type": "web_hook", "address": address, "token": token,
                "params": {"ttl": str(ttl_seconds)}}  # fmt: skip
        data = self._execute(self._api().events().watch(calendarId=calendar_id, body=body))
        return Channel(str(data["id"]), str(data.get("resourceId") or ""), int(data.get("expiration") or 0))

    def stop(self, channel_id: str, resource_id: str) -> None:
        try:
            self._execute(self._api().channels().stop(body={"id": channel_id, "resourceId": resource_id}))
        except CalendarError as exc:
            if exc.status != 404:
                raise
