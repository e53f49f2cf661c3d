"""Side effects of approvals, run by triggers, each once per causing event:
in-app notifications for the people concerned, a Slack message to the agency, an n8n
event (``approval_needed``, ``approval_decided``), and the dashboard summaries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import db
from ..dashboard import summaries
from ..deliveries import service as deliveries
from ..notifications import service as notifications

VERB = {"approve": "approved", "reject": "rejected", "request_revision": "requested changes to"}


def _announce(kind: str, key: str, org_id: str, text: str, event: dict[str, Any]) -> None:
    deliveries.enqueue_slack(kind, text, key, org_id, to_client=True)
    deliveries.enqueue("n8n", kind, {"event": kind, "eventId": key, **event}, deliveries.key_for(key, "n8n"), org_id)


def on_approval_written(
    event_id: str, org_id: str, approval_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> str:
    """A new item or a new version: ask the assignees (or the owners) for a decision."""
    summaries.request_refresh(org_id)
    if after is None:
        return "deleted"
    version = int(after.get("currentVersion") or 1)
    if before is not None and int(before.get("currentVersion") or 1) == version:
        return "unchanged"
    uids = list(after.get("assignees") or []) or notifications.owners(org_id)
    title = after.get("title", "")
    key = f"approval-needed-{approval_id}-v{version}"
    versions = after.get("versions") or []
    submitter = ((versions[-1] if versions else {}).get("submittedBy") or after.get("submittedBy") or {}).get("uid")
    notifications.notify(
        org_id,
        uids,
        key=key,
        kind="approval_needed",
        title=f"Please review “{title}”",
        body=f"Version {version} is ready for your decision.",
        link=f"/approvals/{approval_id}",
        actor=submitter,
    )
    _announce("approval_needed", key, org_id,
              f":eyes: {after.get('orgName', org_id)}: “{title}” v{version} is waiting for a decision.",
              {"orgId": org_id, "approvalId": approval_id, "version": version, "title": title,
               "projectId": after.get("projectId"), "due": after.get("due")})  # fmt: skip
    return "announced"


def on_decision_created(org_id: str, approval_id: str, decision: dict[str, Any]) -> str:
    """A decision (keyed by its version, so once): tell the agency (Slack, n8n, and in the
    portal the project's staff and the submitter) and the client's owners and assignees,
    never the person who decided."""
    version = decision.get("version")
    who = (decision.get("by") or {}).get("email", "someone")
    verb = VERB.get(str(decision.get("action")), str(decision.get("action")))
    key = f"approval-decided-{approval_id}-v{version}"
    submitter = db.system(org_id).approval(approval_id).get()
    item = (submitter.to_dict() or {}) if submitter.exists else {}
    title = item.get("title") or decision.get("title", "")
    comment = decision.get("comment") or ""
    submitted_by = (item.get("submittedBy") or {}).get("uid")
    staff = notifications.staff(org_id, item.get("projectId"), [submitted_by] if submitted_by else [])
    clients = list(dict.fromkeys(notifications.owners(org_id) + list(item.get("assignees") or [])))
    notifications.notify(org_id, staff + clients, key=key, kind="approval_decided",
                         title=f"{who} {verb} “{title}” v{version}", body=comment,
                         link=f"/approvals/{approval_id}", actor=(decision.get("by") or {}).get("uid"))  # fmt: skip
    _announce("approval_decided", key, org_id,
              f":white_check_mark: {who} {verb} “{title}” v{version}" + (f": {comment}" if comment else ""),
              {"orgId": org_id, "approvalId": approval_id, "version": version, "action": decision.get("action"),
               "comment": comment, "by": who, "title": title})  # fmt: skip
    return "announced"


def send_reminders(now: dt.datetime | None = None) -> int:
    """Remind about pending items due within 24 hours or overdue, once per item per day."""
    today = (now or dt.datetime.now(dt.UTC)).date()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    query = db.across_orgs(db.APPROVALS).where(filter=db.eq("status", "pending")).where(
        filter=db.at_most("due", tomorrow))  # fmt: skip
    sent = 0
    for snap in query.stream():
        data = snap.to_dict() or {}
        org_id = snap.reference.parent.parent.id
        overdue = str(data.get("due")) < today.isoformat()
        uids = list(data.get("assignees") or []) or notifications.owners(org_id)
        label = "is overdue" if overdue else "is due tomorrow" if data.get("due") == tomorrow else "is due today"
        sent += notifications.notify(
            org_id, uids, key=f"approval-reminder-{snap.id}-{today.isoformat()}", kind="approval_reminder",
            title=f"“{data.get('title', '')}” {label}", body="Please approve it or request changes.",
            link=f"/approvals/{snap.id}")  # fmt: skip
    return sent
