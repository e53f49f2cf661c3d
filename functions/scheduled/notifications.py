"""Notification mails that wait: the daily digest, and the sweep behind the message-mail queue."""

from deployment import EVENTS
from firebase_functions import scheduler_fn

from portal.monitoring import reported


@scheduler_fn.on_schedule(schedule="every day 07:00", timezone="Etc/UTC", **EVENTS)
@reported
def notification_digest(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.notifications.service import send_digests

    send_digests()


@scheduler_fn.on_schedule(schedule="every 5 minutes", timezone="Etc/UTC", **EVENTS)
@reported
def mail_waiting(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.notifications.service import sweep_waiting

    sweep_waiting()
