"""HTTPS functions: meta."""

from firebase_functions import https_fn

from portal.api.routes import BY_FUNCTION

from ._options import HTTP


@https_fn.on_request(**HTTP)
def openapi(req: https_fn.Request) -> https_fn.Response:
    """GET /api/openapi.json"""
    return BY_FUNCTION["openapi"].serve(req)
