"""Daily refresh of the dashboard summaries (due dates move with the calendar)."""

from deployment import EVENTS
from firebase_functions import scheduler_fn

from scheduled import job


@job(**EVENTS)
def refresh_summaries(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.dashboard.summaries import refresh_all

    refresh_all()
