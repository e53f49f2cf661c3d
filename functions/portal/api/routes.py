"""The API's health, for uptime monitors (its OpenAPI document is served by the registry of
every route, ``portal.api.registry``)."""

from __future__ import annotations

from typing import Any

from .lazy import lazy
from .web import GET, Ctx, Operation, Route


def _health(ctx: Ctx) -> Any:
    from .. import health

    return health.report(ctx.caller)


health = Route("health", "/api/health", "meta", (
    Operation(GET, _health, "Whether the portal can serve (for uptime monitors)", public=True, rate_bucket="ip",
              identifies=True, response=lazy("portal.api.common").Health, errors=(503,),
              description="Answers 200 when Firestore answers within a few seconds, 503 otherwise; the status is "
                          "`degraded` when a scheduled job is late or the last backup failed to start. It says "
                          "nothing else to anyone but staff admins, who also get each scheduled job's last "
                          "success and failure, whether it is late, the backup's state and the release served."),
))  # fmt: skip

ROUTES = (health,)
