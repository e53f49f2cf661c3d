"""The retention policy's jobs: export archives expire, deleted accounts and organisations are
purged after their grace period, notifications and live signals age out."""

from deployment import EVENTS, with_secrets
from firebase_functions import scheduler_fn

from params import DRIVE_SERVICE_ACCOUNT_JSON
from portal.monitoring import reported

DRIVE = with_secrets(EVENTS, DRIVE_SERVICE_ACCOUNT_JSON)


@scheduler_fn.on_schedule(schedule="every 1 hours", **DRIVE)
@reported
def expire_exports(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.privacy.exports import expire

    expire()


@scheduler_fn.on_schedule(schedule="every day 03:00", timezone="Etc/UTC", **DRIVE)
@reported
def purge_deletions(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.privacy.deletion import purge_due

    purge_due()


@scheduler_fn.on_schedule(schedule="every day 03:30", timezone="Etc/UTC", **EVENTS)
@reported
def age_out_data(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.privacy.retention import age_out

    age_out()
