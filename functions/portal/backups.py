"""Daily backups: a managed export of the whole Firestore database to Cloud Storage.

Off unless ``BACKUP_BUCKET`` names a bucket (``gs://name`` or ``gs://name/folder``); each
run writes a dated folder under it. The export runs in Google's background and is not
waited for; its operation name is logged. The functions' service account needs the
"Cloud Datastore Import Export Admin" role and write access to the bucket (docs/operations.md,
"Backups and restore").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import config, logs


def export(*, admin: Any = None, now: dt.datetime | None = None) -> str | None:
    """Start an export of every collection; the Cloud Storage prefix it writes, or None
    when backups are not configured (or, without ``admin``, in the emulator)."""
    bucket = config.env("BACKUP_BUCKET").strip().rstrip("/")
    if not bucket:
        logs.info("backups are not configured (BACKUP_BUCKET)")
        return None
    if admin is None and config.is_emulated():
        logs.info("backups: the emulator has no managed export")
        return None
    if not bucket.startswith("gs://"):
        bucket = f"gs://{bucket}"
    prefix = f"{bucket}/{(now or dt.datetime.now(dt.UTC)):%Y-%m-%dT%H%MZ}"
    if admin is None:
        from google.cloud import firestore_admin_v1

        admin = firestore_admin_v1.FirestoreAdminClient()
    database = f"projects/{config.project_id()}/databases/(default)"
    operation = admin.export_documents(request={"name": database, "output_uri_prefix": prefix})
    logs.info("backup started", operation=getattr(getattr(operation, "operation", None), "name", ""), prefix=prefix)
    return prefix
