"""HTTPS functions: orgs."""

from firebase_functions import https_fn

from portal.api.routes import BY_FUNCTION

from ._options import HTTP


@https_fn.on_request(**HTTP)
def orgs_list(req: https_fn.Request) -> https_fn.Response:
    """GET /api/orgs"""
    return BY_FUNCTION["orgs_list"].serve(req)
