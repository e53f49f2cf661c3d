"""Routes of the notifications feed (the caller's own) and notification preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..api.lazy import lazy
from ..api.web import GET, PATCH, POST, Operation, Route

if TYPE_CHECKING:
    from . import models as m
    from . import service
else:
    m, service = lazy("portal.notifications.models"), lazy("portal.notifications.service")

# fmt: off
notifications = Route("notifications", "/api/notifications", "notifications", (
    Operation(GET, lambda ctx: service.feed(ctx.user, cursor=ctx.query.cursor, limit=ctx.query.limit,
                                            unread=ctx.query.unread),
              "The caller's notifications, newest first (cursor), with the unread count", query=m.FeedQuery,
              response=m.Feed, errors=(400,)),
))
notifications_unread = Route("notifications_unread", "/api/notifications/unread", "notifications", (
    Operation(GET, lambda ctx: {"unread": service.unread_count(ctx.user)},
              "How many of the caller's notifications are unread (the bell's badge)", response=m.UnreadCount),
))
notifications_read_all = Route("notifications_read_all", "/api/notifications/read", "notifications", (
    Operation(POST, lambda ctx: service.mark_all_read(ctx.user), "Mark all the caller's notifications read",
              response=m.MarkedAll),
))
notification_read = Route("notification_read", "/api/notifications/{notificationId}/read", "notifications", (
    Operation(POST, lambda ctx: service.mark_read(ctx.user, ctx.params["notificationId"]),
              "Mark one of the caller's notifications read", response=m.Marked, errors=(404,)),
))
me_preferences = Route("me_preferences", "/api/me/preferences", "notifications", (
    Operation(GET, lambda ctx: service.preferences(ctx.user),
              "Per notification kind: who receives it, its default and the caller's channel",
              response=m.Preferences),
    Operation(PATCH, lambda ctx: service.update_preferences(ctx.user, ctx.body.kinds),
              "Choose a channel (in_app, email, digest) per kind; unknown kinds or channels are refused",
              body=m.PreferencesPatch, response=m.Preferences, errors=(400,)),
))
# fmt: on

ROUTES = (notifications, notifications_unread, notifications_read_all, notification_read, me_preferences)
