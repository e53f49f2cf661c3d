"""Routes of organisations: client organisations, their settings, the clients overview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api.lazy import lazy
from ..api.web import DELETE, GET, PATCH, POST, Ctx, Operation, Route
from ..errors import BadRequest

if TYPE_CHECKING:
    from . import models as m
    from . import service, settings
else:
    m, service, settings = lazy("portal.orgs.models"), lazy("portal.orgs.service"), lazy("portal.orgs.settings")


def _changes(ctx: Ctx) -> dict[str, Any]:
    fields: dict[str, Any] = ctx.body.model_dump(mode="json", exclude_unset=True)
    if not fields:
        raise BadRequest("Nothing to change.")
    return fields


def _create(ctx: Ctx) -> Any:
    b = ctx.body
    return service.create_client(ctx.user, name=b.name, logo_url=b.logoUrl, email_domains=b.emailDomains,
                                 owner_email=b.owner.email)  # fmt: skip


# fmt: off
orgs_list = Route("orgs_list", "/api/orgs", "organisations", (
    Operation(GET, lambda ctx: {"items": service.list_orgs(ctx.user, archived=ctx.query.archived)},
              "Organisations visible to the caller (staff: every client; archived ones with archived=true)",
              query=m.OrgsQuery, response=m.OrgList, errors=(400,)),
    Operation(POST, _create, "Create a client organisation and invite its first owner (staff)",
              body=m.ClientOrgIn, response=m.ClientOrgCreated, status=201, errors=(400, 403, 409)),
))
org_detail = Route("org_detail", "/api/orgs/{orgId}", "organisations", (
    Operation(GET, lambda ctx: service.get_org(ctx.user, ctx.params["orgId"]), "An organisation",
              response=m.Org, errors=(403, 404)),
    Operation(PATCH, lambda ctx: service.update_org(ctx.user, ctx.params["orgId"], _changes(ctx)),
              "Edit a client's name, logo or email domains (staff)", body=m.OrgPatch, response=m.Org,
              errors=(400, 403, 404, 409)),
))
org_archive = Route("org_archive", "/api/orgs/{orgId}/archive", "organisations", (
    Operation(POST, lambda ctx: service.set_archived(ctx.user, ctx.params["orgId"], True),
              "Archive a client: read-only for its people, hidden from default lists, data kept (admin)",
              response=m.Org, errors=(400, 403, 404, 409)),
    Operation(DELETE, lambda ctx: service.set_archived(ctx.user, ctx.params["orgId"], False),
              "Restore an archived client (admin)", response=m.Org, errors=(400, 403, 404, 409)),
))
org_settings = Route("org_settings", "/api/orgs/{orgId}/settings", "organisations", (
    Operation(GET, lambda ctx: settings.view(ctx.user, ctx.params["orgId"]),
              "A client's integrations: connected or not, and when each last worked (staff)",
              response=m.OrgSettings, errors=(403, 404)),
    Operation(PATCH, lambda ctx: settings.update(ctx.user, ctx.params["orgId"], _changes(ctx)),
              "Change a client's settings; the Slack webhook is write-only, null removes a setting (staff)",
              body=m.SettingsPatch, response=m.OrgSettings, errors=(400, 403, 404, 409, 502, 503)),
))
clients_list = Route("clients_list", "/api/clients", "organisations", (
    Operation(GET, lambda ctx: {"items": service.clients_overview(ctx.user, archived=ctx.query.archived)},
              "Every client with what needs attention, from the summaries (staff)",
              query=m.OrgsQuery, response=m.ClientList, errors=(400, 403)),
))
# fmt: on

ROUTES = (orgs_list, org_detail, org_archive, org_settings, clients_list)
