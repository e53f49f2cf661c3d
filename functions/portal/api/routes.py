"""Routes of the API itself: its OpenAPI document and its health for uptime monitors."""

from __future__ import annotations

from typing import Any

from .lazy import lazy
from .web import GET, Ctx, Operation, Route


def _document(ctx: Ctx) -> Any:
    from .openapi import document  # generated from every route, so imported on first use

    return document()


def _health(ctx: Ctx) -> Any:
    from .. import db

    db.check_reachable()
    return {"status": "ok"}


openapi = Route("openapi", "/api/openapi.json", "meta", (Operation(GET, _document, "This document", public=True),))
health = Route("health", "/api/health", "meta", (
    Operation(GET, _health, "Whether the portal can serve (for uptime monitors)", public=True, rate_bucket="ip",
              response=lazy("portal.api.common").Health, errors=(503,),
              description="Answers 200 when Firestore answers within a few seconds, 503 otherwise. "
                          "It says nothing else: no version, no configuration, no timings."),
))  # fmt: skip

ROUTES = (openapi, health)
