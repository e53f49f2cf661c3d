"""Daily refresh of the dashboard summaries (due dates move with the calendar)."""

from deployment import EVENTS
from firebase_functions import scheduler_fn

from portal.monitoring import reported


@scheduler_fn.on_schedule(schedule="every day 03:00", timezone="Etc/UTC", **EVENTS)
@reported
def refresh_summaries(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.dashboard.summaries import refresh_all

    refresh_all()
