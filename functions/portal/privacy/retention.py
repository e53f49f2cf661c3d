"""The retention policy: how long each kind of data is kept, read from the environment
(days), and the scheduled jobs that age out what has no reason to stay. docs/security.md's
"Data retention" section states the same table for people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import config, db, logs


def export_ttl_days() -> int:
    """How long a ready export archive can be downloaded before it is deleted."""
    return max(1, min(30, config.env_int("EXPORT_TTL_DAYS", 7)))


def deletion_grace_days() -> int:
    """How long a deleted account or organisation can be restored before it is purged."""
    return max(0, min(90, config.env_int("DELETION_GRACE_DAYS", 14)))


def notification_retention_days() -> int:
    return max(7, config.env_int("NOTIFICATION_RETENTION_DAYS", 180))


def live_signal_retention_days() -> int:
    return max(1, config.env_int("LIVE_SIGNAL_RETENTION_DAYS", 30))


def webhook_ledger_retention_days() -> int:
    return max(7, config.env_int("WEBHOOK_LEDGER_RETENTION_DAYS", 90))


def audit_retention_days() -> int:
    """The audit log's own retention (its expiry job belongs to ``portal.audit``)."""
    return max(1, config.env_int("AUDIT_RETENTION_DAYS", 365))


def policy() -> dict[str, Any]:
    """The policy in force, as an export's README.json states it."""
    return {
        "exportArchivesDays": export_ttl_days(),
        "deletionGraceDays": deletion_grace_days(),
        "notificationsDays": notification_retention_days(),
        "liveSignalsDays": live_signal_retention_days(),
        "webhookLedgerDays": webhook_ledger_retention_days(),
        "auditLogDays": audit_retention_days(),
        "decisionRecords": "kept with the organisation: who decided, the decision, the version and the time",
    }


def age_out(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete notifications, live signals and webhook ledger entries past their retention."""
    now = now or dt.datetime.now(dt.UTC)
    counts = {
        "notifications": db.delete_matching(db.across_orgs(db.NOTIFICATIONS).where(
            filter=db.before("createdAt", now - dt.timedelta(days=notification_retention_days())))),
        "webhookLedger": db.delete_matching(db.processed_webhooks().where(
            filter=db.before("at", now - dt.timedelta(days=webhook_ledger_retention_days())))),
    }  # fmt: skip
    counts["liveSignals"] = _age_live(now - dt.timedelta(days=live_signal_retention_days()))
    logs.info("retention: aged out", **counts)
    return counts


def _age_live(cutoff: dt.datetime) -> int:
    """A signal document whose every topic changed before ``cutoff`` is dropped (a browser
    that comes back simply starts from an empty signal)."""

    def stale(snap: Any) -> bool:
        values = [v.get("at") for v in (snap.to_dict() or {}).values() if isinstance(v, dict)]
        stamps = [s for s in values if isinstance(s, dt.datetime)]
        return bool(stamps) and max(stamps) < cutoff

    return db.write_in_batches((snap.reference, None) for snap in db.live_signals().stream() if stale(snap))
