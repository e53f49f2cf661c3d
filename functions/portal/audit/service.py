"""The audit log: an append-only record of security-relevant events.

Entries live in the top-level ``auditLog`` collection; only admins read them and
nobody writes them but the server.
"""

from __future__ import annotations

from typing import Any

from .. import context, db, logs
from ..identity import Caller
from . import actions


def record(
    event: str,
    *,
    actor: Caller | None = None,
    actor_label: str | None = None,
    org_id: str | None = None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    transaction: Any = None,
) -> None:
    """Append one entry (inside ``transaction`` when given), with the ip and request id
    of the request being served, if any. ``event`` is one of :data:`actions.ACTIONS`.
    While staff view the portal as someone (``actor.viewer``), the entry names the
    member of staff too."""
    from google.cloud import firestore

    if not actions.known(event):
        raise ValueError(f"unknown audit action {event!r}: add it to portal.audit.actions")
    request = context.current()
    entry = {
        "event": event,
        "at": firestore.SERVER_TIMESTAMP,
        "actorUid": actor.uid if actor else None,
        "actorEmail": actor.email if actor else actor_label,
        "actorRole": actor.role.value if actor else None,
        "orgId": org_id,
        "target": target,
        "details": details or {},
        "ip": request.ip,
        "requestId": request.request_id,
    }
    if actor is not None and actor.viewer:
        entry["viewerUid"] = actor.viewer
    ref = db.audit_log().document()
    if transaction is not None:
        transaction.create(ref, entry)
    else:
        ref.create(entry)
    logs.info("audit", event=event, target=target, auditOrgId=org_id)
