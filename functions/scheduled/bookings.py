"""Google Calendar: push channels renewed before they expire, and the periodic sync that
catches whatever a lost notification missed (Google's own advice)."""

from deployment import EVENTS, with_secrets
from firebase_functions import scheduler_fn

from params import GOOGLE_CALENDAR_CHANNEL_TOKEN, GOOGLE_CALENDAR_SERVICE_ACCOUNT_JSON
from scheduled import job

CALENDAR = with_secrets(EVENTS, GOOGLE_CALENDAR_CHANNEL_TOKEN, GOOGLE_CALENDAR_SERVICE_ACCOUNT_JSON)


@job(**CALENDAR)
def renew_calendar_channels(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.bookings.calendar_sync import renew_channels

    renew_channels()


@job(**CALENDAR)
def sync_calendars(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.bookings.calendar_sync import sync_all

    sync_all()
