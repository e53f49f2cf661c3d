"""HTTPS functions: projects and milestones, and the webhooks that report on them."""

from deployment import HTTP, with_secrets
from firebase_functions import https_fn

from params import GBU_WEBHOOK_SECRET, N8N_WEBHOOK_SECRET
from portal.projects import routes

GBU = with_secrets(HTTP, GBU_WEBHOOK_SECRET)
N8N = with_secrets(HTTP, N8N_WEBHOOK_SECRET)


@https_fn.on_request(**HTTP)
def projects_list(req: https_fn.Request) -> https_fn.Response:
    """GET|POST /api/projects"""
    return routes.projects_list.serve(req)


@https_fn.on_request(**HTTP)
def project_detail(req: https_fn.Request) -> https_fn.Response:
    """GET|PATCH /api/projects/{projectId}"""
    return routes.project_detail.serve(req)


@https_fn.on_request(**HTTP)
def project_milestones(req: https_fn.Request) -> https_fn.Response:
    """POST /api/projects/{projectId}/milestones"""
    return routes.project_milestones.serve(req)


@https_fn.on_request(**HTTP)
def project_milestone(req: https_fn.Request) -> https_fn.Response:
    """PATCH|DELETE /api/projects/{projectId}/milestones/{milestoneId}"""
    return routes.project_milestone.serve(req)


@https_fn.on_request(**N8N)
def webhook_n8n_projects(req: https_fn.Request) -> https_fn.Response:
    """POST /api/webhooks/n8n/projects"""
    return routes.webhook_n8n_projects.serve(req)


@https_fn.on_request(**GBU)
def webhook_gbu(req: https_fn.Request) -> https_fn.Response:
    """POST /api/webhooks/gbu"""
    return routes.webhook_gbu.serve(req)


@https_fn.on_request(**HTTP)
def project_archive(req: https_fn.Request) -> https_fn.Response:
    """POST|DELETE /api/projects/{projectId}/archive"""
    return routes.project_archive.serve(req)


@https_fn.on_request(**HTTP)
def templates_list(req: https_fn.Request) -> https_fn.Response:
    """GET|POST /api/templates"""
    return routes.templates_list.serve(req)


@https_fn.on_request(**HTTP)
def template_detail(req: https_fn.Request) -> https_fn.Response:
    """GET|PATCH|DELETE /api/templates/{templateId}"""
    return routes.template_detail.serve(req)
