"""The OpenAPI 3.1 document, generated from every feature's routes and their pydantic
models (resolved here, when the document is first asked for).

A model's schema is a component named after its class (``Name-Input`` / ``Name-Output``
where what a model accepts and what it gives differ). Names are unique across features:
two models of one name fail the build (:class:`ComponentNameClash`), so a name never
depends on what else the document holds and every ``$ref`` names a schema it defines."""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import (
    CoreModeRef,
    DefsRef,
    GenerateJsonSchema,
    JsonSchemaMode,
    JsonSchemaValue,
    models_json_schema,
)
from pydantic_core import core_schema as cs

from .. import ids
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
    503: "Unavailable (an integration not connected, or a service the portal needs not answering)",
}


class ComponentNameClash(TypeError):
    """Two models (or enums) of one name: rename one of them."""


class Schemas(GenerateJsonSchema):
    """Pydantic's generator, saying two more things the models check, and refusing two
    types of one name (pydantic would qualify both names with their modules, so a name
    would change whenever another feature's model of the same name came or went).

    - A text trimmed before it is checked (``strip_whitespace``) that may not be empty
      may not be only whitespace either: its schema has a pattern asking for a character
      that is not.
    - A URL of given schemes (``HttpUrl``) starts with one of them and names a host."""

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

    def str_schema(self, schema: cs.StringSchema) -> JsonSchemaValue:
        out = super().str_schema(schema)
        least = schema.get("min_length") or 0
        if schema.get("strip_whitespace") and least and "pattern" not in out:
            edge = common.NOT_BLANK
            out["pattern"] = edge if least == 1 else f"{edge}[\\s\\S]{{{least - 2},}}{edge}"
        return out

    def url_schema(self, schema: cs.UrlSchema) -> JsonSchemaValue:
        out = super().url_schema(schema)
        if schemes := schema.get("allowed_schemes"):
            out["pattern"] = f"^(?:{'|'.join(map(re.escape, schemes))})://[^/?#@:\\s]"
        return out


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


PATH_PARAMETER = {"type": "string", "pattern": ids.PATTERN}
"""Every path parameter is an id, checked once for every request (404 otherwise)."""


def component(ref: dict[str, Any]) -> str:
    """The component name of a reference (``{"$ref": "#/components/schemas/Name"}``)."""
    return str(ref["$ref"]).removeprefix(COMPONENTS)


def query_parameters(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The query parameters of a query model's schema: a property each, never ``null``
    (a query string cannot say it), without a default when required."""
    params = []
    for name, prop in schema.get("properties", {}).items():
        prop = copy.deepcopy(prop)
        common.without_null(prop)
        required = name in schema.get("required", [])
        if required:
            prop.pop("default", None)
        params.append({"name": name, "in": "query", "required": required, "schema": prop})
    return params


def _models(routes: tuple[Route, ...], which: int) -> list[type[BaseModel]]:
    """The bodies (0) or the responses (2) of ``routes``' operations, by name."""
    found: set[type[BaseModel]] = set()
    for route in routes:
        found.update(model for op in route.operations if (model := op.models[which]) is not None)
    return sorted(found, key=lambda model: model.__name__)


def build(routes: tuple[Route, ...]) -> dict[str, Any]:
    """The OpenAPI document of ``routes`` (``portal.api.registry.document`` serves it)."""
    queries = [model for model in _models(routes, 1) if model not in _models(routes, 0)]
    ins = [*_models(routes, 0), *queries]
    outs: list[type[BaseModel]] = [common.ErrorBody, *_models(routes, 2)]
    inputs: list[tuple[type[BaseModel], JsonSchemaMode]] = [(model, "validation") for model in ins]
    inputs += [(model, "serialization") for model in dict.fromkeys(outs)]
    refs, defs = models_json_schema(inputs, ref_template=COMPONENTS + "{model}", schema_generator=Schemas)
    schemas: dict[str, Any] = defs.get("$defs", {})
    paths: dict[str, Any] = {}
    for route in routes:
        item: dict[str, Any] = {}
        for op in route.operations:
            body, query, response = op.models
            params = [{"name": n, "in": "path", "required": True, "schema": PATH_PARAMETER} for n in route.param_names]
            if query is not None:
                params += query_parameters(schemas[component(refs[query, "validation"])])
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
                | ({404} if route.param_names else set())
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
    for query in queries:  # their properties are parameters
        del schemas[component(refs[query, "validation"])]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Client Portal API",
            "version": "1.0.0",
            "description": 'The HTTP API of the client portal. Errors are `{"error": {"code": ..., "message": ...}}`.',
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
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
