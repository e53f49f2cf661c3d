"""Daily Firestore export to Cloud Storage (when BACKUP_BUCKET is set)."""

from deployment import EVENTS
from firebase_functions import scheduler_fn

from portal.monitoring import reported


@scheduler_fn.on_schedule(schedule="every day 02:00", timezone="Etc/UTC", **EVENTS)
@reported
def backup_firestore(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.backups import export

    export()
