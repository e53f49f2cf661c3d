"""Project templates: the agency's milestone sets (``orgs/{agencyId}/templates``).

Each milestone of a template is a title and an offset in days from the project's
start; a project made from a template gets those milestones, due from its start.
Staff read templates; admins manage them (``templates.manage``)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from .. import db
from ..errors import NotFound
from ..identity import Caller
from ..policy import Action


def template_json(snap: Any) -> dict[str, Any]:
    data = db.to_json(snap.to_dict() or {})
    return {
        "id": snap.id,
        "name": data.get("name", ""),
        "description": data.get("description", ""),
        "milestones": data.get("milestones") or [],
        "updatedAt": data.get("updatedAt"),
    }


def _collection(caller: Caller, action: Action) -> Any:
    return db.grant(caller, action).templates()


def list_templates(caller: Caller) -> list[dict[str, Any]]:
    snaps = _collection(caller, Action.TEMPLATES_READ).order_by("name").limit(200).stream()
    return [template_json(s) for s in snaps]


def get_template(caller: Caller, template_id: str) -> dict[str, Any]:
    snap = _collection(caller, Action.TEMPLATES_READ).document(template_id).get()
    if not snap.exists:
        raise NotFound("Template not found.")
    return template_json(snap)


def create_template(caller: Caller, fields: dict[str, Any]) -> dict[str, Any]:
    from google.cloud import firestore

    ref = _collection(caller, Action.TEMPLATES_MANAGE).document(f"tpl-{secrets.token_hex(4)}")
    ref.create({**fields, "createdAt": firestore.SERVER_TIMESTAMP, "updatedAt": firestore.SERVER_TIMESTAMP,
                "updatedBy": caller.email})  # fmt: skip
    return template_json(ref.get())


def update_template(caller: Caller, template_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    from google.cloud import firestore

    ref = _collection(caller, Action.TEMPLATES_MANAGE).document(template_id)
    if not ref.get().exists:
        raise NotFound("Template not found.")
    ref.update({**fields, "updatedAt": firestore.SERVER_TIMESTAMP, "updatedBy": caller.email})
    return template_json(ref.get())


def delete_template(caller: Caller, template_id: str) -> dict[str, Any]:
    ref = _collection(caller, Action.TEMPLATES_MANAGE).document(template_id)
    if not ref.get().exists:
        raise NotFound("Template not found.")
    ref.delete()
    return {"ok": True}


def milestones_from(template: dict[str, Any], start: str | None) -> list[dict[str, Any]]:
    """The template's milestones, each due its offset in days after ``start`` (default today)."""
    begin = dt.date.fromisoformat(start) if start else dt.date.today()
    return [
        {"title": m["title"], "due": (begin + dt.timedelta(days=int(m.get("offsetDays") or 0))).isoformat()}
        for m in template.get("milestones") or []
    ]
