"""Routes of the API itself: its OpenAPI document."""

from __future__ import annotations

from typing import Any

from .web import GET, Ctx, Operation, Route


def _document(ctx: Ctx) -> Any:
    from .openapi import document  # generated from every route, so imported on first use

    return document()


openapi = Route("openapi", "/api/openapi.json", "meta", (Operation(GET, _document, "This document", public=True),))

ROUTES = (openapi,)
