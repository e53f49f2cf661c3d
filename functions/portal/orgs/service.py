"""Organisations: the agency and its client companies."""

from __future__ import annotations

import re
import secrets
from typing import Any

from .. import authn, db
from ..errors import BadRequest, Conflict, NotFound
from ..identity import Caller, OrgKind
from ..policy import Action
from . import settings


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


def org_json(snap: Any) -> dict[str, Any]:
    data = db.to_json(snap.to_dict() or {})
    return {
        "id": snap.id,
        "name": data.get("name", ""),
        "kind": data.get("kind", "client"),
        "logoUrl": data.get("logoUrl"),
        "emailDomains": data.get("emailDomains") or [],
        "archived": bool(data.get("archived")),
        "archivedAt": data.get("archivedAt"),
        "createdAt": data.get("createdAt"),
        "updatedAt": data.get("updatedAt"),
    }


def list_orgs(caller: Caller, *, archived: bool = False) -> list[dict[str, Any]]:
    """Staff see every client organisation (archived ones only when asked); a client
    sees their own."""
    if not caller.is_staff:
        grant = db.grant(caller, Action.ORG_READ)
        snap = grant.doc().get()
        return [org_json(snap)] if snap.exists else []
    orgs = [org_json(s) for s in db.client_orgs().stream()]
    if not archived:
        orgs = [o for o in orgs if not o["archived"]]
    return sorted(orgs, key=lambda o: o["name"].lower())


def get_org(caller: Caller, org_id: str) -> dict[str, Any]:
    """One organisation: its name, logo and email domains."""
    grant = db.grant(caller, Action.ORG_READ, org_id)
    snap = grant.doc().get()
    if not snap.exists:
        raise NotFound("Organisation not found.")
    return org_json(snap)


def _client_grant(caller: Caller, action: Action, org_id: str) -> db.Grant:
    grant = db.grant(caller, action, org_id)
    if grant.org.kind != OrgKind.CLIENT:
        raise BadRequest("Only client organisations are managed here.", code="not_a_client")
    return grant


def create_client(
    caller: Caller, *, name: str, logo_url: str | None, email_domains: list[str], owner_email: str
) -> dict[str, Any]:
    """Staff create a client organisation and invite its first owner in the same step
    (through the invites service, as any invite). The owner's email must not have an
    account yet; if the invite cannot be made, the organisation is not kept."""
    from ..identity import Role
    from ..invites import service as invites

    db.grant(caller, Action.ORGS_CREATE)
    settings.check_domains_free(email_domains, None)
    auth = authn.admin_auth()
    try:
        auth.get_user_by_email(owner_email)
        raise Conflict("The owner's email already has an account.", code="email_exists")
    except auth.UserNotFoundError:
        pass
    org = create_org(name, OrgKind.CLIENT, actor_label=caller.email)
    ref = db.orgs().document(org["id"])
    ref.update({"logoUrl": logo_url, "emailDomains": email_domains, "createdBy": caller.email})
    try:
        invite = invites.create(caller, email=owner_email, role=Role.CLIENT_OWNER, org_id=org["id"])
    except Exception:
        ref.delete()
        raise
    return {"org": org_json(ref.get()), **invite}


def update_org(caller: Caller, org_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Staff edit a client's name, logo or email domains; a new name reaches its projects."""
    from google.cloud import firestore

    from ..audit import service as audit

    grant = _client_grant(caller, Action.ORGS_UPDATE, org_id)
    if "emailDomains" in fields:
        settings.check_domains_free(fields["emailDomains"], grant.org.id)
    if "name" in fields:
        name = fields["name"].strip()
        if not name:
            raise BadRequest("An organisation needs a name.")
        fields["name"] = name
    grant.doc().update({**fields, "updatedAt": firestore.SERVER_TIMESTAMP})
    if "name" in fields:
        batch, pending = db.client().batch(), 0
        for snap in grant.projects().select([]).stream():
            batch.update(snap.reference, {"orgName": fields["name"]})
            pending += 1
            if pending == 400:
                batch.commit()
                batch, pending = db.client().batch(), 0
        if pending:
            batch.commit()
    audit.record("org.updated", actor=caller, actor_label=caller.email, org_id=grant.org.id, target=grant.org.id,
                 details={"fields": sorted(fields)})  # fmt: skip
    return org_json(grant.doc().get())


def set_archived(caller: Caller, org_id: str, archived: bool) -> dict[str, Any]:
    """Archive a client organisation (read-only for its people, hidden from default
    lists, its data kept) or restore it (admins). Takes effect at once: every write by
    its people checks the flag uncached (``db.grant``)."""
    from google.cloud import firestore

    from ..audit import service as audit

    grant = _client_grant(caller, Action.ORGS_ARCHIVE, org_id)
    snap = grant.doc().get()
    if bool((snap.to_dict() or {}).get("archived")) == archived:
        raise Conflict("The organisation is already archived." if archived else "The organisation is not archived.",
                       code="already_archived" if archived else "not_archived")  # fmt: skip
    batch = db.client().batch()
    batch.update(grant.doc(), {
        "archived": archived, "archivedAt": firestore.SERVER_TIMESTAMP if archived else None,
        "archivedBy": caller.email if archived else None, "updatedAt": firestore.SERVER_TIMESTAMP,
    })  # fmt: skip
    batch.set(db.clients_summary(),
              {"clients": {grant.org.id: {"archived": archived}}}, merge=True)  # fmt: skip
    batch.commit()
    audit.record("org.archived" if archived else "org.restored", actor=caller, actor_label=caller.email,
                 org_id=grant.org.id, target=grant.org.id)  # fmt: skip
    return org_json(grant.doc().get())


def clients_overview(caller: Caller, *, archived: bool = False) -> list[dict[str, Any]]:
    """Every client with what needs the agency's attention, from the clients summary
    (``summaries/clients``) and the list of organisations: two reads, no scanning."""
    db.grant(caller, Action.CLIENTS_READ)
    summary = db.clients_summary().get()
    entries = (summary.to_dict() or {}).get("clients", {}) if summary.exists else {}
    rows = []
    for org in list_orgs(caller, archived=archived):
        entry = db.to_json(entries.get(org["id"]) or {})
        counts = entry.get("counts") or {}
        rows.append({
            "id": org["id"], "name": org["name"], "logoUrl": org["logoUrl"], "archived": org["archived"],
            "emailDomains": org["emailDomains"],
            "billingStatus": (entry.get("billing") or {}).get("status"),
            "approvalsWaiting": int(entry.get("approvalsWaiting") or len(entry.get("approvals") or [])),
            "overdueMilestones": int(entry.get("overdue") or 0),
            "unreadMessages": int(entry.get("unreadMessages") or 0),
            "activeProjects": sum(int(counts.get(s) or 0) for s in ("planning", "active", "review")),
            "lastActivity": entry.get("lastActivity") or org["updatedAt"],
        })  # fmt: skip
    return rows


def list_all(kind: OrgKind | None = None) -> list[dict[str, Any]]:
    """Every organisation (admin CLI)."""
    query: Any = db.orgs()
    if kind:
        query = query.where(filter=db.eq("kind", kind.value))
    return [{"id": s.id, **db.to_json(s.to_dict())} for s in query.stream()]
