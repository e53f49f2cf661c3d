"""Routes of signing in and out, and of the signed-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import authn
from ..api.lazy import lazy
from ..api.web import GET, POST, Ctx, Operation, Reply, Route

if TYPE_CHECKING:
    from .. import live
    from ..members import service as users
    from . import models as m
    from . import session
else:
    m, session, users = lazy("portal.auth.models"), lazy("portal.auth.session"), lazy("portal.members.service")
    live = lazy("portal.live")


def _session_cookie(value: str, max_age: int) -> dict[str, Any]:
    return {
        "key": authn.SESSION_COOKIE,
        "value": value,
        "max_age": max_age,
        "httponly": True,
        "secure": True,
        "samesite": "Strict",
        "path": "/",
    }


def _login(ctx: Ctx) -> Reply:
    body, cookie, max_age = session.login(ctx.body.idToken, ctx.request.headers.get("User-Agent"))
    return Reply(body, cookies=[_session_cookie(cookie, max_age)])


def _logout(ctx: Ctx) -> Reply:
    session.logout(ctx.user)
    return Reply({"ok": True}, cookies=[_session_cookie("", 0)])


# fmt: off
auth_config = Route("auth_config", "/api/auth/config", "auth", (
    Operation(GET, lambda ctx: session.web_config(), "Firebase web settings and where the browser reports errors",
              response=m.AuthConfigOut, public=True),
))
auth_login = Route("auth_login", "/api/auth/login", "auth", (
    Operation(POST, _login, "Exchange a fresh Firebase ID token for a session cookie",
              body=m.LoginIn, response=m.LoginOut, public=True, errors=(400, 401, 403),
              description="Sets an HttpOnly, Secure, SameSite=Strict `__session` cookie. Send the "
                          "returned `csrfToken` as `X-CSRF-Token` on every unsafe request made "
                          "with the cookie. The ID token must come from a sign-in in the last 5 minutes."),
))
auth_logout = Route("auth_logout", "/api/auth/logout", "auth", (
    Operation(POST, _logout, "Sign out everywhere: revoke refresh tokens and clear the cookie",
              response=lazy("portal.api.common:Ok")),
))
auth_session = Route("auth_session", "/api/auth/session", "auth", (
    Operation(GET, lambda ctx: session.session(ctx.user, ctx.session_cookie),
              "The current session, with its CSRF token", response=m.SessionOut),
))
auth_me = Route("auth_me", "/api/auth/me", "auth", (
    Operation(GET, lambda ctx: users.me(ctx.user), "The signed-in user and what they may do", response=m.Me),
))
auth_live_token = Route("auth_live_token", "/api/auth/live-token", "auth", (
    Operation(POST, lambda ctx: live.token(ctx.user, ctx.session_cookie), "A Firestore sign-in for live updates",
              response=m.LiveTokenOut, errors=(401, 403, 503),
              description="For a session cookie only (403 `session_required` over Bearer). Mints a Firebase "
                          "custom token for the caller (with their `role`, `orgId` and `permissions` claims, and "
                          "`live`: this session) for `signInWithCustomToken`. The browser then listens to "
                          "`live/{uid}` (when each topic last changed, never the data) and refetches what it "
                          "shows through this API. The credential reads that signal and nothing else: this API "
                          "and the sign-in refuse it (401 `live_only`), and it ends with the session. Refused "
                          "(403 `membership_changed`) when the caller's membership no longer matches their "
                          "session; 503 `live_unavailable` when the server may not sign tokens (the browser "
                          "then polls)."),
))
# fmt: on

ROUTES = (auth_config, auth_login, auth_logout, auth_session, auth_me, auth_live_token)
