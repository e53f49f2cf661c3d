"""Firestore access: the client, organisation lookups and org-scoped collections.

Data lives under its organisation (``orgs/{orgId}/...``). Services reach an
organisation's collections only through a :class:`Grant`, which only
:func:`grant` hands out after the policy has said yes; so the storage layer cannot
be asked for another organisation's data by accident.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from . import config
from .errors import Conflict, NotFound
from .identity import Caller, OrgKind
from .policy import Action, OrgRef, authorize, refused_when_archived

if TYPE_CHECKING:
    from google.cloud import firestore


@cache
def client() -> firestore.Client:
    """The Firestore client (anonymous credentials under the emulator)."""
    from google.cloud import firestore

    return firestore.Client(project=config.project_id())


def now() -> float:
    return time.time()


_ORG_CACHE: dict[str, tuple[float, OrgRef]] = {}
_ORG_TTL = 300.0


def org_ref(org_id: str) -> OrgRef:
    """The organisation ``org_id`` (kind included), or NotFound. Kinds never change,
    so they are cached in the instance for a few minutes."""
    hit = _ORG_CACHE.get(org_id)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    if not org_id or "/" in org_id or len(org_id) > 128:
        raise NotFound("Organisation not found.")
    snap = client().collection("orgs").document(org_id).get()
    if not snap.exists:
        raise NotFound("Organisation not found.")
    ref = OrgRef(org_id, OrgKind(snap.get("kind")))
    _ORG_CACHE[org_id] = (time.monotonic() + _ORG_TTL, ref)
    return ref


@dataclass(frozen=True)
class Grant:
    """Proof that the policy allowed ``action`` on ``org`` for ``caller`` (``None``: the
    operator's own tools, such as the admin CLI, which act with full rights)."""

    caller: Caller | None
    action: Action
    org: OrgRef

    def doc(self) -> firestore.DocumentReference:
        return client().collection("orgs").document(self.org.id)

    def collection(self, name: str) -> firestore.CollectionReference:
        return self.doc().collection(name)


def grant(caller: Caller, action: Action, org_id: str | None = None) -> Grant:
    """Authorise ``caller`` for ``action`` on ``org_id`` (default: their own)."""
    target = org_id or caller.org_id
    if not caller.is_staff and target != caller.org_id:
        raise NotFound("Not found.")
    org = OrgRef(target, OrgKind.CLIENT) if not caller.is_staff else org_ref(target)
    authorize(caller, action, org)
    if refused_when_archived(caller, action) and org_archived(org.id):
        raise Conflict("This organisation is archived: it is read-only.", code="org_archived")
    return Grant(caller, action, org)


def org_archived(org_id: str) -> bool:
    """Whether ``org_id`` is archived, read now (never cached: an archive takes effect
    at once for every write)."""
    snap = client().collection("orgs").document(org_id).get(["archived"])
    return bool(snap.exists and (snap.to_dict() or {}).get("archived"))


def org_private(org_id: str) -> firestore.DocumentReference:
    """``orgs/{orgId}/private/settings``: an organisation's secrets and integration
    status (a Slack webhook URL). No rule lets a browser read or write it."""
    return client().collection("orgs").document(org_id).collection("private").document("settings")


def eq(field: str, value: Any) -> Any:
    """An equality filter (the keyword form the Firestore client prefers)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, "==", value)


def among(field: str, values: list[Any]) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, "in", values)


def contains(field: str, value: Any) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, "array_contains", value)


def contains_any(field: str, values: list[Any]) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, "array_contains_any", values)


def at_most(field: str, value: Any) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, "<=", value)


def trusted_grant(action: Action, org_id: str) -> Grant:
    """A grant for the operator's tools (admin CLI, seeding): no caller, full rights."""
    return Grant(None, action, org_ref(org_id))


def read(tx: Any, ref: Any, missing: str = "Not found.") -> dict[str, Any]:
    """A document's fields read inside transaction ``tx``; NotFound when it does not exist."""
    snap = ref.get(transaction=tx)
    if not snap.exists:
        raise NotFound(missing)
    return snap.to_dict() or {}


def scoped(caller: Caller, collection: str, action: Action, org_id: str | None) -> tuple[Any, str]:
    """A query over ``collection`` for listing, and the path prefix its documents (and so
    any cursor) must have: one organisation's, or for staff without ``org_id`` every
    client's (a collection-group query)."""
    if caller.is_staff and not org_id:
        return client().collection_group(collection), "orgs/"
    allowed = grant(caller, action, org_id)
    return allowed.collection(collection), f"orgs/{allowed.org.id}/{collection}/"


def locate(
    caller: Caller | None,
    collection: str,
    doc_id: str,
    action: Action,
    org_id: str | None = None,
    *,
    missing: str = "Not found.",
) -> Any:
    """The reference of ``collection/doc_id`` inside an organisation, once the policy allowed
    ``action`` there. A client only ever looks inside their own organisation; staff (or the
    trusted caller ``None``, which names ``org_id``) find it among all clients by its ``id``
    field. Unknown, or not yours: NotFound."""
    if caller is not None and not caller.is_staff:
        return grant(caller, action).collection(collection).document(doc_id)
    if org_id:
        allowed = grant(caller, action, org_id) if caller else trusted_grant(action, org_id)
        return allowed.collection(collection).document(doc_id)
    query = client().collection_group(collection).where(filter=eq("id", doc_id)).limit(1)
    found = next(iter(query.select([]).stream()), None)
    if found is None:
        raise NotFound(missing)
    if caller is not None:
        grant(caller, action, found.reference.parent.parent.id)
    return found.reference


def client_org_ids() -> list[str]:
    """Ids of every client organisation (for staff views across all clients)."""
    query = client().collection("orgs").where(filter=eq("kind", OrgKind.CLIENT.value))
    return [snap.id for snap in query.select([]).stream()]


def to_json(value: Any) -> Any:
    """Firestore values to JSON-friendly ones (timestamps to ISO 8601)."""
    import datetime as dt

    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat().replace("+00:00", "Z")
    return value
