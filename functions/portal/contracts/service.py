"""An organisation's contracts, as GBU reports them (``orgs/{orgId}/contracts/{contractId}``,
written by ``portal.projects.inbound``): listed for the people :func:`portal.policy.may_see_contract`
lets see each one, newest status first."""

from __future__ import annotations

from typing import Any

from .. import db, policy

AWAITING_SIGNATURE = frozenset({"sent", "viewed"})
"""Statuses of a contract that waits for the client's signature."""
LISTED = 200
"""The most contracts a list holds (the newest by their status's time)."""
STATUSES = ("draft", "sent", "viewed", "signed", "declined", "expired", "voided")


def signed_at(data: dict[str, Any]) -> Any:
    """When the contract was signed: as recorded, else (contracts stored before that was
    recorded) the latest ``signed`` entry of its history; None if never."""
    if data.get("signedAt") is not None:
        return data["signedAt"]
    signed = [h.get("occurredAt") for h in data.get("history") or [] if h.get("status") == "signed"]
    stamps = [s for s in signed if s is not None]
    return max(stamps) if stamps else None


def contract_json(snap: Any, project_names: dict[str, str]) -> dict[str, Any]:
    data = snap.to_dict() or {}
    status = data.get("status") if data.get("status") in STATUSES else "draft"
    project = data.get("projectId") or None
    return {
        "id": snap.id,
        "title": data.get("title") or "",
        "status": status,
        "awaitingSignature": status in AWAITING_SIGNATURE,
        "signedAt": db.to_json(signed_at(data)),
        "documentUrl": data.get("documentUrl") or None,
        "projectId": project,
        "projectName": project_names.get(project) if project else None,
        "updatedAt": db.to_json(data.get("occurredAt")),
    }


def list_contracts(grant: db.Grant, project_id: str | None = None) -> dict[str, Any]:
    """The contracts of the granted organisation (only ``project_id``'s, when given) that the
    grant's caller may see, newest status first, each with its project's name."""
    query: Any = grant.contracts()
    if project_id:
        query = query.where(filter=db.eq("projectId", project_id))
    snaps = list(query.order_by("occurredAt", direction="DESCENDING").limit(LISTED).stream())
    caller = grant.caller
    visible = [s for s in snaps if caller is None or policy.may_see_contract(
        caller, grant.org, project_id=(s.to_dict() or {}).get("projectId") or None)]  # fmt: skip
    projects = sorted({str(p) for p in ((s.to_dict() or {}).get("projectId") for s in visible) if p})
    names: dict[str, str] = {}
    if projects:
        for pid, snap in zip(projects, db.read_all([grant.project(p) for p in projects]), strict=True):
            if snap is not None and snap.exists:
                names[pid] = str((snap.to_dict() or {}).get("name") or "")
    return {"items": [contract_json(s, names) for s in visible]}
