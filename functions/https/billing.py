"""HTTPS functions: billing (Whop) and outbound deliveries."""

from firebase_functions import https_fn

from params import WHOP_API_KEY, WHOP_WEBHOOK_SECRET
from portal.api.routes import BY_FUNCTION

from ._options import HTTP

WHOP = {**HTTP, "secrets": [*HTTP["secrets"], WHOP_API_KEY, WHOP_WEBHOOK_SECRET]}


@https_fn.on_request(**WHOP)
def billing(req: https_fn.Request) -> https_fn.Response:
    """GET /api/billing"""
    return BY_FUNCTION["billing"].serve(req)


@https_fn.on_request(**WHOP)
def billing_sync(req: https_fn.Request) -> https_fn.Response:
    """POST /api/billing/sync"""
    return BY_FUNCTION["billing_sync"].serve(req)


@https_fn.on_request(**WHOP)
def billing_link(req: https_fn.Request) -> https_fn.Response:
    """POST /api/billing/link"""
    return BY_FUNCTION["billing_link"].serve(req)


@https_fn.on_request(**HTTP)
def billing_unmatched(req: https_fn.Request) -> https_fn.Response:
    """GET /api/billing/unmatched"""
    return BY_FUNCTION["billing_unmatched"].serve(req)


@https_fn.on_request(**WHOP)
def webhook_whop(req: https_fn.Request) -> https_fn.Response:
    """POST /api/webhooks/whop"""
    return BY_FUNCTION["webhook_whop"].serve(req)


@https_fn.on_request(**HTTP)
def deliveries(req: https_fn.Request) -> https_fn.Response:
    """GET /api/deliveries"""
    return BY_FUNCTION["deliveries"].serve(req)


@https_fn.on_request(**HTTP)
def delivery_retry(req: https_fn.Request) -> https_fn.Response:
    """POST /api/deliveries/{deliveryId}/retry"""
    return BY_FUNCTION["delivery_retry"].serve(req)
