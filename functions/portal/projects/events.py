"""What a project's progress tells people, run by the project trigger once per change:
a status change (``project_status``) and a milestone turning done (``milestone_completed``)
notify the client's people and the project's team in the portal (and by mail as each
person's preferences say), never the person who made the change; the agency's Slack channel
(and the client's, when it has one) gets a message, and n8n an event
(``project_status_changed``, ``project_milestone``).

Keys derive from the trigger's event id, so a trigger delivered twice notifies, mails and
posts nothing twice. A write that changes neither the status nor a milestone's completion
(most writes: edits, counts, contract status) returns before reading anything."""

from __future__ import annotations

from typing import Any

from .. import domain
from ..deliveries import service as deliveries
from ..notifications import service as notifications


def _label(status: str) -> str:
    return domain.STATUS_LABELS.get(status, status or "unknown")


def on_project_changed(
    event_id: str, org_id: str, project_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[str]:
    """Announce a status change and the milestones completed by one write; returns what was
    announced (``status``, ``milestone:{id}``), nothing for any other write."""
    moved = domain.status_change(before, after)
    completed = domain.completed_milestones(before, after)
    if after is None or (moved is None and not completed):
        return []
    by = after.get("updatedBy") or {}
    people = list(dict.fromkeys(notifications.members(org_id) + notifications.team(after.get("teamMembers"))))
    project = {
        "orgId": org_id, "orgName": str(after.get("orgName") or org_id), "projectId": project_id,
        "projectName": str(after.get("name") or project_id), "progress": after.get("progress"),
        "by": by.get("label") or by.get("email") or None,
    }  # fmt: skip
    name, link = project["projectName"], f"/projects/{project_id}"
    announced: list[str] = []
    if moved is not None:
        was, now = moved
        key = f"project-status-{project_id}-{event_id}"
        notifications.notify(org_id, people, key=key, kind="project_status", title=f"“{name}” is now {_label(now)}",
                             body=f"Its status changed from {_label(was)} to {_label(now)}.", link=link,
                             actor=by.get("uid"))  # fmt: skip
        _announce("project_status_changed", key, org_id,
                  f":arrows_counterclockwise: {project['orgName']}: “{name}” moved from {_label(was)} to "
                  f"{_label(now)}.",
                  {**project, "from": was, "to": now})  # fmt: skip
        announced.append("status")
    for milestone in completed:
        title, milestone_id = str(milestone.get("title") or ""), str(milestone.get("id"))
        key = f"project-milestone-{project_id}-{milestone_id}-{event_id}"
        done = f"{project['progress']}% done" if project["progress"] is not None else "in progress"
        notifications.notify(org_id, people, key=key, kind="milestone_completed",
                             title=f"Milestone completed: “{title}”", body=f"“{name}” is {done}.", link=link,
                             actor=by.get("uid"))  # fmt: skip
        _announce("project_milestone", key, org_id,
                  f":white_check_mark: {project['orgName']}: milestone “{title}” of “{name}” completed ({done}).",
                  {**project, "milestoneId": milestone_id, "title": title, "due": milestone.get("due"),
                   "doneAt": milestone.get("doneAt")})  # fmt: skip
        announced.append(f"milestone:{milestone_id}")
    return announced


def _announce(event: str, key: str, org_id: str, text: str, payload: dict[str, Any]) -> None:
    """The Slack message (the agency's channel, and the client's when it has one) and the
    signed n8n event, each once per ``key``."""
    deliveries.enqueue_slack(event, text, key, org_id, to_client=True)
    deliveries.enqueue("n8n", event, {"event": event, "eventId": key, **payload}, deliveries.key_for(key, "n8n"),
                       org_id)  # fmt: skip
