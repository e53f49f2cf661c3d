"""Reminders for approvals due within 24 hours or overdue (once per item per day)."""

from deployment import EVENTS
from firebase_functions import scheduler_fn

from scheduled import job


@job(**EVENTS)
def approval_reminders(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.approvals.events import send_reminders

    send_reminders()
