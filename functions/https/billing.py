"""HTTPS functions: billing (Whop), and Whop's webhook."""

from deployment import HTTP, with_secrets
from firebase_functions import https_fn

from params import WHOP_API_KEY, WHOP_WEBHOOK_SECRET
from portal.billing import routes

WHOP = with_secrets(HTTP, WHOP_API_KEY, WHOP_WEBHOOK_SECRET)


@https_fn.on_request(**WHOP)
def billing(req: https_fn.Request) -> https_fn.Response:
    """GET /api/billing"""
    return routes.billing.serve(req)


@https_fn.on_request(**WHOP)
def billing_sync(req: https_fn.Request) -> https_fn.Response:
    """POST /api/billing/sync"""
    return routes.billing_sync.serve(req)


@https_fn.on_request(**WHOP)
def billing_link(req: https_fn.Request) -> https_fn.Response:
    """POST /api/billing/link"""
    return routes.billing_link.serve(req)


@https_fn.on_request(**HTTP)
def billing_unmatched(req: https_fn.Request) -> https_fn.Response:
    """GET /api/billing/unmatched"""
    return routes.billing_unmatched.serve(req)


@https_fn.on_request(**WHOP)
def webhook_whop(req: https_fn.Request) -> https_fn.Response:
    """POST /api/webhooks/whop"""
    return routes.webhook_whop.serve(req)
