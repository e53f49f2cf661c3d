"""The audit log: an append-only record of security-relevant events.

Entries live in the top-level ``auditLog`` collection; only admins read them and
nobody writes them but the server.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .. import context, db, logs
from ..identity import Caller
from . import actions

ONCE_WINDOW_SECONDS = 600
"""How long one entry stands for repeated requests about the same thing (see ``once_per``)."""


def _once_id(event: str, about: str) -> str:
    window = int(db.now() // ONCE_WINDOW_SECONDS)
    return "once-" + hashlib.sha256(f"{event}\n{about}\n{window}".encode()).hexdigest()[:32]


def record(
    event: str,
    *,
    actor: Caller | None = None,
    actor_label: str | None = None,
    org_id: str | None = None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    transaction: Any = None,
    once_per: str | None = None,
) -> None:
    """Append one entry (inside ``transaction`` when given), with the ip and request id
    of the request being served, if any. ``event`` is one of :data:`actions.ACTIONS`.
    While staff view the portal as someone (``actor.viewer``), the entry names the
    member of staff too.

    ``once_per`` names what the entry is about (a download of one file by one person): the
    entry is written once for it per :data:`ONCE_WINDOW_SECONDS`, whatever the requests
    (every ``Range`` piece of a download, a seek in a video) in between."""
    from google.api_core.exceptions import AlreadyExists, Conflict
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
    ref = db.audit_log().document(_once_id(event, once_per) if once_per else None)
    if transaction is not None:
        transaction.create(ref, entry)
    else:
        try:
            ref.create(entry)
        except (AlreadyExists, Conflict):
            if not once_per:
                raise
            return  # recorded already in this window
    logs.info("audit", event=event, target=target, auditOrgId=org_id)
