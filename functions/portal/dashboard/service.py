"""The dashboard: everything that needs the caller, in one response, from one
summary document (see ``summaries``), whatever the organisation's size: next actions
(milestones due, approvals waiting, a payment past due), project cards, the next meetings,
counts, and the caller's unread notifications and threads with news.

The agency's view (staff, no client chosen) also counts what waits for staff on the
"Needs attention" page: failed deliveries, Whop events and meetings no client was found for,
each a count aggregation (one read per 1,000 entries) for the staff whose role handles it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import db, domain
from ..billing.service import alert_for
from ..identity import Caller, OrgKind
from ..policy import Action, OrgRef, allowed

DUE_SOON_DAYS = 14


def _actions_from_due(due: list[dict[str, Any]], org: dict[str, str], today: dt.date) -> list[dict[str, Any]]:
    horizon = (today + dt.timedelta(days=DUE_SOON_DAYS)).isoformat()
    now = today.isoformat()
    actions = []
    for item in due:
        if item["due"] > horizon:
            continue
        overdue = item["due"] < now
        actions.append(
            {
                "kind": "milestone_overdue" if overdue else "milestone_due",
                "severity": "overdue" if overdue else "due_soon",
                "title": f"{item['title']} — {item['projectName']}",
                "due": item["due"],
                "link": f"/projects/{item['projectId']}",
                **org,
            }
        )
    return actions


def _actions_from_approvals(items: list[dict[str, Any]], org: dict[str, str], today: dt.date) -> list[dict[str, Any]]:
    soon = (today + dt.timedelta(days=2)).isoformat()
    actions = []
    for item in items:
        due = item.get("due")
        overdue = bool(due and due < today.isoformat())
        actions.append({
            "kind": "approval_overdue" if overdue else "approval_needed",
            "severity": "overdue" if overdue else "due_soon" if due and due <= soon else "waiting",
            "title": " — ".join(p for p in (f"Review “{item.get('title', '')}”", item.get("projectName")) if p),
            "due": due, "link": f"/approvals/{item['approvalId']}", **org,
        })  # fmt: skip
    return actions


def _sections(summary: dict[str, Any], today: dt.date) -> dict[str, Any]:
    org = {"orgId": summary.get("orgId", ""), "orgName": summary.get("orgName", "")}
    return {
        "nextActions": _actions_from_approvals(summary.get("approvals") or [], org, today)
        + _actions_from_due(summary.get("due") or [], org, today),
        "projects": [{**card, **org} for card in summary.get("projects") or []],
        "counts": summary.get("counts") or {},
    }


def _overdue_payment(org_id: str, org_name: str, link: str) -> dict[str, Any]:
    return {"kind": "payment_overdue", "severity": "overdue", "title": "Payment past due", "due": None,
            "link": link, "orgId": org_id, "orgName": org_name}  # fmt: skip


def _meetings(summary: dict[str, Any], org: dict[str, str]) -> list[dict[str, Any]]:
    """The summary's next meetings that have not started yet."""
    from ..bookings.model import now_utc

    now = now_utc()
    return [{**m, **org} for m in summary.get("bookings") or [] if str(m.get("start") or "") >= now]


def _by_due(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Payments first, then by due date; undated approvals after the dated ones."""
    return sorted(actions, key=lambda a: (a["kind"] != "payment_overdue", a["due"] or "9999"))


def unread_threads(caller: Caller, org_id: str | None) -> int:
    """Threads with news for the caller (one count query over their own read states)."""
    from ..messages import service as messages

    return messages.unread_threads(caller, org_id)


def unread_notifications(caller: Caller) -> int:
    """The caller's unread notifications (one aggregation over their own feed)."""
    from ..notifications import service as notifications

    return notifications.unread_count(caller)


def attention(caller: Caller) -> dict[str, int]:
    """What waits for staff on the "Needs attention" page, counted (one aggregation each,
    one read per 1,000 entries), for the actions ``caller``'s role takes there."""
    agency = OrgRef(caller.org_id, OrgKind.AGENCY)
    counts: dict[str, int] = {}
    if allowed(caller, Action.DELIVERIES_MANAGE, agency):
        counts["failedDeliveries"] = db.count(db.deliveries().where(filter=db.eq("status", "failed")))
    if allowed(caller, Action.BILLING_REVIEW, agency):
        counts["unmatchedBilling"] = db.count(db.unmatched_billing_events())
    if allowed(caller, Action.BOOKINGS_MANAGE, agency):
        counts["unmatchedBookings"] = db.count(db.unmatched_bookings())
    return counts


def dashboard(caller: Caller, org_id: str | None = None) -> dict[str, Any]:
    """One client's dashboard, or for staff without ``org_id`` the agency's view.
    Reads one summary document (plus the billing document for those who may see billing)
    in one round trip, and counts unread threads and notifications (and, in the agency's
    view, :func:`attention`) with an aggregation each."""
    today = domain.today()
    unread = {"threads": unread_threads(caller, org_id), "notifications": unread_notifications(caller)}
    if caller.is_staff and not org_id:
        snap = db.clients_summary().get()
        clients = (snap.to_dict() or {}).get("clients", {}) if snap.exists else {}
        groups = []
        for cid, summary in sorted(clients.items(), key=lambda kv: str(kv[1].get("orgName", "")).lower()):
            if summary.get("archived"):
                continue
            section = _sections({**summary, "orgId": cid}, today)
            billing_status = (summary.get("billing") or {}).get("status")
            if billing_status == "past_due":
                section["nextActions"].insert(0, _overdue_payment(cid, summary.get("orgName", ""), "/billing"))
            groups.append({"orgId": cid, "orgName": summary.get("orgName", ""), "counts": section["counts"],
                           "nextActions": section["nextActions"], "billingStatus": billing_status})  # fmt: skip
        actions = _by_due([a for g in groups for a in g["nextActions"]])
        meetings = sorted((m for cid, s in clients.items() if not s.get("archived")
                           for m in _meetings(s, {"orgId": cid, "orgName": s.get("orgName", "")})),
                          key=lambda m: str(m.get("start")))[:5]  # fmt: skip
        return {"scope": "agency", "nextActions": actions, "projects": [], "clients": groups, "billingAlert": None,
                "unread": unread, "upcomingBookings": meetings, "attention": attention(caller)}  # fmt: skip
    grant = db.grant(caller, Action.PROJECTS_READ, org_id)
    refs = [grant.dashboard_summary()]
    if allowed(caller, Action.BILLING_READ, grant.org):
        refs.append(grant.billing())
    found = db.read_all(refs)
    summary_snap = found[0]
    summary = db.to_json(summary_snap.to_dict() or {}) if summary_snap and summary_snap.exists else {}
    summary.setdefault("orgId", grant.org.id)
    section = _sections(summary, today)
    billing_snap = found[1] if len(found) > 1 else None
    alert = alert_for(db.to_json(billing_snap.to_dict() or {})) if billing_snap and billing_snap.exists else None
    actions = section["nextActions"]
    if alert:
        actions.insert(0, _overdue_payment(grant.org.id, summary.get("orgName", ""), "/billing"))
    meetings = _meetings(summary, {"orgId": grant.org.id, "orgName": summary.get("orgName", "")})
    return {"scope": "org", "nextActions": _by_due(actions), "projects": section["projects"],
            "counts": section["counts"], "clients": [], "billingAlert": alert, "unread": unread,
            "upcomingBookings": meetings}  # fmt: skip
