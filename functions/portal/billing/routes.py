"""Routes of billing, and Whop's webhook that feeds it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..api.lazy import lazy
from ..api.web import GET, POST, Operation, Route

if TYPE_CHECKING:
    from ..api import common
    from . import models as m
    from . import service
else:
    m, service, common = lazy("portal.billing.models"), lazy("portal.billing.service"), lazy("portal.api.common")

# fmt: off
billing = Route("billing", "/api/billing", "billing", (
    Operation(GET, lambda ctx: service.get_billing(ctx.user, ctx.query.orgId),
              "Billing: status, plan, next charge, payments with invoice links, pay link, last sync",
              query=m.BillingQuery, response=m.Billing, errors=(403, 404)),
))
billing_sync = Route("billing_sync", "/api/billing/sync", "billing", (
    Operation(POST, lambda ctx: service.sync(ctx.user, ctx.body.orgId),
              "Sync from Whop now: one organisation or all (admin)", body=m.BillingSyncIn,
              response=m.SyncResult, errors=(403, 404, 503)),
))
billing_link = Route("billing_link", "/api/billing/link", "billing", (
    Operation(POST, lambda ctx: service.link(ctx.user, ctx.body.orgId, ctx.body.membershipId),
              "Link a client organisation to its Whop membership (admin)", body=m.BillingLinkIn,
              errors=(400, 403, 404)),
))
billing_unmatched = Route("billing_unmatched", "/api/billing/unmatched", "billing", (
    Operation(GET, lambda ctx: {"items": service.unmatched(ctx.user)},
              "Whop events for memberships no organisation is linked to (staff)",
              response=m.UnmatchedEventList, errors=(403,)),
))
webhook_whop = Route("webhook_whop", "/api/webhooks/whop", "webhooks", (
    Operation(POST, lambda ctx: service.apply_event(ctx.verified), "Whop billing events",
              public=True, rate_bucket="ip", verify=lambda ctx: service.verify_webhook(ctx.raw_body,
              ctx.request.headers), response=common.WebhookResult, errors=(400, 401, 503),
              description="Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), "
                          "verified with whop-sdk before anything else. Idempotent by `webhook-id`."),
))
# fmt: on

ROUTES = (billing, billing_sync, billing_link, billing_unmatched, webhook_whop)
