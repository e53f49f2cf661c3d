"""Who sees an organisation's threads: its active people and the agency's staff (for an
internal note, the staff alone). Read by the message service and its side effects."""

from __future__ import annotations

from typing import Any

from .. import db
from ..identity import STAFF_ROLES


def _people(query: Any) -> dict[str, dict[str, Any]]:
    found = {}
    for snap in query.stream():
        data = snap.to_dict() or {}
        if not data.get("disabled"):
            found[snap.id] = data
    return found


def staff() -> dict[str, dict[str, Any]]:
    """Every active staff member: uid -> their user document."""
    return _people(db.across_orgs(db.USERS).where(filter=db.among("role", sorted(r.value for r in STAFF_ROLES))))


def members(org_id: str) -> dict[str, dict[str, Any]]:
    """The organisation's active people: uid -> their user document."""
    return _people(db.system(org_id).users())


def audience(org_id: str, *, internal: bool = False) -> list[str]:
    """Uids of everyone who can see a thread of ``org_id`` (for a note: staff only)."""
    return list(staff()) if internal else [*members(org_id), *staff()]
