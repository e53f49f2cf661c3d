"""The activity timeline of a project, written by the project trigger (which also
announces status changes and completed milestones: :mod:`.events`).

Each change of a write becomes one entry with a deterministic id (the event id and
its position), created with ``create``: a trigger delivered twice writes nothing the
second time."""

from __future__ import annotations

from typing import Any

from .. import db, domain, logs
from ..dashboard import summaries
from . import events

SUMMARY_FIELDS = ("name", "status", "milestones", "lastActivity", "nextDue")


def on_project_written(
    event_id: str, org_id: str, project_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> int:
    """Record what changed, refresh the summaries and announce a new status or a completed
    milestone (:func:`.events.on_project_changed`); returns the entries written."""
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import firestore

    # A deleted project keeps no timeline: writing under it would leave orphaned entries.
    entries = domain.changes(before, after) if after is not None else []
    written = 0
    if entries:
        activity = db.activity(db.system(org_id).project(project_id))
        actor = (after or before or {}).get("updatedBy") or {}
        batch = db.batch()
        for i, entry in enumerate(entries):
            batch.create(
                activity.document(f"{event_id}-{i}"),
                {
                    **entry,
                    "projectId": project_id,
                    "projectName": (after or before or {}).get("name", ""),
                    "actor": actor.get("label") or actor.get("email") or "system",
                    "at": firestore.SERVER_TIMESTAMP,
                    "eventId": event_id,
                },
            )
        try:
            batch.commit()
            written = len(entries)
        except AlreadyExists:
            logs.info("duplicate project event ignored", eventId=event_id, projectId=project_id)
    if before is None or after is None or any(before.get(f) != after.get(f) for f in SUMMARY_FIELDS):
        summaries.request_refresh(org_id)
    events.on_project_changed(event_id, org_id, project_id, before, after)
    return written
