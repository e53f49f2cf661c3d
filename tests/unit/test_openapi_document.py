"""The OpenAPI document as a client or a fuzzer reads it: every reference resolves, schema
names are unique and stable, the document is valid OpenAPI 3.1, and each request schema is
the one its operation validates with, admitting nothing that validation then refuses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from portal import ids
from portal.api import common, openapi
from portal.api.registry import document, routes
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


# Each schema says what the API accepts: the documented request schemas are the models' own.


def _operations() -> Iterator[tuple[str, Route, Operation]]:
    for route in routes():
        for op in route.operations:
            yield f"{route.function}_{op.method.lower()}", route, op


def _own_schema(model: type[Any]) -> dict[str, Any]:
    return model.model_json_schema(  # type: ignore[no-any-return]
        mode="validation", schema_generator=openapi.Schemas, ref_template=openapi.COMPONENTS + "{model}"
    )


def test_each_request_body_is_documented_with_its_models_own_schema() -> None:
    doc = document()
    schemas = doc["components"]["schemas"]
    checked = 0
    for op_id, route, op in _operations():
        body = op.models[0]
        if body is None:
            continue
        documented = doc["paths"][route.path][op.method.lower()]["requestBody"]["content"]["application/json"]
        own = _own_schema(body)
        defs = own.pop("$defs", {})
        assert schemas[openapi.component(documented["schema"])] == own, op_id
        for name, schema in defs.items():
            assert schemas[name] == schema, (op_id, name)
        checked += 1
    assert checked > 30


def test_each_query_is_documented_with_its_models_own_properties() -> None:
    doc = document()
    for op_id, route, op in _operations():
        query = op.models[1]
        documented = {
            p["name"]: p for p in doc["paths"][route.path][op.method.lower()]["parameters"] if p["in"] == "query"
        }
        if query is None:
            assert not documented, op_id
            continue
        own = _own_schema(query)
        assert "$defs" not in own or all(
            doc["components"]["schemas"][name] == schema for name, schema in own["$defs"].items()
        ), op_id
        assert set(documented) == set(own["properties"]), op_id
        for name, prop in own["properties"].items():
            required = name in own.get("required", [])
            assert documented[name]["required"] == required, (op_id, name)
            expected = {k: v for k, v in prop.items() if k != "anyOf"}  # never null: a query string cannot say it
            kinds = [k for k in prop.get("anyOf", []) if k != {"type": "null"}]
            expected.update(kinds[0] if len(kinds) == 1 else {"anyOf": kinds} if kinds else {})
            if required or expected.get("default", "") is None:
                expected.pop("default", None)
            assert documented[name]["schema"] == expected, (op_id, name)


def test_path_parameters_are_ids_as_the_pipeline_checks_them() -> None:
    doc = document()
    for op_id, route, op in _operations():
        params = [p for p in doc["paths"][route.path][op.method.lower()]["parameters"] if p["in"] == "path"]
        assert [p["name"] for p in params] == route.param_names, op_id
        assert all(p["schema"] == {"type": "string", "pattern": ids.PATTERN} for p in params), op_id
        if params:
            assert "404" in doc["paths"][route.path][op.method.lower()]["responses"], op_id


def _search(query: Any) -> None:
    from portal.errors import BadRequest
    from portal.search import text

    try:
        text.query_terms(query.q)
    except BadRequest as exc:  # the words themselves (how many, how long) are the service's to judge
        if exc.code not in ("query_too_short", "too_many_words"):
            raise


def _decision(body: Any) -> None:
    from portal.approvals.models import NEEDS_COMMENT

    assert not (body.action in NEEDS_COMMENT and not body.comment.strip()), "comment_required"


def _settings(body: Any) -> None:
    from portal.orgs import settings

    if body.slackWebhookUrl is not None:
        settings.check_slack_url(body.slackWebhookUrl)


def _preferences(body: Any) -> None:
    from portal.notifications import kinds

    assert set(body.kinds) <= set(kinds.KINDS), "unknown_kind"
    assert set(body.kinds.values()) <= set(kinds.CHANNELS), "unknown_channel"


SERVICE_CHECKS = {
    "search_get": _search,
    "approval_action_post": _decision,
    "org_settings_patch": _settings,
    "me_preferences_patch": _preferences,
}
"""Checks a service makes beyond its models that the schema states too (from the same constants)."""
UNSTATED = {"audit_get": "since must be before until"}
"""What a schema cannot say (JSON Schema compares no two values)."""
EXAMPLES = 6
"""Generated requests per operation: bounded, and the same every run."""


def _parsed(model: Any, data: dict[str, Any], op_id: str) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        if not any(UNSTATED.get(op_id, "\0") in e["msg"] for e in exc.errors()):
            raise
        return None


def _accepts(case: Any, op_id: str, op: Operation) -> None:
    """The pipeline's validation (and the service checks the schema states) accept ``case``."""
    from urllib.parse import unquote

    body_model, query_model, _ = op.models
    for name, value in (case.path_parameters or {}).items():
        assert ids.valid(unquote(str(value))), f"path {name}={value!r}"
    valid = None
    if query_model is not None:
        query = {k: "true" if v is True else "false" if v is False else str(v) for k, v in (case.query or {}).items()}
        valid = _parsed(query_model, query, op_id)
    if body_model is not None:
        assert isinstance(case.body, dict)
        valid = _parsed(body_model, case.body, op_id)
    if valid is not None and op_id in SERVICE_CHECKS:
        SERVICE_CHECKS[op_id](valid)


def test_what_the_schemas_admit_validation_accepts() -> None:
    """Requests generated from the document alone (as a client or a fuzzer would make them)
    pass the validation the pipeline applies: path ids, query and body models, and the
    service checks the schema states."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings

    ops = {op_id: op for op_id, route, op in _operations() if route.param_names or any(op.models[:2])}
    refused: dict[str, str] = {}
    for result in schemathesis.openapi.from_dict(document()).get_all_operations():
        operation = result.ok()
        op_id = operation.definition.raw["operationId"]
        if op_id not in ops:
            continue

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])  # fmt: skip
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            _accepts(case, op_id, ops[op_id])  # noqa: B023 (run within the iteration)

        try:
            check()
        except Exception as exc:
            refused[op_id] = str(exc)[:800]
    assert len(ops) > 60
    assert not refused, "the documented schema admits what validation refuses:\n" + "\n\n".join(
        f"{op_id}: {why}" for op_id, why in sorted(refused.items())
    )
