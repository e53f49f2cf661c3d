"""The retention policy's jobs: export archives expire, deleted accounts and organisations are
purged after their grace period, notifications and live signals age out."""

from deployment import EVENTS, with_secrets
from firebase_functions import scheduler_fn

from params import DRIVE_SERVICE_ACCOUNT_JSON
from scheduled import job

DRIVE = with_secrets(EVENTS, DRIVE_SERVICE_ACCOUNT_JSON)


@job(**DRIVE)
def expire_exports(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.privacy.exports import expire

    expire()


@job(**DRIVE)
def purge_deletions(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.privacy.deletion import purge_due

    purge_due()


@job(**EVENTS)
def age_out_data(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.privacy.retention import age_out

    age_out()
