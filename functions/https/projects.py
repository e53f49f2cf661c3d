"""HTTPS functions: projects."""

from firebase_functions import https_fn

from portal.api.routes import BY_FUNCTION

from ._options import HTTP


@https_fn.on_request(**HTTP)
def projects_list(req: https_fn.Request) -> https_fn.Response:
    """GET /api/projects"""
    return BY_FUNCTION["projects_list"].serve(req)
