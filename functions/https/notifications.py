"""HTTPS functions: the notifications feed and preferences."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.notifications import routes


@https_fn.on_request(**HTTP)
def notifications(req: https_fn.Request) -> https_fn.Response:
    """GET /api/notifications"""
    return routes.notifications.serve(req)


@https_fn.on_request(**HTTP)
def notifications_unread(req: https_fn.Request) -> https_fn.Response:
    """GET /api/notifications/unread"""
    return routes.notifications_unread.serve(req)


@https_fn.on_request(**HTTP)
def notifications_read_all(req: https_fn.Request) -> https_fn.Response:
    """POST /api/notifications/read"""
    return routes.notifications_read_all.serve(req)


@https_fn.on_request(**HTTP)
def notification_read(req: https_fn.Request) -> https_fn.Response:
    """POST /api/notifications/{notificationId}/read"""
    return routes.notification_read.serve(req)


@https_fn.on_request(**HTTP)
def me_preferences(req: https_fn.Request) -> https_fn.Response:
    """GET|PATCH /api/me/preferences"""
    return routes.me_preferences.serve(req)
