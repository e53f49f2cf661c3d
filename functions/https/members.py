"""HTTPS functions: members."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.members import routes


@https_fn.on_request(**HTTP)
def members_list(req: https_fn.Request) -> https_fn.Response:
    """GET /api/members"""
    return routes.members_list.serve(req)


@https_fn.on_request(**HTTP)
def member_detail(req: https_fn.Request) -> https_fn.Response:
    """PATCH|DELETE /api/members/{uid}"""
    return routes.member_detail.serve(req)


@https_fn.on_request(**HTTP)
def member_second_factors_reset(req: https_fn.Request) -> https_fn.Response:
    """POST /api/members/{uid}/second-factors/reset"""
    return routes.member_second_factors_reset.serve(req)
