"""HTTPS functions: invitations."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.invites import routes


@https_fn.on_request(**HTTP)
def invites(req: https_fn.Request) -> https_fn.Response:
    """GET|POST /api/invites"""
    return routes.invites.serve(req)


@https_fn.on_request(**HTTP)
def invite_revoke(req: https_fn.Request) -> https_fn.Response:
    """POST /api/invites/{inviteId}/revoke"""
    return routes.invite_revoke.serve(req)


@https_fn.on_request(**HTTP)
def invite_lookup(req: https_fn.Request) -> https_fn.Response:
    """GET /api/invites/lookup"""
    return routes.invite_lookup.serve(req)


@https_fn.on_request(**HTTP)
def invite_accept(req: https_fn.Request) -> https_fn.Response:
    """POST /api/invites/accept"""
    return routes.invite_accept.serve(req)


@https_fn.on_request(**HTTP)
def invite_complete(req: https_fn.Request) -> https_fn.Response:
    """POST /api/invites/complete"""
    return routes.invite_complete.serve(req)
