"""HTTPS functions: invites."""

from firebase_functions import https_fn

from portal.api.routes import BY_FUNCTION

from ._options import HTTP


@https_fn.on_request(**HTTP)
def invites(req: https_fn.Request) -> https_fn.Response:
    """GET|POST /api/invites"""
    return BY_FUNCTION["invites"].serve(req)


@https_fn.on_request(**HTTP)
def invite_revoke(req: https_fn.Request) -> https_fn.Response:
    """POST /api/invites/{inviteId}/revoke"""
    return BY_FUNCTION["invite_revoke"].serve(req)


@https_fn.on_request(**HTTP)
def invite_lookup(req: https_fn.Request) -> https_fn.Response:
    """GET /api/invites/lookup"""
    return BY_FUNCTION["invite_lookup"].serve(req)


@https_fn.on_request(**HTTP)
def invite_accept(req: https_fn.Request) -> https_fn.Response:
    """POST /api/invites/accept"""
    return BY_FUNCTION["invite_accept"].serve(req)
