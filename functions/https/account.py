"""HTTPS functions: one's own account (profile, signed-in devices)."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.account import routes


@https_fn.on_request(**HTTP)
def me_profile(req: https_fn.Request) -> https_fn.Response:
    """GET|PATCH /api/me/profile"""
    return routes.me_profile.serve(req)


@https_fn.on_request(**HTTP)
def me_sessions(req: https_fn.Request) -> https_fn.Response:
    """GET /api/me/sessions"""
    return routes.me_sessions.serve(req)


@https_fn.on_request(**HTTP)
def me_session(req: https_fn.Request) -> https_fn.Response:
    """DELETE /api/me/sessions/{sessionId}"""
    return routes.me_session.serve(req)


@https_fn.on_request(**HTTP)
def me_avatar(req: https_fn.Request) -> https_fn.Response:
    """PUT|DELETE /api/me/avatar"""
    return routes.me_avatar.serve(req)


@https_fn.on_request(**HTTP)
def avatar_image(req: https_fn.Request) -> https_fn.Response:
    """GET /api/avatars/{orgId}/{uid}"""
    return routes.avatar_image.serve(req)


@https_fn.on_request(**HTTP)
def me_second_factors_remove(req: https_fn.Request) -> https_fn.Response:
    """POST /api/me/second-factors/remove"""
    return routes.me_second_factors_remove.serve(req)
