"""Routes of an organisation's members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..api.lazy import lazy
from ..api.web import DELETE, GET, PATCH, POST, Operation, Route

if TYPE_CHECKING:
    from ..api import common
    from . import models as m
    from . import service
else:
    m, service, common = lazy("portal.members.models"), lazy("portal.members.service"), lazy("portal.api.common")

# fmt: off
members_list = Route("members_list", "/api/members", "members", (
    Operation(GET, lambda ctx: {"items": service.list_members(ctx.user, ctx.query.orgId)},
              "Members of an organisation", query=common.OrgQuery, response=m.MemberList, errors=(403, 404)),
))
member_detail = Route("member_detail", "/api/members/{uid}", "members", (
    Operation(PATCH, lambda ctx: service.patch_member(ctx.params["uid"], ctx.body, actor=ctx.user),
              "Change a member's role (admin) or billing access (owner)", body=m.MemberPatch,
              response=m.MemberChanged, errors=(400, 403, 404, 409),
              description="One change at a time. `role`: admins change the role of anyone but themselves, "
                          "within the same kind of organisation. `billingAccess`: a client's owners (for their "
                          "organisation) and admins give a client's member billing access (`true`) or take it "
                          "back (`false`), never their own; owners and staff see billing by their role (400 "
                          "`billing_by_role`); an archived organisation's owner changes nothing (409). Either "
                          "change ends the person's sessions, so that it applies at once; billing access that "
                          "already is as asked changes nothing (`changed: false`). Audited."),
    Operation(DELETE, lambda ctx: {"member": service.disable_user(ctx.params["uid"], actor=ctx.user)},
              "Remove a member: disable the account and end its sessions", response=m.MemberChanged,
              errors=(403, 404)),
))
member_second_factors_reset = Route("member_second_factors_reset", "/api/members/{uid}/second-factors/reset",
                                    "members", (
    Operation(POST, lambda ctx: service.reset_second_factors(ctx.params["uid"], actor=ctx.user),
              "Reset a member's second factors (a lost phone)", response=m.SecondFactorsReset,
              errors=(403, 404),
              description="Removes every second factor of the account and ends its sessions; the person is "
                          "mailed (when mail is connected) and enrols a phone again where one is required. "
                          "Client owners for their organisation's people, admins for anyone; never one's own."),
))
# fmt: on

ROUTES = (members_list, member_detail, member_second_factors_reset)
