"""Routes of projects and milestones, and the webhooks that report on them (n8n, GBU)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api.lazy import lazy
from ..api.signed import SIGNED, signed_by
from ..api.web import DELETE, GET, PATCH, POST, Ctx, Operation, Route
from ..errors import BadRequest

if TYPE_CHECKING:
    from ..api import common
    from . import inbound, service, templates
    from . import models as m
else:
    m, service, inbound, templates = (
        lazy("portal.projects.models"),
        lazy("portal.projects.service"),
        lazy("portal.projects.inbound"),
        lazy("portal.projects.templates"),
    )
    common = lazy("portal.api.common")


def _list(ctx: Ctx) -> Any:
    q = ctx.query
    return service.list_projects(ctx.user, org_id=q.orgId, status=q.status, cursor=q.cursor, limit=q.limit,
                                 archived=q.archived)  # fmt: skip


def _create(ctx: Ctx) -> Any:
    b = ctx.body
    return service.create_project(ctx.user, b.orgId, b.model_dump(mode="json", exclude={"orgId"}))


def _changes(ctx: Ctx) -> dict[str, Any]:
    fields: dict[str, Any] = ctx.body.model_dump(mode="json", exclude_unset=True)
    if not fields:
        raise BadRequest("Nothing to change.")
    return fields


# fmt: off
projects_list = Route("projects_list", "/api/projects", "projects", (
    Operation(GET, _list, "Projects by name, filtered by status, paginated with a cursor",
              query=m.ProjectsQuery, response=m.ProjectList, errors=(400, 403, 404)),
    Operation(POST, _create, "Create a project for a client (staff)", body=m.ProjectIn,
              response=m.Project, status=201, errors=(400, 403, 404)),
))
project_detail = Route("project_detail", "/api/projects/{projectId}", "projects", (
    Operation(GET, lambda ctx: service.get_project(ctx.user, ctx.params["projectId"]),
              "A project: milestones, progress, timeline, team, counts, recent activity",
              response=m.ProjectDetail, errors=(403, 404)),
    Operation(PATCH, lambda ctx: service.update_project(ctx.user, ctx.params["projectId"], _changes(ctx)),
              "Edit a project's name, description, status, timeline or team (admin)",
              body=m.ProjectPatch, response=m.Project, errors=(400, 403, 404)),
))
project_milestones = Route("project_milestones", "/api/projects/{projectId}/milestones", "projects", (
    Operation(POST, lambda ctx: service.add_milestone(ctx.user, ctx.params["projectId"], ctx.body.title,
                                                      ctx.body.due),
              "Add a milestone (staff)", body=m.MilestoneIn, response=m.Project, status=201,
              errors=(400, 403, 404)),
))
project_milestone = Route("project_milestone", "/api/projects/{projectId}/milestones/{milestoneId}", "projects", (
    Operation(PATCH, lambda ctx: service.update_milestone(ctx.user, ctx.params["projectId"],
                                                          ctx.params["milestoneId"], _changes(ctx)),
              "Edit or complete a milestone (staff)", body=m.MilestonePatch, response=m.Project,
              errors=(400, 403, 404)),
    Operation(DELETE, lambda ctx: service.delete_milestone(ctx.user, ctx.params["projectId"],
                                                           ctx.params["milestoneId"]),
              "Remove a milestone (staff)", response=m.Project, errors=(403, 404)),
))
project_archive = Route("project_archive", "/api/projects/{projectId}/archive", "projects", (
    Operation(POST, lambda ctx: service.set_archived(ctx.user, ctx.params["projectId"], True),
              "Archive a project: hidden from default lists, everything kept (admin)", response=m.Project,
              errors=(403, 404, 409)),
    Operation(DELETE, lambda ctx: service.set_archived(ctx.user, ctx.params["projectId"], False),
              "Restore an archived project (admin)", response=m.Project, errors=(403, 404, 409)),
))
templates_list = Route("templates_list", "/api/templates", "projects", (
    Operation(GET, lambda ctx: {"items": templates.list_templates(ctx.user)},
              "Project templates with their milestone sets (staff)", response=m.TemplateList, errors=(403,)),
    Operation(POST, lambda ctx: templates.create_template(ctx.user, ctx.body.model_dump(mode="json")),
              "Create a project template (admin)", body=m.TemplateIn, response=m.Template, status=201,
              errors=(400, 403)),
))
template_detail = Route("template_detail", "/api/templates/{templateId}", "projects", (
    Operation(GET, lambda ctx: templates.get_template(ctx.user, ctx.params["templateId"]),
              "A project template (staff)", response=m.Template, errors=(403, 404)),
    Operation(PATCH, lambda ctx: templates.update_template(ctx.user, ctx.params["templateId"], _changes(ctx)),
              "Edit a project template (admin)", body=m.TemplatePatch, response=m.Template,
              errors=(400, 403, 404)),
    Operation(DELETE, lambda ctx: templates.delete_template(ctx.user, ctx.params["templateId"]),
              "Delete a project template (admin)", response=common.Ok, errors=(403, 404)),
))
webhook_n8n_projects = Route("webhook_n8n_projects", "/api/webhooks/n8n/projects", "webhooks", (
    Operation(POST, lambda ctx: inbound.n8n_project_event(ctx.body.root), "n8n reports project progress",
              body=m.N8nProjectEvent, response=common.WebhookResult, public=True, rate_bucket="ip",
              verify=signed_by("N8N_WEBHOOK_SECRET", "n8n"), errors=(400, 401, 404, 503), description=SIGNED),
))
webhook_gbu = Route("webhook_gbu", "/api/webhooks/gbu", "webhooks", (
    Operation(POST, lambda ctx: inbound.gbu_contract_event(ctx.body), "GBU reports a contract's status",
              body=m.GbuContractEvent, response=common.WebhookResult, public=True, rate_bucket="ip",
              verify=signed_by("GBU_WEBHOOK_SECRET", "GBU"), errors=(400, 401, 404, 503), description=SIGNED),
))
# fmt: on

ROUTES = (
    projects_list,
    project_detail,
    project_milestones,
    project_milestone,
    project_archive,
    templates_list,
    template_detail,
    webhook_n8n_projects,
    webhook_gbu,
)
