"""Profile pictures: a small image uploaded by its owner, shown to whoever may see them.

Bounded and boring on purpose: PNG, JPEG or WebP only (never SVG), at most
256 KiB (the route's raw body limit), the type sniffed from the bytes and required to match the declared
one. The image is kept in Firestore beside the profile (``users/{uid}/avatar/current``)
and served by the API with its sniffed type and ``nosniff``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from .. import db
from ..audit import service as audit
from ..errors import NotFound, UnsupportedMediaType
from ..identity import Caller
from ..policy import Action

_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


def sniff(data: bytes) -> str | None:
    """The image type of ``data`` from its signature, or None."""
    for kind, prefixes in _MAGIC.items():
        if any(data.startswith(p) for p in prefixes):
            return kind
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def url(org_id: str, uid: str, version: str) -> str:
    return f"/api/avatars/{org_id}/{uid}?v={version}"


def upload(caller: Caller, data: bytes, declared: str) -> dict[str, Any]:
    """Replace the caller's picture; returns the profile's new ``avatarUrl``."""
    kind = sniff(data)
    if kind is None or kind != declared:
        raise UnsupportedMediaType("Send a PNG, JPEG or WebP image whose content matches its type.")
    grant = db.grant(caller, Action.ACCOUNT_OWN, caller.org_id)
    version = hashlib.sha256(data).hexdigest()[:16]
    link = url(grant.org.id, caller.uid, version)
    now = dt.datetime.now(dt.UTC)
    batch = db.batch()
    batch.set(grant.avatar(caller.uid), {"data": data, "type": kind, "version": version, "updatedAt": now})
    batch.set(grant.user(caller.uid), {"profile": {"avatarUrl": link}, "updatedAt": now}, merge=True)
    batch.commit()
    audit.record("user.avatar_changed", actor=caller, org_id=caller.org_id, target=caller.uid)
    return {"avatarUrl": link}


def remove(caller: Caller) -> dict[str, Any]:
    grant = db.grant(caller, Action.ACCOUNT_OWN, caller.org_id)
    now = dt.datetime.now(dt.UTC)
    batch = db.batch()
    batch.delete(grant.avatar(caller.uid))
    batch.set(grant.user(caller.uid), {"profile": {"avatarUrl": None}, "updatedAt": now}, merge=True)
    batch.commit()
    return {"avatarUrl": None}


def read(caller: Caller, org_id: str, uid: str) -> tuple[bytes, str]:
    """A picture, for someone who may see that organisation's people (else NotFound)."""
    if not (caller.uid == uid and caller.org_id == org_id):
        db.grant(caller, Action.MEMBERS_READ, org_id)
    snap = db.system(org_id).avatar(uid).get()
    if not snap.exists:
        raise NotFound("No picture.")
    data = snap.get("data")
    return bytes(data), str(snap.get("type"))
