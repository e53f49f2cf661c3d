"""HTTPS functions: the API's own document and its health."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.api import registry, routes


@https_fn.on_request(**HTTP)
def openapi(req: https_fn.Request) -> https_fn.Response:
    """GET /api/openapi.json"""
    return registry.openapi.serve(req)


@https_fn.on_request(**HTTP)
def health(req: https_fn.Request) -> https_fn.Response:
    """GET /api/health"""
    return routes.health.serve(req)
