"""HTTPS functions: the dashboard."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.dashboard import routes


@https_fn.on_request(**HTTP)
def dashboard(req: https_fn.Request) -> https_fn.Response:
    """GET /api/dashboard"""
    return routes.dashboard.serve(req)
