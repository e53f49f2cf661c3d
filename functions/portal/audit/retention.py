"""Audit log retention: entries are kept ``AUDIT_RETENTION_DAYS`` (default 400) and then
deleted by a daily job, in batches, with a bounded number of reads per run (what is
left is deleted the next day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import config, db, logs

DEFAULT_DAYS = 400
BATCH = 400
MAX_BATCHES = 25
"""At most ``BATCH * MAX_BATCHES`` entries read and deleted per run."""


def retention_days() -> int:
    raw = config.env("AUDIT_RETENTION_DAYS", str(DEFAULT_DAYS)).strip()
    try:
        days = int(raw)
    except ValueError:
        logs.warning("AUDIT_RETENTION_DAYS is not a number; using the default", value=raw[:40])
        return DEFAULT_DAYS
    return max(days, 1)


def expire(
    *, now: dt.datetime | None = None, days: int | None = None, batch: int = BATCH, max_batches: int = MAX_BATCHES
) -> dict[str, Any]:
    """Delete the entries older than the retention period: ``{"deleted", "cutoff", "more"}``."""
    from google.cloud import firestore

    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days or retention_days())
    query = db.audit_log().where(filter=db.before("at", cutoff)).order_by("at", direction=firestore.Query.ASCENDING)
    deleted, more = 0, False
    for _ in range(max_batches):
        snaps = list(query.limit(batch).select([]).stream())
        if not snaps:
            break
        writes = db.batch()
        for snap in snaps:
            writes.delete(snap.reference)
        writes.commit()
        deleted += len(snaps)
        more = len(snaps) == batch
        if not more:
            break
    logs.info("audit retention", deleted=deleted, cutoff=cutoff.isoformat(), more=more)
    return {"deleted": deleted, "cutoff": cutoff.isoformat(), "more": more}
