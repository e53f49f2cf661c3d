"""In-app notifications: ``orgs/{orgId}/notifications/{id}``, one per person, readable
only by that person (``firestore.rules``). Ids derive from the causing event, so a
trigger delivered twice notifies nobody twice."""

from __future__ import annotations

from typing import Any

from .. import db


def owners(org_id: str) -> list[str]:
    """Uids of the organisation's active client owners."""
    users = db.system(org_id).users()
    return [s.id for s in users.where(filter=db.eq("role", "client_owner")).stream() if not s.get("disabled")]


def notify(org_id: str, uids: list[str], *, key: str, kind: str, title: str, body: str, link: str) -> int:
    """Create one notification per uid (skipping any already made for ``key``)."""
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import firestore

    made = 0
    collection = db.system(org_id).notifications()
    for uid in uids:
        data: dict[str, Any] = {
            "uid": uid,
            "orgId": org_id,
            "kind": kind,
            "title": title,
            "body": body,
            "link": link,
            "read": False,
            "createdAt": firestore.SERVER_TIMESTAMP,
        }
        try:
            collection.document(f"{key}-{uid}"[:1400]).create(data)
            made += 1
        except AlreadyExists:
            pass
    return made
