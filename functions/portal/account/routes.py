"""Routes of one's own account: profile, devices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import authn
from ..api.lazy import lazy
from ..api.web import DELETE, GET, PATCH, POST, PUT, Ctx, Operation, RawBody, Reply, Route, Stream

if TYPE_CHECKING:
    from . import avatar, service, sessions
    from . import models as m
else:
    m, service = lazy("portal.account.models"), lazy("portal.account.service")
    sessions, avatar = lazy("portal.account.sessions"), lazy("portal.account.avatar")

AVATAR_TYPES = ("image/png", "image/jpeg", "image/webp")
AVATAR_MAX_BYTES = 256 * 1024


def _end(ctx: Ctx) -> Any:
    out = sessions.end(ctx.user, ctx.params["sessionId"], ctx.session_cookie)
    if not out["current"]:
        return out
    cookie = {
        "key": authn.SESSION_COOKIE,
        "value": "",
        "max_age": 0,
        "httponly": True,
        "secure": True,
        "samesite": "Strict",
        "path": "/",
    }
    return Reply(out, cookies=[cookie])


def _avatar(ctx: Ctx) -> Stream:
    data, kind = avatar.read(ctx.user, ctx.params["orgId"], ctx.params["uid"])
    headers = {"Cache-Control": "private, max-age=86400", "Content-Disposition": "inline"}
    return Stream(data, media_type=kind, headers=headers)


# fmt: off
me_profile = Route("me_profile", "/api/me/profile", "account", (
    Operation(GET, lambda ctx: service.profile(ctx.user),
              "The caller's profile, email verification, second factors and recent sign-ins",
              response=m.AccountProfile),
    Operation(PATCH, lambda ctx: service.update_profile(ctx.user, ctx.body.model_dump(exclude_unset=True)),
              "Change the caller's name or time zone", body=m.ProfilePatch, response=m.AccountProfile,
              errors=(400,),
              description="`timezone` is an IANA name (`Europe/London`); null returns to the browser's zone. "
                          "Every date the portal shows uses it."),
))
me_sessions = Route("me_sessions", "/api/me/sessions", "account", (
    Operation(GET, lambda ctx: {"items": sessions.list_sessions(ctx.user, ctx.session_cookie)},
              "The caller's signed-in devices (browser sessions)", response=m.SessionList),
))
me_session = Route("me_session", "/api/me/sessions/{sessionId}", "account", (
    Operation(DELETE, _end, "Sign one of the caller's devices out", response=m.SessionEnded, errors=(404,),
              description="Ends that browser session only; `POST /api/auth/logout` ends them all. Another "
                          "instance may still accept the session for up to a minute (see the README)."),
))
me_avatar = Route("me_avatar", "/api/me/avatar", "account", (
    Operation(PUT, lambda ctx: avatar.upload(ctx.user, ctx.raw_body, (ctx.request.mimetype or "").lower()),
              "Upload the caller's picture (PNG, JPEG or WebP, at most 256 KiB)", response=m.AvatarOut,
              raw_body=RawBody(content_types=AVATAR_TYPES, max_bytes=AVATAR_MAX_BYTES), errors=(413, 415),
              description="The body is the image itself, with its type as `Content-Type`; the type is sniffed "
                          "from the bytes and must match. Returns the new `avatarUrl` (versioned)."),
    Operation(DELETE, lambda ctx: avatar.remove(ctx.user), "Remove the caller's picture", response=m.AvatarOut),
))
avatar_image = Route("avatar_image", "/api/avatars/{orgId}/{uid}", "account", (
    Operation(GET, _avatar, "A person's picture, for those who may see that organisation's people",
              produces=AVATAR_TYPES[0], also_produces=AVATAR_TYPES[1:], errors=(404,),
              description="Served with its own type (PNG, JPEG or WebP) and `nosniff`; the URL is versioned."),
))
me_second_factors_remove = Route("me_second_factors_remove", "/api/me/second-factors/remove", "account", (
    Operation(POST, lambda ctx: service.remove_second_factor(ctx.user, ctx.body.factorUid, ctx.body.idToken),
              "Remove one of the caller's second factors (after signing in again with it)",
              body=m.SecondFactorRemoval, response=m.AccountProfile, errors=(400, 404, 409),
              description="`idToken` comes from signing in again just now (at most 5 minutes ago) with the "
                          "password and a second factor; anything else is 400 `reauthentication_required`. An "
                          "account that must sign in with a second factor keeps its last one (409 "
                          "`second_factor_required`). Sessions go on; the removal is audited. Answers the profile."),
))
# fmt: on

ROUTES = (me_profile, me_sessions, me_session, me_avatar, avatar_image, me_second_factors_remove)
