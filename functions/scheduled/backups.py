"""Daily Firestore export to Cloud Storage (when BACKUP_BUCKET is set)."""

from deployment import EVENTS
from firebase_functions import scheduler_fn

from scheduled import job


@job(**EVENTS)
def backup_firestore(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.backups import export

    export()
