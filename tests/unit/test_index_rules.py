"""The index check's rules (tests/indexes.py) against Firestore's documented behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import indexes as ix
import pytest


def query(collection: str, *filters: tuple[str, str], orders: tuple = (), group: bool = False, alternatives=None):
    return {
        "collection": collection,
        "group": group,
        "filters": alternatives or [list(map(list, filters))],
        "orders": [list(o) for o in orders],
    }


@pytest.fixture
def declared(tmp_path: Path):
    def load(indexes: list | None = None, overrides: list | None = None) -> ix.Indexes:
        path = tmp_path / "firestore.indexes.json"
        path.write_text(json.dumps({"indexes": indexes or [], "fieldOverrides": overrides or []}))
        return ix.Indexes.load(path)

    return load


def composite(collection: str, *fields: tuple[str, str], scope: str = "COLLECTION") -> dict:
    return {
        "collectionGroup": collection,
        "queryScope": scope,
        "fields": [
            {"fieldPath": f, **({"arrayConfig": "CONTAINS"} if m == "CONTAINS" else {"order": m})} for f, m in fields
        ],
    }


def test_one_field_is_served_by_the_automatic_single_field_index(declared) -> None:
    files = declared()
    assert not ix.missing([query("files", ("projectId", "EQUAL"))], files)
    assert not ix.missing([query("files", ("size", "GREATER_THAN"), orders=[("size", "DESCENDING")])], files)
    assert not ix.missing([query("files", orders=[("name", "DESCENDING")])], files)
    assert not ix.missing([query("files", ("tags", "ARRAY_CONTAINS"))], files)


def test_equalities_on_several_fields_are_merged(declared) -> None:
    assert not ix.missing(
        [query("files", ("projectId", "EQUAL"), ("kind", "IN"), ("tags", "ARRAY_CONTAINS"))], declared()
    )


def test_an_equality_with_an_ordering_on_another_field_needs_a_composite_index(declared) -> None:
    asked = query("files", ("projectId", "EQUAL"), orders=[("name", "ASCENDING")])
    [(_, need)] = ix.missing([asked], declared())
    assert need.entry() == {"indexes": composite("files", ("projectId", "ASCENDING"), ("name", "ASCENDING"))}
    assert not ix.missing([asked], declared([composite("files", ("projectId", "DESCENDING"), ("name", "ASCENDING"))]))
    wrong_direction = declared([composite("files", ("projectId", "ASCENDING"), ("name", "DESCENDING"))])
    assert ix.missing([asked], wrong_direction)
    group_only = declared(
        [composite("files", ("projectId", "ASCENDING"), ("name", "ASCENDING"), scope="COLLECTION_GROUP")]
    )
    assert ix.missing([asked], group_only)


def test_an_inequality_is_ordered_by_after_the_orderings_asked_for(declared) -> None:
    asked = query("deliveries", ("status", "EQUAL"), ("at", "LESS_THAN"))
    [(_, need)] = ix.missing([asked], declared())
    assert need.fields == (("status", "ASCENDING"), ("at", "ASCENDING"))
    asked = query("deliveries", ("at", "LESS_THAN"), orders=[("priority", "DESCENDING")])
    [(_, need)] = ix.missing([asked], declared())
    assert need.fields == (("priority", "DESCENDING"), ("at", "ASCENDING"))


def test_array_contains_with_an_ordering_needs_a_contains_field(declared) -> None:
    asked = query("threads", ("participants", "ARRAY_CONTAINS"), orders=[("lastAt", "DESCENDING")])
    assert ix.missing(
        [asked], declared([composite("threads", ("participants", "ASCENDING"), ("lastAt", "DESCENDING"))])
    )
    assert not ix.missing(
        [asked], declared([composite("threads", ("participants", "CONTAINS"), ("lastAt", "DESCENDING"))])
    )


def test_a_collection_group_query_needs_its_own_indexes(declared) -> None:
    asked = query("uploads", ("expiresAt", "LESS_THAN"), group=True)
    [(_, need)] = ix.missing([asked], declared())
    assert need.entry() == {
        "fieldOverrides": {
            "collectionGroup": "uploads",
            "fieldPath": "expiresAt",
            "indexes": [{"order": "ASCENDING", "queryScope": "COLLECTION_GROUP"}],
        }
    }
    override = {
        "collectionGroup": "uploads",
        "fieldPath": "expiresAt",
        "indexes": [{"order": "ASCENDING", "queryScope": "COLLECTION_GROUP"}],
    }
    assert not ix.missing([asked], declared(overrides=[override]))


def test_a_field_override_replaces_the_automatic_indexes(declared) -> None:
    only_ascending = {
        "collectionGroup": "files",
        "fieldPath": "name",
        "indexes": [{"order": "ASCENDING", "queryScope": "COLLECTION"}],
    }
    assert ix.missing([query("files", orders=[("name", "DESCENDING")])], declared(overrides=[only_ascending]))
    assert not ix.missing([query("files", orders=[("name", "ASCENDING")])], declared(overrides=[only_ascending]))


def test_each_alternative_of_an_or_needs_its_index(declared) -> None:
    asked = query(
        "files", orders=[("name", "ASCENDING")], alternatives=[[["projectId", "EQUAL"]], [["ownerUid", "EQUAL"]]]
    )
    gaps = ix.missing([asked], declared([composite("files", ("projectId", "ASCENDING"), ("name", "ASCENDING"))]))
    assert [need.fields for _, need in gaps] == [(("ownerUid", "ASCENDING"), ("name", "ASCENDING"))]


def test_equalities_may_be_merged_from_composite_indexes_sharing_the_ordering(declared) -> None:
    asked = query("files", ("projectId", "EQUAL"), ("kind", "EQUAL"), orders=[("name", "ASCENDING")])
    assert ix.missing([asked], declared([composite("files", ("projectId", "ASCENDING"), ("name", "ASCENDING"))]))
    both = declared(
        [
            composite("files", ("projectId", "ASCENDING"), ("name", "ASCENDING")),
            composite("files", ("kind", "ASCENDING"), ("name", "ASCENDING")),
        ]
    )
    assert not ix.missing([asked], both)


def test_a_map_fields_override_holds_for_its_subfields(declared) -> None:
    terms = {"collectionGroup": "searchIndex", "fieldPath": "terms",
             "indexes": [{"order": "ASCENDING", "queryScope": "COLLECTION_GROUP"}]}  # fmt: skip
    asked = query("searchIndex", ("terms.brand", "EQUAL"), group=True)
    assert ix.missing([asked], declared())
    assert not ix.missing([asked], declared(overrides=[terms]))
