"""Keeping the search index: one entry per indexed item, written by Firestore triggers on
the items' own documents, and a backfill for what exists already.

An entry (``orgs/{orgId}/searchIndex/{kind}:{ids}``) holds the item's kind, id,
organisation, audience, title, plain text (for snippets), link, and ``terms``: a map of
every normalised word prefix to ``true``. A query is one equality filter per query word on
``terms.<word>`` (plus the audience for clients), which Firestore answers from its
automatic single-field indexes by merging them: every word must match (AND) and only
matching entries are read. No composite index is needed.

Indexing is idempotent and converges whatever the order of deliveries: :func:`reindex`
reads the item as it is now, inside a transaction with its entry, and writes the entry
only when what it would hold has changed (a digest), deleting it when the item is gone.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from .. import db
from . import text
from .kinds import KINDS, Kind

_ENTRY_ID = re.compile(r"[a-z]+(:[A-Za-z0-9_-]{1,128})+")


def valid_entry_id(value: str) -> bool:
    """Whether ``value`` has the shape of an entry's id (``kind:id``, ``kind:threadId:messageId``)."""
    return _ENTRY_ID.fullmatch(value) is not None


def entry(kind: Kind, params: dict[str, str], data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The index entry of the item ``data`` (None: not indexed, or gone)."""
    if data is None or not kind.indexed(data):
        return None
    title = text.clean(kind.title_of(data))[:300]
    body = text.clean(kind.text_of(data))[: text.MAX_TEXT]
    fields = {
        "kind": kind.name,
        "id": kind.item_id(params),
        "orgId": params["orgId"],
        "audience": kind.audience(data),
        "title": title,
        "text": body,
        "link": kind.link_of(params, data),
        "terms": dict.fromkeys(sorted(text.terms(text.words(f"{title} {body}"))), True),
    }
    fields["digest"] = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:20]
    return fields


def reindex(kind_name: str, params: dict[str, str]) -> str:
    """Bring the entry of one item in line with the item as stored now: ``written``,
    ``unchanged``, ``removed`` or ``absent``."""
    from google.cloud import firestore

    kind = KINDS[kind_name]
    source = db.org_document(kind.path(params))
    target = db.system(params["orgId"]).search_entry(kind.entry_id(params))

    def run(tx: Any) -> str:
        snaps = {s.reference.path: s for s in tx.get_all([source, target])}
        item, current = snaps[source.path], snaps[target.path]
        wanted = entry(kind, params, item.to_dict() if item.exists else None)
        if wanted is None:
            if not current.exists:
                return "absent"
            tx.delete(target)
            return "removed"
        if current.exists and (current.to_dict() or {}).get("digest") == wanted["digest"]:
            return "unchanged"
        tx.set(target, {**wanted, "indexedAt": firestore.SERVER_TIMESTAMP})
        return "written"

    return db.transact(run)


def on_written(kind_name: str, params: dict[str, str]) -> str:
    """A trigger's call: an item of ``kind_name`` at ``params`` was created, changed or deleted."""
    return reindex(kind_name, {k: params[k] for k in KINDS[kind_name].params})


def backfill(org_id: str | None = None) -> dict[str, dict[str, int]]:
    """Index every existing item (of one organisation, or all) and remove entries whose
    item is gone: what the triggers would have done. Safe to run at any time."""
    counts: dict[str, dict[str, int]] = {}
    for kind in KINDS.values():
        tally = counts.setdefault(kind.name, {})
        for snap in db.across_orgs(kind.collection).select([]).stream():
            params = kind.match(snap.reference.path)
            if params is None or (org_id and params["orgId"] != org_id):
                continue
            result = reindex(kind.name, params)
            tally[result] = tally.get(result, 0) + 1
    for snap in db.across_orgs(db.SEARCH_INDEX).select(["kind"]).stream():
        org = snap.reference.parent.parent.id
        if org_id and org != org_id:
            continue
        known = KINDS.get((snap.to_dict() or {}).get("kind") or "")
        params = dict(zip(known.params, [org, *snap.id.split(":")[1:]], strict=False)) if known else {}
        if known is None or len(params) != len(known.params):
            snap.reference.delete()  # an entry of no kind the portal indexes any more
        elif reindex(known.name, params) == "removed":
            counts[known.name]["removed"] = counts[known.name].get("removed", 0) + 1
    return counts
