"""What the assistant may read and do, as the person asking.

Each tool is a plain function of the caller that goes through the same services, and
so the same policy, as the API: a client's tools can only ever reach their own
organisation (another organisation's id answers "nothing found", exactly as the API's
404 does), staff reach every client. Billing is offered only to those the policy lets
see billing. Tools answer small JSON-able dicts with links into the portal; the model
never sees more than they return."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import BadRequest, Forbidden, NotFound, PortalError
from ..identity import Caller, OrgKind
from ..policy import Action, OrgRef, allowed

LIST_LIMIT = 20
NOTHING = {"found": False, "message": "Nothing found that you may see."}


def _guard(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A tool's answer, or what the API would have said instead (never another
    organisation's existence: NotFound and Forbidden both read "nothing found")."""
    try:
        return fn()
    except (NotFound, Forbidden):
        return dict(NOTHING)
    except PortalError as exc:
        return {"found": False, "message": exc.message}


def _org(caller: Caller, org_id: str | None) -> str | None:
    """The organisation a tool looks in: a client's own, whatever is asked (a client naming
    another one gets NotFound from the services); staff name one or look across all."""
    return org_id or None


def _milestones(project: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"title": m.get("title"), "due": m.get("due"), "done": bool(m.get("done"))}
        for m in project.get("milestones") or []
    ]


def _project(p: dict[str, Any], detail: bool = False) -> dict[str, Any]:
    milestones = _milestones(p)
    upcoming = [m for m in milestones if not m["done"]]
    out = {
        "id": p.get("id"),
        "name": p.get("name"),
        "organisation": p.get("orgName") or p.get("orgId"),
        "status": p.get("status"),
        "progress": p.get("progress"),
        "nextMilestone": upcoming[0] if upcoming else None,
        "link": f"/projects/{p.get('id')}",
    }
    if detail:
        out["milestones"] = milestones
        out["description"] = (p.get("description") or "")[:500]
    return out


def projects(caller: Caller, org_id: str | None = None, project_id: str | None = None) -> dict[str, Any]:
    """Projects with their status, progress and next milestone; one project with every milestone."""
    from ..projects import service

    def run() -> dict[str, Any]:
        if project_id:
            project = service.get_project(caller, project_id)
            if caller.is_staff or project.get("orgId") == caller.org_id:
                return {"found": True, "project": _project(project, detail=True)}
            return dict(NOTHING)
        page = service.list_projects(caller, org_id=_org(caller, org_id), status=None, cursor=None, limit=LIST_LIMIT)
        return {"found": bool(page["items"]), "projects": [_project(p) for p in page["items"]]}

    return _guard(run)


def approvals_waiting(caller: Caller, org_id: str | None = None) -> dict[str, Any]:
    """Approvals waiting for a decision, newest first, and whether the caller may decide each."""
    from ..approvals import service

    def run() -> dict[str, Any]:
        page = service.list_approvals(caller, org_id=_org(caller, org_id), status="pending", project_id=None,
                                      assigned_to_me=False, due_before=None, cursor=None, limit=LIST_LIMIT)  # fmt: skip
        items = [
            {
                "title": a.get("title"),
                "project": a.get("projectName") or a.get("projectId"),
                "organisation": a.get("orgName") or a.get("orgId"),
                "contentType": a.get("contentType"),
                "version": a.get("version"),
                "due": a.get("due"),
                "youMayDecide": bool(a.get("canDecide")),
                "link": f"/approvals/{a.get('id')}",
            }
            for a in page["items"]
        ]
        return {"found": bool(items), "approvals": items}

    return _guard(run)


def may_see_billing(caller: Caller) -> bool:
    """Whether the billing tool is offered at all (client owners, members granted billing, staff)."""
    own = OrgRef(caller.org_id if not caller.is_staff else "", OrgKind.CLIENT)
    return allowed(caller, Action.BILLING_READ, own)


def billing_status(caller: Caller, org_id: str | None = None) -> dict[str, Any]:
    """The billing status, plan, next and last payment, for those allowed to see billing."""
    from ..billing import service

    def run() -> dict[str, Any]:
        if caller.is_staff and not org_id:
            raise BadRequest("Name the client organisation (orgId) whose billing you want.")
        data = service.get_billing(caller, _org(caller, org_id))
        return {
            "found": True,
            "linked": data.get("linked"),
            "status": data.get("status"),
            "plan": data.get("plan"),
            "nextBillingDate": data.get("nextBillingDate"),
            "lastPayment": data.get("lastPayment"),
            "recentPayments": (data.get("payments") or [])[:3],
            "alert": data.get("alert"),
            "link": "/billing",
        }

    return _guard(run)


def upcoming_meetings(caller: Caller, org_id: str | None = None) -> dict[str, Any]:
    """The next meetings booked with the agency, soonest first."""
    from ..bookings import service

    def run() -> dict[str, Any]:
        page = service.list_bookings(caller, org_id=_org(caller, org_id), when="upcoming", cursor=None, limit=10)
        items = [
            {
                "title": b.get("title"),
                "start": b.get("start"),
                "end": b.get("end"),
                "organisation": b.get("orgName") or b.get("orgId"),
                "joinLink": (b.get("links") or {}).get("join") if isinstance(b.get("links"), dict) else None,
                "link": "/bookings",
            }
            for b in page["items"]
        ]
        return {"found": bool(items), "meetings": items}

    return _guard(run)


def search(caller: Caller, query: str, org_id: str | None = None) -> dict[str, Any]:
    """Projects, approvals, files, threads and messages matching ``query``, as search finds them."""
    from ..search import service

    def run() -> dict[str, Any]:
        found = service.search(caller, query, org_id=_org(caller, org_id), limit=10)
        items = [i for g in found.get("groups") or [] for i in g.get("items", [])]
        results = [{k: r.get(k) for k in ("kind", "title", "snippet", "link")} for r in items[:15]]
        return {"found": bool(results), "results": results}

    return _guard(run)


def ask_the_team(caller: Caller, subject: str, question: str, transcript: str) -> dict[str, Any]:
    """Start a message thread with the team in the caller's own organisation: the question,
    then the conversation as text. Only once the person confirmed it (``server.action``): the
    model never writes anything a client will see on its own."""
    from ..messages import service
    from ..messages.models import MAX_BODY

    def run() -> dict[str, Any]:
        if caller.is_staff:  # staff are the team; the assistant posts into no client's thread for them
            return {"found": False, "reason": "Staff write to a client in Messages."}
        intro = question.strip() or "Could someone from the team help me with this?"
        body = f"{intro}\n\n--- Conversation with the assistant ---\n{transcript.strip()}"
        if len(body) > MAX_BODY:
            body = body[: MAX_BODY - 1] + "…"
        title = (subject.strip() or "Question from the assistant")[:200]
        started = service.start_thread(caller, subject=title, body=body, project_id=None, org_id=None, attachments=[])
        thread = started["thread"]
        return {"found": True, "threadId": thread["id"], "subject": thread.get("subject"),
                "link": service.link(thread["id"])}  # fmt: skip

    return _guard(run)
