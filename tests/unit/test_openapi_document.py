"""The OpenAPI document as a client or a fuzzer reads it: every reference resolves, schema
names are unique and stable, and the document is valid OpenAPI 3.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from portal.api import common, openapi
from portal.api.registry import document
from portal.api.web import GET, POST, Operation, Route


def _refs(node: Any, where: str = "#") -> Iterator[tuple[str, str]]:
    """(where, reference) for every ``$ref`` under ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield where, value
            else:
                yield from _refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _refs(value, f"{where}/{i}")


def _resolves(doc: dict[str, Any], ref: str) -> bool:
    if not ref.startswith("#/"):
        return False  # the document is self-contained
    node: Any = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_every_reference_resolves() -> None:
    doc = document()
    refs = list(_refs(doc))
    assert refs
    missing: dict[str, list[str]] = {}
    for where, ref in refs:
        if not _resolves(doc, ref):
            missing.setdefault(ref, []).append(where)
    assert not missing, "references to schemas the document does not define:\n" + "\n".join(
        f"{ref} (from {', '.join(sorted(wheres)[:3])})" for ref, wheres in sorted(missing.items())
    )


def test_schemas_are_named_after_their_models() -> None:
    names = set(document()["components"]["schemas"])
    assert {"UnreadCount", "DashboardUnread", "UnmatchedEventList", "UnmatchedBookingList", "Attendee"} <= names
    assert all(name.replace("-Input", "").replace("-Output", "").isidentifier() for name in names), sorted(
        n for n in names if not n.isidentifier()
    )


def test_the_document_is_valid_openapi_3_1() -> None:
    from openapi_spec_validator import OpenAPIV31SpecValidator, validate

    doc = document()
    assert doc["openapi"].startswith("3.1.")  # pydantic's schemas are JSON Schema 2020-12, as 3.1's are
    validate(doc, cls=OpenAPIV31SpecValidator)


def _twin(base: type[common.Model] | type[common.Out]) -> type[Any]:
    class Twin(base):  # type: ignore[valid-type,misc]
        value: str = ""

    return Twin


def test_two_models_of_one_name_fail_the_build() -> None:
    class Holder(common.Out):
        twin: _twin(common.Out)  # type: ignore[valid-type]

    route = Route("twins", "/api/twins", "test", (
        Operation(GET, lambda ctx: None, "One", response=Holder),
        Operation(POST, lambda ctx: None, "Other", body=_twin(common.Model)),
    ))  # fmt: skip
    with pytest.raises(openapi.ComponentNameClash, match="Twin"):
        openapi.build((route,))
