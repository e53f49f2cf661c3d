"""Search: what the caller may see, matching every word of the query, grouped by kind.

One query per search, on the index entries of one organisation (a client's own, or the
one a staff member names) or of every client (staff): one equality filter per query word
on the entry's ``terms``, a client's further limited to entries for everyone of their
organisation. Results are in the index's order (kind, then id), a page at a time.
"""

from __future__ import annotations

from typing import Any

from .. import db, policy
from ..errors import BadRequest
from ..identity import Caller, OrgKind
from ..policy import Action, OrgRef
from . import text
from .index import valid_entry_id
from .kinds import KINDS, ORG

DEFAULT_LIMIT = 20
MAX_LIMIT = 50


def _term(term: str) -> str:
    from google.cloud.firestore_v1.field_path import FieldPath

    return FieldPath("terms", term).to_api_repr()


def result(entry: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
    """An index entry as the API shows it (the shape the assistant reuses too)."""
    title = entry.get("title") or ""
    snippet, marks = text.snippet(entry.get("text") or "", wanted)
    return {
        "kind": entry.get("kind"),
        "id": entry.get("id"),
        "orgId": entry.get("orgId"),
        "title": title,
        "titleHighlights": text.highlights(title, wanted),
        "snippet": snippet,
        "highlights": marks,
        "link": entry.get("link"),
    }


def search(
    caller: Caller,
    q: str | None,
    *,
    org_id: str | None = None,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """The items ``caller`` may see that match every word of ``q``, grouped by kind."""
    wanted = text.query_terms(q)
    if kind is not None and kind not in KINDS:
        raise BadRequest(f"kind is one of: {', '.join(KINDS)}.", code="invalid_kind")
    limit = max(1, min(limit, MAX_LIMIT))
    query, prefix = db.scoped(caller, db.SEARCH_INDEX, Action.SEARCH, org_id)
    org = OrgRef(org_id or caller.org_id, OrgKind.CLIENT)
    kinds = [k.name for k in KINDS.values() if (kind is None or k.name == kind) and policy.allowed(caller, k.read, org)]
    empty = {"query": q, "terms": wanted, "groups": [], "nextCursor": None}
    if not kinds:
        return empty
    for term in wanted:
        query = query.where(filter=db.eq(_term(term), True))
    if not caller.is_staff:
        query = query.where(filter=db.eq("audience", ORG))
    if len(kinds) < len(KINDS):
        query = query.where(filter=db.eq("kind", kinds[0]) if len(kinds) == 1 else db.among("kind", kinds))
    if prefix == f"{db.ORGS}/":  # staff, every client: entries of any organisation
        prefix = f"{db.ORGS}/*/{db.SEARCH_INDEX}/"
    snaps, next_cursor = db.page_by_name(query, prefix, cursor, limit, valid_name=valid_entry_id)
    groups: dict[str, list[dict[str, Any]]] = {}
    for snap in snaps:
        data = snap.to_dict() or {}
        groups.setdefault(data.get("kind") or "", []).append(result(data, wanted))
    ordered = [{"kind": k.name, "label": k.label, "items": groups[k.name]} for k in KINDS.values() if k.name in groups]
    return {**empty, "groups": ordered, "nextCursor": next_cursor}
