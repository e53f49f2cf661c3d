"""HTTPS functions: outbound deliveries."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.deliveries import routes


@https_fn.on_request(**HTTP)
def deliveries(req: https_fn.Request) -> https_fn.Response:
    """GET /api/deliveries"""
    return routes.deliveries.serve(req)


@https_fn.on_request(**HTTP)
def delivery_retry(req: https_fn.Request) -> https_fn.Response:
    """POST /api/deliveries/{deliveryId}/retry"""
    return routes.delivery_retry.serve(req)
