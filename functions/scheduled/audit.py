"""Audit log retention: entries older than ``AUDIT_RETENTION_DAYS`` are deleted daily."""

from deployment import EVENTS
from firebase_functions import scheduler_fn

from scheduled import job


@job(**EVENTS)
def expire_audit_log(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.audit.retention import expire

    expire()
