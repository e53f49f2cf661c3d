"""The API's health, for uptime monitors (its OpenAPI document is served by the registry of
every route, ``portal.api.registry``)."""

from __future__ import annotations

from typing import Any

from .lazy import lazy
from .web import GET, Ctx, Operation, Route


def _health(ctx: Ctx) -> Any:
    from .. import db

    db.check_reachable()
    return {"status": "ok"}


health = Route("health", "/api/health", "meta", (
    Operation(GET, _health, "Whether the portal can serve (for uptime monitors)", public=True, rate_bucket="ip",
              response=lazy("portal.api.common").Health, errors=(503,),
              description="Answers 200 when Firestore answers within a few seconds, 503 otherwise. "
                          "It says nothing else: no version, no configuration, no timings."),
))  # fmt: skip

ROUTES = (health,)
