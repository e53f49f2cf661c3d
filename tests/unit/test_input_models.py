"""Ids and partial updates, as every route's models use them."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from portal import ids
from portal.api.common import Id
from portal.projects.models import MilestonePatch, ProjectPatch


@pytest.mark.parametrize("value", ["acme", "a-b_c", "A1", "x" * 128, "_x", "__x", "x__", "__"])
def test_ids_accepted(value: str) -> None:
    assert ids.valid(value)
    assert TypeAdapter(Id).validate_python(value) == value


@pytest.mark.parametrize("value", ["", "__x__", "__main__", "____", "a/b", "a.b", "..", "x" * 129, "é", "a b", None, 3])
def test_ids_refused(value: object) -> None:
    assert not ids.valid(value)
    with pytest.raises(ValidationError):
        TypeAdapter(Id).validate_python(value)


def test_patch_refuses_null_for_fields_that_need_a_value() -> None:
    with pytest.raises(ValidationError, match="status cannot be null"):
        ProjectPatch.model_validate({"status": None})
    assert ProjectPatch.model_validate({"status": "active"}).model_dump(exclude_unset=True) == {"status": "active"}
    assert MilestonePatch.model_validate({"due": None}).model_dump(exclude_unset=True) == {"due": None}
    with pytest.raises(ValidationError):
        MilestonePatch.model_validate({"title": None})


def test_patch_schemas_say_the_same() -> None:
    project = ProjectPatch.model_json_schema()["properties"]
    assert {"type": "null"} not in project["status"].get("anyOf", [])
    assert "default" not in project["status"]
    milestone = MilestonePatch.model_json_schema()["properties"]
    assert {"type": "null"} in milestone["due"]["anyOf"]
    assert {"type": "null"} not in milestone["title"].get("anyOf", [])


def test_the_published_id_pattern_is_the_checked_one() -> None:
    schema = TypeAdapter(Id).json_schema()
    assert schema["pattern"] == ids.PATTERN


def test_an_id_with_a_trailing_newline_is_not_an_id() -> None:
    from portal import ids

    assert ids.valid("acme") and ids.valid("a-b_c")
    assert not ids.valid("acme\n") and not ids.valid("__x__") and not ids.valid("")
