"""Files on Drive: the mirror reconciled with Drive's changes feed, abandoned uploads expired."""

from deployment import EVENTS, with_secrets
from firebase_functions import scheduler_fn

from params import DRIVE_SERVICE_ACCOUNT_JSON
from scheduled import job

DRIVE = with_secrets(EVENTS, DRIVE_SERVICE_ACCOUNT_JSON)


@job(**DRIVE)
def reconcile_files(event: scheduler_fn.ScheduledEvent) -> None:
    """Files staff add or remove in the clients' Drive folders appear or disappear."""
    from portal.files.service import reconcile_all

    reconcile_all()


@job(**DRIVE)
def expire_uploads(event: scheduler_fn.ScheduledEvent) -> None:
    """Uploads left unfinished past their expiry are cancelled in Drive and forgotten."""
    from portal.files.service import expire_abandoned

    expire_abandoned()
