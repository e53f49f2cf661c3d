"""HTTPS functions: signing in and out."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.auth import routes


@https_fn.on_request(**HTTP)
def auth_config(req: https_fn.Request) -> https_fn.Response:
    """GET /api/auth/config"""
    return routes.auth_config.serve(req)


@https_fn.on_request(**HTTP)
def auth_login(req: https_fn.Request) -> https_fn.Response:
    """POST /api/auth/login"""
    return routes.auth_login.serve(req)


@https_fn.on_request(**HTTP)
def auth_logout(req: https_fn.Request) -> https_fn.Response:
    """POST /api/auth/logout"""
    return routes.auth_logout.serve(req)


@https_fn.on_request(**HTTP)
def auth_session(req: https_fn.Request) -> https_fn.Response:
    """GET /api/auth/session"""
    return routes.auth_session.serve(req)


@https_fn.on_request(**HTTP)
def auth_me(req: https_fn.Request) -> https_fn.Response:
    """GET /api/auth/me"""
    return routes.auth_me.serve(req)


@https_fn.on_request(**HTTP)
def auth_live_token(req: https_fn.Request) -> https_fn.Response:
    """POST /api/auth/live-token"""
    return routes.auth_live_token.serve(req)
