"""The dashboard: everything that needs the caller, in one response, from one
summary document (see ``summaries``), whatever the organisation's size.

Sections whose feature is not built yet (approvals, billing, bookings, messages)
are empty lists and fill in as those features add their entries to the summaries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import db, domain
from ..identity import Caller
from ..policy import Action

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


def _sections(summary: dict[str, Any], today: dt.date) -> dict[str, Any]:
    org = {"orgId": summary.get("orgId", ""), "orgName": summary.get("orgName", "")}
    return {
        "nextActions": _actions_from_due(summary.get("due") or [], org, today),
        "projects": [{**card, **org} for card in summary.get("projects") or []],
        "counts": summary.get("counts") or {},
    }


def dashboard(caller: Caller, org_id: str | None = None) -> dict[str, Any]:
    """One client's dashboard, or for staff without ``org_id`` the agency's view."""
    today = domain.today()
    empty: dict[str, Any] = {"billingAlert": None, "upcomingBookings": [], "unread": {"threads": 0, "notifications": 0}}
    if caller.is_staff and not org_id:
        snap = db.client().collection("summaries").document("clients").get()
        clients = (snap.to_dict() or {}).get("clients", {}) if snap.exists else {}
        groups = []
        for cid, summary in sorted(clients.items(), key=lambda kv: str(kv[1].get("orgName", "")).lower()):
            section = _sections({**summary, "orgId": cid}, today)
            groups.append(
                {
                    "orgId": cid,
                    "orgName": summary.get("orgName", ""),
                    "counts": section["counts"],
                    "nextActions": section["nextActions"],
                }
            )
        actions = sorted((a for g in groups for a in g["nextActions"]), key=lambda a: a["due"])
        return {"scope": "agency", "nextActions": actions, "projects": [], "clients": groups, **empty}
    grant = db.grant(caller, Action.PROJECTS_READ, org_id)
    snap = grant.collection("summary").document("dashboard").get()
    summary = db.to_json(snap.to_dict() or {}) if snap.exists else {"orgId": grant.org.id}
    section = _sections(summary, today)
    actions = sorted(section["nextActions"], key=lambda a: a["due"])
    return {
        "scope": "org",
        "nextActions": actions,
        "projects": section["projects"],
        "counts": section["counts"],
        "clients": [],
        **empty,
    }
