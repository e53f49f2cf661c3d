"""Notification mails that wait: the daily digest, and the sweep behind the message-mail queue."""

from deployment import EVENTS
from firebase_functions import scheduler_fn

from scheduled import job


@job(**EVENTS)
def notification_digest(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.notifications.service import send_digests

    send_digests()


@job(**EVENTS)
def mail_waiting(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.notifications.service import sweep_waiting

    sweep_waiting()
