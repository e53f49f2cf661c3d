"""Routes of the dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..api.lazy import lazy
from ..api.web import GET, Operation, Route

if TYPE_CHECKING:
    from . import models as m
    from . import service
else:
    m, service = lazy("portal.dashboard.models"), lazy("portal.dashboard.service")

dashboard = Route("dashboard", "/api/dashboard", "dashboard", (
    Operation(GET, lambda ctx: service.dashboard(ctx.user, ctx.query.orgId),
              "Next actions, billing alert, bookings, project cards and unread counts in one response",
              query=m.DashboardQuery, response=m.Dashboard, errors=(403, 404)),
))  # fmt: skip

ROUTES = (dashboard,)
