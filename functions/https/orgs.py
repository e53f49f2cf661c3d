"""HTTPS functions: organisations."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.orgs import routes


@https_fn.on_request(**HTTP)
def orgs_list(req: https_fn.Request) -> https_fn.Response:
    """GET /api/orgs"""
    return routes.orgs_list.serve(req)
