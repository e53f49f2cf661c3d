"""The OpenAPI 3.1 document, generated from the routes table and its pydantic models."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import models as m
from .routes import ROUTES

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
    429: "Rate limited",
    503: "Integration not connected",
}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


@cache
def document() -> dict[str, Any]:
    models: set[type[BaseModel]] = {m.ErrorBody}
    for route in ROUTES:
        for op in route.operations:
            models.update(x for x in (op.body, op.response) if x is not None)
    _, defs = models_json_schema(
        [
            (model, "validation" if model in {op.body for r in ROUTES for op in r.operations} else "serialization")
            for model in sorted(models, key=lambda x: x.__name__)
        ],
        ref_template="#/components/schemas/{model}",
    )
    paths: dict[str, Any] = {}
    for route in ROUTES:
        item: dict[str, Any] = {}
        for op in route.operations:
            params = [
                {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in route.param_names
            ]
            if op.query is not None:
                schema = op.query.model_json_schema()
                for name, prop in schema.get("properties", {}).items():
                    params.append(
                        {"name": name, "in": "query", "required": name in schema.get("required", []), "schema": prop}
                    )
            error = {"content": {"application/json": {"schema": _ref(m.ErrorBody)}}}
            ok: dict[str, Any] = {"description": "OK"}
            if op.response is not None:
                ok["content"] = {"application/json": {"schema": _ref(op.response)}}
            responses: dict[str, Any] = {str(op.status): ok}
            codes = (
                set(op.errors)
                | {429}
                | ({400, 413, 415} if op.body else set())
                | ({400} if op.query else set())
                | (set() if op.public else {401})
            )
            for code in sorted(codes):
                responses[str(code)] = {"description": _STATUS_TEXT[code], **error}
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
            if op.body is not None:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(op.body)}},
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
