"""HTTPS functions: members."""

from firebase_functions import https_fn

from portal.api.routes import BY_FUNCTION

from ._options import HTTP


@https_fn.on_request(**HTTP)
def members_list(req: https_fn.Request) -> https_fn.Response:
    """GET /api/members"""
    return BY_FUNCTION["members_list"].serve(req)


@https_fn.on_request(**HTTP)
def member_detail(req: https_fn.Request) -> https_fn.Response:
    """PATCH|DELETE /api/members/{uid}"""
    return BY_FUNCTION["member_detail"].serve(req)
