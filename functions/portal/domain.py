"""Pure project rules: progress, the next due milestone, and what changed between two
versions of a project (the activity timeline). No I/O here."""

from __future__ import annotations

import datetime as dt
from typing import Any

PROJECT_STATUSES = ("planning", "active", "review", "completed", "paused")
OPEN_STATUSES = ("planning", "active", "review", "paused")
STATUS_LABELS = {"planning": "Planning", "active": "Active", "review": "In review", "completed": "Completed",
                 "paused": "Paused"}  # fmt: skip
"""What people read for each status (the frontend's ``PROJECT_STATUS_LABELS``)."""
EDIT_FIELDS = ("name", "description", "timeline", "teamMembers")
"""Fields whose change is an "edit" in the activity timeline; bookkeeping fields
(lastActivity, updatedAt, updatedBy, nextDue, counts) are not."""


def progress(milestones: list[dict[str, Any]], status: str) -> int:
    """Percent of milestones done; a completed project is 100."""
    if status == "completed":
        return 100
    if not milestones:
        return 0
    done = sum(1 for m in milestones if m.get("done"))
    return round(100 * done / len(milestones))


def next_due(milestones: list[dict[str, Any]]) -> str | None:
    """The earliest due date (ISO) among milestones not done, or None."""
    dues = [str(m["due"]) for m in milestones if not m.get("done") and m.get("due")]
    return min(dues) if dues else None


def derived(milestones: list[dict[str, Any]], status: str) -> dict[str, Any]:
    """Fields stored alongside a project so that queries and summaries need no scan."""
    return {
        "progress": progress(milestones, status),
        "nextDue": next_due(milestones) if status in OPEN_STATUSES and status != "paused" else None,
    }


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The activity entries one write of a project makes, in a stable order."""
    if before is None and after is None:
        return []
    if before is None:
        return [{"type": "project.created", "details": {"name": after.get("name") if after else ""}}]
    if after is None:
        return [{"type": "project.deleted", "details": {"name": before.get("name", "")}}]
    out: list[dict[str, Any]] = []
    if before.get("status") != after.get("status"):
        out.append(
            {"type": "project.status_changed", "details": {"from": before.get("status"), "to": after.get("status")}}
        )
    old = {m["id"]: m for m in before.get("milestones") or []}
    new = {m["id"]: m for m in after.get("milestones") or []}
    for mid, m in new.items():
        if mid not in old:
            out.append({"type": "milestone.added", "details": {"milestoneId": mid, "title": m.get("title")}})
            continue
        was = old[mid]
        if bool(m.get("done")) != bool(was.get("done")):
            kind = "milestone.completed" if m.get("done") else "milestone.reopened"
            out.append({"type": kind, "details": {"milestoneId": mid, "title": m.get("title")}})
        edited = [f for f in ("title", "due") if m.get(f) != was.get(f)]
        if edited:
            out.append(
                {
                    "type": "milestone.updated",
                    "details": {"milestoneId": mid, "title": m.get("title"), "fields": edited},
                }
            )
    for mid, m in old.items():
        if mid not in new:
            out.append({"type": "milestone.removed", "details": {"milestoneId": mid, "title": m.get("title")}})
    edited_fields = [f for f in EDIT_FIELDS if before.get(f) != after.get(f)]
    if edited_fields:
        out.append({"type": "project.updated", "details": {"fields": edited_fields}})
    if before.get("contract") != after.get("contract") and after.get("contract"):
        out.append({"type": "contract.status", "details": dict(after["contract"])})
    return out


def completed_milestones(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The milestones one write of a project completed (done now, not done before), in the
    project's order. A new project, a milestone added already done and a deleted project
    complete none: only a milestone turning done is news."""
    if before is None or after is None:
        return []
    was_done = {m.get("id"): bool(m.get("done")) for m in before.get("milestones") or []}
    return [m for m in after.get("milestones") or [] if m.get("done") and was_done.get(m.get("id")) is False]


def status_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[str, str] | None:
    """``(from, to)`` when one write changed a project's status (not its creation or deletion)."""
    if before is None or after is None or before.get("status") == after.get("status"):
        return None
    return str(before.get("status") or ""), str(after.get("status") or "")


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()
