"""Organisations: the agency and its client companies."""

from __future__ import annotations

import re
import secrets
from typing import Any

from .. import db
from ..errors import BadRequest, Conflict
from ..identity import Caller, OrgKind
from ..policy import Action


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
    return slug or "org"


def create_org(name: str, kind: OrgKind, *, org_id: str | None = None, actor_label: str = "cli") -> dict[str, Any]:
    """Create an organisation; there is exactly one agency organisation."""
    from google.cloud import firestore

    from ..audit import service as audit

    name = name.strip()
    if not name or len(name) > 120:
        raise BadRequest("An organisation needs a name of at most 120 characters.")
    if kind == OrgKind.AGENCY:
        existing = list(db.orgs().where(filter=db.eq("kind", OrgKind.AGENCY.value)).limit(1).stream())
        if existing and existing[0].id != org_id:
            raise Conflict("The agency organisation already exists.")
    org_id = org_id or f"{_slug(name)}-{secrets.token_hex(3)}"
    data = {
        "name": name,
        "kind": kind.value,
        "createdAt": firestore.SERVER_TIMESTAMP,
        "updatedAt": firestore.SERVER_TIMESTAMP,
    }
    try:
        db.orgs().document(org_id).create(data)
    except Exception as exc:  # google.api_core.exceptions.AlreadyExists
        if type(exc).__name__ == "AlreadyExists":
            raise Conflict(f"Organisation {org_id} already exists.") from None
        raise
    audit.record("org.created", actor_label=actor_label, org_id=org_id, target=org_id, details={"name": name})
    return {"id": org_id, "name": name, "kind": kind.value}


def list_orgs(caller: Caller) -> list[dict[str, Any]]:
    """Staff see every client organisation; a client sees their own."""
    if not caller.is_staff:
        grant = db.grant(caller, Action.ORG_READ)
        snap = grant.doc().get()
        return [{"id": snap.id, "name": snap.get("name"), "kind": snap.get("kind")}] if snap.exists else []
    query = db.client_orgs()
    orgs = [{"id": s.id, "name": s.get("name"), "kind": s.get("kind")} for s in query.stream()]
    return sorted(orgs, key=lambda o: o["name"].lower())


def list_all(kind: OrgKind | None = None) -> list[dict[str, Any]]:
    """Every organisation (admin CLI)."""
    query: Any = db.orgs()
    if kind:
        query = query.where(filter=db.eq("kind", kind.value))
    return [{"id": s.id, **db.to_json(s.to_dict())} for s in query.stream()]
