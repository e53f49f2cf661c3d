"""Which Firestore indexes a query needs, and whether ``firestore.indexes.json`` has them.

A real Firestore project serves a query only from an index; the emulator serves any. The rules
applied here are Firestore's (https://firebase.google.com/docs/firestore/query-data/index-overview):

- Every field of a collection has single-field indexes (ascending, descending, array-contains)
  unless a field override says otherwise; a field override replaces them for both scopes, and
  a map field's override holds for its subfields.
  Collection group queries have none of their own: a field override must add them.
- A query on one field (filters and ordering on that field only) is served by its single-field
  index; equality filters (``==``, ``in``, ``array-contains``...) on several fields with no
  other ordering are served by merging those fields' single-field indexes, or by a composite
  index of those fields.
- Any other query needs a composite index of its scope: its equality fields first (in any
  order), then its orderings as written, then the inequality fields it does not order by
  (Firestore orders by them, ascending). Equality fields may instead be merged from composite
  indexes that each hold one of them followed by the same orderings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EQUALITY = {"EQUAL", "IN", "IS_NULL", "IS_NAN"}
CONTAINS = {"ARRAY_CONTAINS", "ARRAY_CONTAINS_ANY"}
INEQUALITY = {"LESS_THAN", "LESS_THAN_OR_EQUAL", "GREATER_THAN", "GREATER_THAN_OR_EQUAL", "NOT_EQUAL", "NOT_IN",
              "IS_NOT_NULL", "IS_NOT_NAN"}  # fmt: skip
NAME = "__name__"


@dataclass(frozen=True)
class Need:
    """An index a query needs: ``fields`` as (field, "ASCENDING" | "DESCENDING" | "CONTAINS");
    for a composite need, ``equalities`` is how many leading fields may come in any order."""

    collection: str
    scope: str  # "COLLECTION" or "COLLECTION_GROUP"
    fields: tuple[tuple[str, str], ...]
    equalities: int = 0

    @property
    def composite(self) -> bool:
        return len(self.fields) > 1

    def entry(self) -> dict[str, Any]:
        """What to add to ``firestore.indexes.json``."""
        if not self.composite:
            field, mode = self.fields[0]
            index = {"arrayConfig": "CONTAINS"} if mode == "CONTAINS" else {"order": mode}
            return {"fieldOverrides": {"collectionGroup": self.collection, "fieldPath": field,
                                       "indexes": [{**index, "queryScope": self.scope}]}}  # fmt: skip
        fields = [{"fieldPath": f, **({"arrayConfig": "CONTAINS"} if m == "CONTAINS" else {"order": m})}
                  for f, m in self.fields]  # fmt: skip
        return {"indexes": {"collectionGroup": self.collection, "queryScope": self.scope, "fields": fields}}


def needs(query: dict[str, Any]) -> list[Need]:
    """The indexes a recorded query shape (``portal.querylog.shape``) needs, for each of its
    alternatives (an ``OR`` has several): all of them must exist."""
    scope = "COLLECTION_GROUP" if query["group"] else "COLLECTION"
    collection = query["collection"]
    orders = [(f, d) for f, d in query["orders"] if f != NAME]
    result: list[Need] = []
    for branch in query["filters"]:
        equal: dict[str, str] = {}
        unequal: list[str] = []
        for field, op in branch:
            if field == NAME:
                continue
            if op in EQUALITY:
                equal.setdefault(field, "ASCENDING")
            elif op in CONTAINS:
                equal[field] = "CONTAINS"
            elif op in INEQUALITY and field not in unequal:
                unequal.append(field)
        ordered = list(orders) + [(f, "ASCENDING") for f in unequal if f not in {o[0] for o in orders}]
        equal = {f: m for f, m in equal.items() if f not in {o[0] for o in ordered} or m == "CONTAINS"}
        fields = list(equal.items()) + ordered
        if not fields:
            continue
        if len(fields) == 1:
            result.append(Need(collection, scope, tuple(fields)))
            continue
        result.append(Need(collection, scope, tuple(fields), equalities=len(equal)))
    return result


@dataclass
class Indexes:
    """What ``firestore.indexes.json`` declares."""

    composite: list[dict[str, Any]]
    overrides: dict[tuple[str, str], list[dict[str, Any]]]

    @classmethod
    def load(cls, path: Path) -> Indexes:
        data = json.loads(path.read_text())
        overrides = {(o["collectionGroup"], o["fieldPath"]): o.get("indexes", [])
                     for o in data.get("fieldOverrides", [])}  # fmt: skip
        return cls(data.get("indexes", []), overrides)

    def single(self, need: Need) -> bool:
        field, mode = need.fields[0]
        # A map field's override holds for its subfields, unless one has its own.
        parts = field.split(".")
        prefixes = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
        found = [self.overrides[(need.collection, p)] for p in prefixes if (need.collection, p) in self.overrides]
        override = found[0] if found else None
        if override is None:
            return need.scope == "COLLECTION"  # automatic for collections, none for groups
        for index in override:
            found = "CONTAINS" if index.get("arrayConfig") == "CONTAINS" else index.get("order")
            if index.get("queryScope", "COLLECTION") == need.scope and found == mode:
                return True
        return False

    def has(self, need: Need) -> bool:
        if not need.composite:
            return self.single(need)
        if need.equalities == len(need.fields) and all(
            self.single(Need(need.collection, need.scope, (field,))) for field in need.fields
        ):
            return True  # equalities only: the fields' single-field indexes, merged
        for index in self.composite:
            if index["collectionGroup"] != need.collection or index.get("queryScope", "COLLECTION") != need.scope:
                continue
            fields = [(f["fieldPath"], "CONTAINS" if f.get("arrayConfig") == "CONTAINS" else f.get("order"))
                      for f in index["fields"] if f["fieldPath"] != NAME]  # fmt: skip
            if len(fields) != len(need.fields):
                continue
            lead, rest = fields[: need.equalities], fields[need.equalities :]
            wanted = need.fields[: need.equalities]
            if {f for f, _ in lead} != {f for f, _ in wanted}:
                continue
            if any(m == "CONTAINS" and (f, m) not in lead for f, m in wanted):
                continue
            if any(m == "CONTAINS" and (f, m) not in wanted for f, m in lead):
                continue
            if tuple(rest) == need.fields[need.equalities :]:
                return True
        return self._merged(need)

    def _merged(self, need: Need) -> bool:
        """Equality fields served by merging composite indexes that each hold one of them
        followed by the same orderings (or the orderings alone, for ordering-only fields)."""
        if need.equalities < 2:
            return False
        ordered = need.fields[need.equalities :]
        return all(
            self.has(Need(need.collection, need.scope, (field, *ordered), equalities=1))
            for field in need.fields[: need.equalities]
        )


def missing(queries: list[dict[str, Any]], indexes: Indexes) -> list[tuple[dict[str, Any], Need]]:
    """Each recorded query with an index it needs that the file does not declare."""
    gaps: list[tuple[dict[str, Any], Need]] = []
    seen: set[Need] = set()
    for query in queries:
        for need in needs(query):
            if not indexes.has(need) and need not in seen:
                seen.add(need)
                gaps.append((query, need))
    return gaps
