"""A person's conversations with the assistant as personal data: exported with their data,
erased with their account (``portal.privacy.sources`` reaches them through the package's
``export_user`` and ``erase_user``). Nothing here imports the request pipeline."""

from __future__ import annotations

import json
from typing import Any

from .. import db


def _threads_of(uid: str) -> list[Any]:
    return list(db.across_orgs(db.ASSISTANT_THREADS).where(filter=db.eq("uid", uid)).stream())


def export_user(uid: str) -> dict[str, Any]:
    """Every conversation ``uid`` had with the assistant, as JSON-able data:
    ``{"conversations": [{"id", "orgId", "title", "createdAt", "items": [ChatKit item JSON]}]}``,
    oldest first, each conversation's items in order."""
    conversations = []
    for snap in sorted(_threads_of(uid), key=lambda s: s.get("createdAt") or 0):
        data = snap.to_dict() or {}
        items = db.assistant_items(snap.reference).order_by("at").order_by("__name__").stream()
        conversations.append(
            {
                "id": snap.id,
                "orgId": data.get("orgId"),
                "title": data.get("title"),
                "createdAt": data.get("createdAt"),
                "updatedAt": data.get("updatedAt"),
                "items": [json.loads(i.get("item")) for i in items],
            }
        )
    return {"conversations": conversations}


def erase_user(uid: str) -> int:
    """Delete every conversation of ``uid`` with the assistant (and its items); the number
    of conversations deleted. The organisation's daily token count stays (it is not personal)."""
    from .store import _delete_thread

    snaps = _threads_of(uid)
    for snap in snaps:
        _delete_thread(snap.reference)
    return len(snaps)
