"""HTTPS functions: the dashboard."""

from firebase_functions import https_fn

from portal.api.routes import BY_FUNCTION

from ._options import HTTP


@https_fn.on_request(**HTTP)
def dashboard(req: https_fn.Request) -> https_fn.Response:
    """GET /api/dashboard"""
    return BY_FUNCTION["dashboard"].serve(req)
