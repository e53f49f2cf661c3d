"""HTTPS functions: auth."""

from firebase_functions import https_fn

from portal.api.routes import BY_FUNCTION

from ._options import HTTP


@https_fn.on_request(**HTTP)
def auth_config(req: https_fn.Request) -> https_fn.Response:
    """GET /api/auth/config"""
    return BY_FUNCTION["auth_config"].serve(req)


@https_fn.on_request(**HTTP)
def auth_login(req: https_fn.Request) -> https_fn.Response:
    """POST /api/auth/login"""
    return BY_FUNCTION["auth_login"].serve(req)


@https_fn.on_request(**HTTP)
def auth_logout(req: https_fn.Request) -> https_fn.Response:
    """POST /api/auth/logout"""
    return BY_FUNCTION["auth_logout"].serve(req)


@https_fn.on_request(**HTTP)
def auth_session(req: https_fn.Request) -> https_fn.Response:
    """GET /api/auth/session"""
    return BY_FUNCTION["auth_session"].serve(req)


@https_fn.on_request(**HTTP)
def auth_me(req: https_fn.Request) -> https_fn.Response:
    """GET /api/auth/me"""
    return BY_FUNCTION["auth_me"].serve(req)
