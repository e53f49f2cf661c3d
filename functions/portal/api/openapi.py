"""The OpenAPI 3.1 document, generated from every feature's routes and their pydantic
models (resolved here, when the document is first asked for).

A model's schema is a component named after its class (``Name-Input`` / ``Name-Output``
where what a model accepts and what it gives differ). Names are unique across features:
two models of one name fail the build (:class:`ComponentNameClash`), so a name never
depends on what else the document holds and every ``$ref`` names a schema it defines."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import CoreModeRef, DefsRef, GenerateJsonSchema, JsonSchemaMode, models_json_schema

from . import common
from .web import JSON, Operation, Route

COMPONENTS = "#/components/schemas/"

_STATUS_TEXT = {
    400: "Bad input",
    401: "Missing, invalid, expired or revoked credentials",
    403: "Not allowed",
    404: "Not found (or not yours)",
    405: "Method not allowed",
    409: "Conflict",
    410: "Gone",
    413: "Body too large",
    415: "Body must be JSON",
    416: "Range not satisfiable",
    429: "Rate limited",
    502: "The integration failed to answer",
    503: "Integration not connected",
}


class ComponentNameClash(TypeError):
    """Two models (or enums) of one name: rename one of them."""


class _Components(GenerateJsonSchema):
    """Pydantic's generator, refusing two types of one name (pydantic would qualify both
    names with their modules, so a name would change whenever another feature's model of
    the same name came or went)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._types: dict[str, str] = {}

    def get_defs_ref(self, core_mode_ref: CoreModeRef) -> DefsRef:
        core_ref, _ = core_mode_ref  # "module.Qualname:id", generic arguments in brackets
        qualified = _without_ids(core_ref)
        name = self.normalize_name(re.sub(r"(?:[^.[\],]+\.)+([^.[\],]+)", r"\1", qualified))
        seen = self._types.setdefault(name, core_ref)
        if seen != core_ref:
            raise ComponentNameClash(
                f"Two types would share the schema name {name} ({_without_ids(seen)} and {qualified}): rename one."
            )
        return super().get_defs_ref(core_mode_ref)


def _without_ids(core_ref: str) -> str:
    return "".join(part.rsplit(":", 1)[0] for part in re.split(r"([\][,])", core_ref))


Refs = dict[tuple[Any, JsonSchemaMode], dict[str, Any]]
"""A model's reference in the document, by (model, mode)."""


def _binary(content_types: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {ct: {"schema": {"type": "string", "format": "binary"}} for ct in content_types}


def _content(op: Operation, response: type[BaseModel] | None, refs: Refs) -> dict[str, Any]:
    """A success's content, per media type: JSON with its model (any object when a stream
    answers it), every other type as bytes."""
    out: dict[str, Any] = {}
    for media_type in op.media_types:
        if media_type != JSON:
            out.update(_binary([media_type]))
        elif response is not None:
            out[JSON] = {"schema": refs[response, "serialization"]}
        elif op.produces != JSON:
            out[JSON] = {"schema": {"type": "object"}}
    return out


def _success(op: Operation, response: type[BaseModel] | None, refs: Refs) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "OK"}
    if content := _content(op, response, refs):
        ok["content"] = content
    out = {str(op.status): ok}
    if op.ranges:
        ok["headers"] = {"Accept-Ranges": {"schema": {"type": "string", "enum": ["bytes", "none"]}}}
        out["206"] = {
            "description": "The byte range asked for with `Range`",
            "headers": {"Content-Range": {"schema": {"type": "string"}, "description": "bytes <first>-<last>/<size>"}},
            "content": _binary([t for t in op.media_types if t != JSON]),
        }
    return out


def _models(routes: tuple[Route, ...], which: int) -> list[type[BaseModel]]:
    """The bodies (0) or the responses (2) of ``routes``' operations, by name."""
    found: set[type[BaseModel]] = set()
    for route in routes:
        found.update(model for op in route.operations if (model := op.models[which]) is not None)
    return sorted(found, key=lambda model: model.__name__)


def build(routes: tuple[Route, ...]) -> dict[str, Any]:
    """The OpenAPI document of ``routes`` (``portal.api.registry.document`` serves it)."""
    inputs: list[tuple[type[BaseModel], JsonSchemaMode]] = [(model, "validation") for model in _models(routes, 0)]
    outs: list[type[BaseModel]] = [common.ErrorBody, *_models(routes, 2)]
    inputs += [(model, "serialization") for model in dict.fromkeys(outs)]
    refs, defs = models_json_schema(inputs, ref_template=COMPONENTS + "{model}", schema_generator=_Components)
    paths: dict[str, Any] = {}
    for route in routes:
        item: dict[str, Any] = {}
        for op in route.operations:
            body, query, response = op.models
            params = [
                {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in route.param_names
            ]
            if query is not None:
                schema = query.model_json_schema()
                for name, prop in schema.get("properties", {}).items():
                    params.append(
                        {"name": name, "in": "query", "required": name in schema.get("required", []), "schema": prop}
                    )
            if op.ranges:
                params.append({"name": "Range", "in": "header", "required": False, "schema": {"type": "string"}})
            error = {"content": {JSON: {"schema": refs[common.ErrorBody, "serialization"]}}}
            responses = _success(op, response, refs)
            codes = (
                set(op.errors)
                | {429}
                | ({400, 413, 415} if body else set())
                | ({413, 415} if op.raw_body else set())
                | ({416} if op.ranges else set())
                | ({400} if query else set())
                | (set() if op.public else {401})
            )
            for code in sorted(codes):
                responses[str(code)] = {"description": _STATUS_TEXT[code], **error}
            if op.raw_body is not None:
                responses["415"]["description"] = f"Body must be one of: {', '.join(op.raw_body.content_types)}"
            operation: dict[str, Any] = {
                "operationId": f"{route.function}_{op.method.lower()}",
                "summary": op.summary,
                "tags": [route.tag],
                "parameters": params,
                "responses": responses,
                "x-function": route.function,
            }
            if op.description:
                operation["description"] = op.description
            if body is not None:
                operation["requestBody"] = {"required": True, "content": {JSON: {"schema": refs[body, "validation"]}}}
            elif op.raw_body is not None:
                operation["requestBody"] = {
                    "required": True,
                    "content": _binary(op.raw_body.content_types),
                    "description": f"At most {op.raw_body.max_bytes} bytes.",
                }
            if op.verify is not None:
                operation["security"] = [{"webhookSignature": []}]
            else:
                operation["security"] = [] if op.public else [{"bearerAuth": []}, {"sessionCookie": []}]
            item[op.method.lower()] = operation
        paths[route.path] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Client Portal API",
            "version": "1.0.0",
            "description": 'The HTTP API of the client portal. Errors are `{"error": {"code": ..., "message": ...}}`.',
        },
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "Firebase ID token"},
                "webhookSignature": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Portal-Signature",
                    "description": "HMAC-SHA256 of `<X-Portal-Timestamp>.<raw body>`.",
                },
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "__session",
                    "description": "Unsafe methods also need the X-CSRF-Token header.",
                },
            },
        },
    }
