"""Dashboard summaries, kept up to date by the project trigger (and refreshed daily)
so that the dashboard reads one document whatever the organisation's size.

- ``orgs/{orgId}/summary/dashboard``: one client's project cards, milestones coming
  due, counts by status.
- ``summaries/clients``: per client, what needs the agency's attention.

Writes come in bursts (an import, a sync): each asks for a refresh with
:func:`request_refresh`, and all the requests of one organisation within one short window
share a single refresh, run when the window closes. A burst of 400 project writes costs a
few refreshes instead of 400.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import config, db, domain, ids, logs

CARDS = 12
DUE_WINDOW_DAYS = 30  # stored; the dashboard shows 14 and a daily refresh keeps it fresh
DUE_LIMIT = 25
APPROVALS = 20
MEETINGS = 5  # the next confirmed meetings, kept with the summary


def upcoming_meetings(org: db.OrgStore) -> list[dict[str, Any]]:
    """The organisation's next confirmed meetings (one bounded query)."""
    from ..bookings.model import now_utc

    query = org.bookings().where(filter=db.at_least("start", now_utc())).order_by("start").limit(MEETINGS * 3)
    docs = [(s.id, s.to_dict() or {}) for s in query.stream()]
    found = [{"id": i, "title": d.get("title"), "start": d.get("start"), "end": d.get("end"), "source": d.get("source"),
              "videoUrl": d.get("videoUrl")} for i, d in docs if d.get("status") == "confirmed"]  # fmt: skip
    return found[:MEETINGS]


def refresh_bookings(org_id: str) -> None:
    """Refresh only the next meetings of one client's summary (after a booking changed)."""
    from google.cloud import firestore

    org = db.system(org_id)
    meetings = upcoming_meetings(org)
    batch = db.batch()
    batch.set(org.dashboard_summary(), {"bookings": meetings}, merge=True)
    batch.set(db.clients_summary(), {"clients": {org_id: {"bookings": meetings[:3],
              "updatedAt": firestore.SERVER_TIMESTAMP}}}, merge=True)  # fmt: skip
    batch.commit()


def window_seconds() -> float:
    """Requests for one organisation within this window share one refresh, at its end
    (``SUMMARY_WINDOW_SECONDS``, 3 by default; the test project's is shorter)."""
    return config.env_float("SUMMARY_WINDOW_SECONDS", 3.0)


QUEUE = "summarize"  # the task function (queue names take no underscores)


def request_refresh(org_id: str, *, now: float | None = None) -> None:
    """Have ``org_id``'s summary recomputed when the current window closes. The task is
    named after the organisation and the window, and the queue accepts a name once, so
    the requests of one window make one refresh. Without a task queue (no emulator, no
    project) the summary is refreshed now."""
    import time

    from firebase_admin import exceptions, functions

    from .. import authn

    seconds = window_seconds()
    window = int((time.time() if now is None else now) // seconds)
    due = dt.datetime.fromtimestamp((window + 1) * seconds, dt.UTC)
    try:
        queue = functions.task_queue(QUEUE, app=authn.admin_app())
        options = functions.TaskOptions(task_id=f"summary-{org_id}-{window}", schedule_time=due)
        queue.enqueue({"data": {"orgId": org_id, "window": window}}, options)
    except (exceptions.AlreadyExistsError, exceptions.ConflictError):
        return  # this window's refresh is already on its way
    except ValueError as exc:
        # The emulator queues a named task but answers with a name the Admin SDK cannot
        # parse: the task is there, so refreshing here too would only double the work.
        if config.is_emulated() and "resource name" in str(exc):
            return
        logs.warning("task queue unavailable, refreshing the summary now", error=repr(exc), orgId=org_id)
        refresh_org(org_id)
    except Exception as exc:  # queue unavailable: refresh now, as before
        logs.warning("task queue unavailable, refreshing the summary now", error=repr(exc), orgId=org_id)
        refresh_org(org_id)


def run_requested(org_id: str, window: int) -> dict[str, Any]:
    """The task of :func:`request_refresh`: refresh once the window has closed (a queue
    that ran it early, as the emulator does, waits for the rest of it)."""
    import time

    if not ids.valid(org_id):
        logs.warning("summary refresh for an invalid organisation id ignored", orgId=org_id[:200])
        return {}
    from .. import live

    seconds = window_seconds()
    wait = (window + 1) * seconds - time.time()
    if wait > 0:
        time.sleep(min(wait, seconds))
    summary = refresh_org(org_id)
    if summary:  # open dashboards fetch the new summary (portal.live)
        live.poke(live.audience(org_id), "dashboard", org_id)
    return summary


def _card(snap: Any) -> dict[str, Any]:
    data = snap.to_dict() or {}
    milestones = data.get("milestones") or []
    return {
        "id": snap.id,
        "name": data.get("name", ""),
        "status": data.get("status", "planning"),
        "progress": domain.progress(milestones, data.get("status", "")),
        "nextDue": data.get("nextDue"),
        "milestonesDone": sum(1 for m in milestones if m.get("done")),
        "milestonesTotal": len(milestones),
        "lastActivity": db.to_json(data.get("lastActivity")),
    }


def refresh_org(org_id: str) -> dict[str, Any]:
    """Recompute one client's summary from queries (bounded: CARDS + DUE_LIMIT
    documents and one count per status) and fold it into the agency's summary."""
    import time

    from google.cloud import firestore

    started = time.time()
    org = db.system(org_id)
    org_snap = org.doc().get()
    if not org_snap.exists or org_snap.get("kind") != "client":
        return {}
    projects: Any = org.projects()
    cards_q = (
        projects.where(filter=db.among("status", list(domain.OPEN_STATUSES)))
        .order_by("lastActivity", direction=firestore.Query.DESCENDING)
        .limit(CARDS)
    )
    horizon = (domain.today() + dt.timedelta(days=DUE_WINDOW_DAYS)).isoformat()
    due_q = projects.where(filter=db.at_most("nextDue", horizon)).order_by("nextDue").limit(DUE_LIMIT)
    due = []
    for snap in due_q.stream():
        data = snap.to_dict() or {}
        for m in data.get("milestones") or []:
            if not m.get("done") and m.get("due") and str(m["due"]) <= horizon:
                due.append(
                    {
                        "projectId": snap.id,
                        "projectName": data.get("name", ""),
                        "milestoneId": m["id"],
                        "title": m.get("title", ""),
                        "due": str(m["due"]),
                    }
                )
    due.sort(key=lambda d: d["due"])
    waiting = org.approvals().where(filter=db.eq("status", "pending")).order_by(
        "submittedAt", direction=firestore.Query.DESCENDING).limit(APPROVALS)  # fmt: skip
    approvals = [{"approvalId": s.id, "title": s.get("title"), "due": s.get("due"), "projectName": s.get("projectName"),
                  "version": s.get("currentVersion")} for s in waiting.stream()]  # fmt: skip
    waiting_count = db.count(org.approvals().where(filter=db.eq("status", "pending")))
    today = domain.today().isoformat()
    cards = [_card(s) for s in cards_q.stream()]
    activity = [str(c["lastActivity"]) for c in cards if c.get("lastActivity")]
    counts = {}
    for status in domain.PROJECT_STATUSES:
        counts[status] = db.count(projects.where(filter=db.eq("status", status)))
    summary = {
        "orgId": org_id,
        "orgName": org_snap.get("name"),
        "projects": cards,
        "due": due[:DUE_LIMIT],
        "counts": counts,
        "approvals": approvals,
        "bookings": upcoming_meetings(org),
        "startedAt": started,
        "updatedAt": firestore.SERVER_TIMESTAMP,
    }
    compact = {
        "orgName": summary["orgName"],
        "counts": counts,
        "due": due[:5],
        "startedAt": started,
        "approvals": approvals[:5],
        "approvalsWaiting": waiting_count,
        "bookings": summary["bookings"][:3],
        "overdue": sum(1 for d in due if d["due"] < today),
        "lastActivity": max(activity) if activity else None,
        "updatedAt": firestore.SERVER_TIMESTAMP,
    }
    _store_if_newest(org.dashboard_summary(), summary, org_id, compact)
    return summary


def _store_if_newest(ref: Any, summary: dict[str, Any], org_id: str, compact: dict[str, Any]) -> None:
    """Write the summaries unless a computation that started later already did (refreshes
    may overlap; the one that started last saw the newest data). The transaction reads only
    this organisation's summary, and the client's entry in the agency's summary is merged
    with it, unread: refreshes of different clients never wait on each other."""

    agency = db.clients_summary()

    def run(tx: Any) -> None:
        current = ref.get(transaction=tx)
        if ((current.to_dict() or {}).get("startedAt") or 0) <= summary["startedAt"]:
            tx.set(ref, summary)
            tx.set(agency, {"clients": {org_id: compact}}, merge=True)

    db.transact(run)


def refresh_all() -> int:
    """Refresh every client's summary (the daily job: due dates move with the calendar)."""
    ids = db.client_org_ids()
    for org_id in ids:
        refresh_org(org_id)
    return len(ids)
