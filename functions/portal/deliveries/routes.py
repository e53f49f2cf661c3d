"""Routes of outbound deliveries (Slack, n8n, mail), for staff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..api.lazy import lazy
from ..api.web import GET, POST, Operation, Route

if TYPE_CHECKING:
    from . import models as m
    from . import service
else:
    m, service = lazy("portal.deliveries.models"), lazy("portal.deliveries.service")

# fmt: off
deliveries = Route("deliveries", "/api/deliveries", "deliveries", (
    Operation(GET, lambda ctx: {"items": service.list_deliveries(ctx.user, ctx.query.status)},
              "Outbound deliveries (Slack, n8n, mail) for staff, newest first", query=m.DeliveriesQuery,
              response=m.DeliveryList, errors=(403,)),
))
delivery_retry = Route("delivery_retry", "/api/deliveries/{deliveryId}/retry", "deliveries", (
    Operation(POST, lambda ctx: service.retry(ctx.user, ctx.params["deliveryId"]),
              "Send a failed delivery again (staff)", response=m.Delivery, errors=(403, 404, 409)),
))
# fmt: on

ROUTES = (deliveries, delivery_retry)
