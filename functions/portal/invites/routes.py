"""Routes of invitations: created by owners and staff, accepted by the invited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api.lazy import lazy
from ..api.web import GET, POST, Ctx, Operation, Route

if TYPE_CHECKING:
    from ..api import common
    from . import models as m
    from . import service
else:
    m, service, common = lazy("portal.invites.models"), lazy("portal.invites.service"), lazy("portal.api.common")


def _create(ctx: Ctx) -> Any:
    b = ctx.body
    return service.create(ctx.user, email=b.email, role=b.role, org_id=b.orgId)


def _complete(ctx: Ctx) -> Any:
    b = ctx.body
    user = service.complete(
        b.invite, id_token=b.idToken, password=b.password, first_name=b.firstName, last_name=b.lastName
    )
    return {"user": user}


# fmt: off
invites = Route("invites", "/api/invites", "invites", (
    Operation(GET, lambda ctx: {"items": service.list_invites(ctx.user, ctx.query.orgId)},
              "Invites of an organisation", query=common.OrgQuery, response=m.InviteList, errors=(403, 404)),
    Operation(POST, _create, "Invite someone to an organisation", body=m.InviteIn,
              response=m.InviteCreated, status=201, errors=(400, 403, 404, 409),
              description="Returns a single-use link that expires. Client owners invite into their own "
                          "organisation; staff into any client; admins also invite staff."),
))
invite_revoke = Route("invite_revoke", "/api/invites/{inviteId}/revoke", "invites", (
    Operation(POST, lambda ctx: {"invite": service.revoke(ctx.user, ctx.params["inviteId"], ctx.query.orgId)},
              "Revoke a pending invite", query=common.OrgQuery, response=m.InviteOut, errors=(403, 404, 409)),
))
invite_lookup = Route("invite_lookup", "/api/invites/lookup", "invites", (
    Operation(POST, lambda ctx: service.lookup(ctx.body.token), "What an invite link is for",
              body=m.InviteTokenIn, response=m.InviteLookup, public=True, errors=(400, 404, 410),
              description="The token travels in the body (and in the link's fragment), never in a URL "
                          "that logs or history keep."),
))
invite_accept = Route("invite_accept", "/api/invites/accept", "invites", (
    Operation(POST, lambda ctx: service.accept(ctx.body.token),
              "Accept an invite: prepare the account and confirm the address", body=m.InviteAcceptIn,
              response=m.InviteConfirmation, public=True, errors=(400, 404, 409, 410),
              description="Holding the link does not prove the address (whoever created the invite holds it "
                          "too). This prepares a pending account that no one can use yet; the browser then "
                          "has Firebase email a sign-in link to the invited address, and "
                          "`POST /api/invites/complete` finishes with the ID token from that link."),
))
invite_complete = Route("invite_complete", "/api/invites/complete", "invites", (
    Operation(POST, _complete, "Finish accepting an invite: create the member", body=m.InviteCompleteIn,
              response=m.UserOut, status=201, public=True, errors=(400, 401, 403, 404, 409, 410),
              description="Takes a fresh ID token from the sign-in link emailed to the invited address "
                          "(its email verified by Firebase): only the owner of the address gets the account."),
))
# fmt: on

ROUTES = (invites, invite_revoke, invite_lookup, invite_accept, invite_complete)
