"""HTTPS functions: the audit log and view as client."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.audit import routes


@https_fn.on_request(**HTTP)
def audit(req: https_fn.Request) -> https_fn.Response:
    """GET /api/audit"""
    return routes.audit.serve(req)


@https_fn.on_request(**HTTP)
def view_as(req: https_fn.Request) -> https_fn.Response:
    """POST /api/view-as"""
    return routes.view_as.serve(req)


@https_fn.on_request(**HTTP)
def view_as_end(req: https_fn.Request) -> https_fn.Response:
    """POST /api/view-as/end"""
    return routes.view_as_end.serve(req)
