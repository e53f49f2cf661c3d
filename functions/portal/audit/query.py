"""Reading the audit log (``GET /api/audit``): admins read every organisation's entries
(or one's), client owners their own organisation's; filters by actor, organisation,
action and time, newest first, a cursor per page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import db, policy
from ..errors import Forbidden
from ..identity import CLIENT_ROLES, Caller, OrgKind
from ..policy import Action, OrgRef, allowed
from . import actions

PAGE = 50


STAFF_LABEL = "agency staff"
_CLIENT_ROLES = frozenset(r.value for r in CLIENT_ROLES)


def entry_json(entry_id: str, data: dict[str, Any], caller: Caller) -> dict[str, Any]:
    """One entry as ``caller`` may read it: staff see everything; a client sees what their
    own people did, and of the agency's people only that it was "agency staff" (no uid,
    address or viewer), and no IP address of anyone (``policy.sees_staff_identities``)."""
    out = {
        "id": entry_id,
        "action": data.get("event"),
        "at": data.get("at"),
        "actorUid": data.get("actorUid"),
        "actorEmail": data.get("actorEmail"),
        "actorRole": data.get("actorRole"),
        "viewerUid": data.get("viewerUid"),
        "orgId": data.get("orgId"),
        "target": data.get("target"),
        "details": data.get("details") or {},
        "ip": data.get("ip"),
        "requestId": data.get("requestId"),
    }
    if policy.sees_staff_identities(caller):
        return out
    client = data.get("actorRole") in _CLIENT_ROLES
    system = data.get("actorRole") is None and "@" not in str(data.get("actorEmail") or "@")  # "exporter", "cli"
    if not client and not system:
        out.update(actorUid=None, actorEmail=STAFF_LABEL)
    out.update(viewerUid=None, ip=None, requestId=None)
    return out


def _org_filter(caller: Caller, org_id: str | None) -> str | None:
    """The organisation the caller's entries are limited to (None: every one, admins)."""
    if caller.is_staff:
        if org_id:
            db.grant(caller, Action.AUDIT_READ, org_id)  # unknown: 404; not an admin: 403
            return org_id
        if not allowed(caller, Action.AUDIT_READ, OrgRef("", OrgKind.CLIENT)):
            raise Forbidden("You are not allowed to do this.")
        return None
    return db.grant(caller, Action.AUDIT_READ, org_id).org.id


def list_entries(
    caller: Caller,
    *,
    org_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    from google.cloud import firestore

    scope = _org_filter(caller, org_id)
    query: Any = db.audit_log()
    if scope is not None:
        query = query.where(filter=db.eq("orgId", scope))
    if actor:
        query = query.where(filter=db.eq("actorUid", actor))
    if action:
        query = query.where(filter=db.eq("event", action))
    if since:
        query = query.where(filter=db.at_least("at", since))
    if until:
        query = query.where(filter=db.before("at", until))
    query = query.order_by("at", direction=firestore.Query.DESCENDING).order_by(
        "__name__", direction=firestore.Query.DESCENDING
    )
    snaps, nxt = db.page(query, f"{db.AUDIT_LOG}/", cursor, limit or PAGE)
    return {
        "items": [entry_json(s.id, s.to_dict() or {}, caller) for s in snaps],
        "nextCursor": nxt,
        "actions": [{"name": k, "description": v} for k, v in actions.ACTIONS.items()],
    }
