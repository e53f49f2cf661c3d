"""The OpenAPI 3.1 document, generated from every feature's routes and their pydantic
models (resolved here, when the document is first asked for)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import common
from .web import JSON, Operation, Route

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


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _binary(content_types: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {ct: {"schema": {"type": "string", "format": "binary"}} for ct in content_types}


def _content(op: Operation, response: type[BaseModel] | None) -> dict[str, Any]:
    """A success's content, per media type: JSON with its model (any object when a stream
    answers it), every other type as bytes."""
    out: dict[str, Any] = {}
    for media_type in op.media_types:
        if media_type != JSON:
            out.update(_binary([media_type]))
        elif response is not None:
            out[JSON] = {"schema": _ref(response)}
        elif op.produces != JSON:
            out[JSON] = {"schema": {"type": "object"}}
    return out


def _success(op: Operation, response: type[BaseModel] | None) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "OK"}
    if content := _content(op, response):
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


def build(routes: tuple[Route, ...]) -> dict[str, Any]:
    """The OpenAPI document of ``routes`` (``portal.api.registry.document`` serves it)."""
    bodies = {body for route in routes for op in route.operations if (body := op.models[0]) is not None}
    outs = {out for route in routes for op in route.operations if (out := op.models[2]) is not None}
    models: set[type[BaseModel]] = {common.ErrorBody, *bodies, *outs}
    _, defs = models_json_schema(
        [
            (model, "validation" if model in bodies else "serialization")
            for model in sorted(models, key=lambda x: x.__name__)
        ],
        ref_template="#/components/schemas/{model}",
    )
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
            error = {"content": {JSON: {"schema": _ref(common.ErrorBody)}}}
            responses = _success(op, response)
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
                operation["requestBody"] = {"required": True, "content": {JSON: {"schema": _ref(body)}}}
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
