"""HTTPS functions: projects and milestones."""

from firebase_functions import https_fn

from portal.api.routes import BY_FUNCTION

from ._options import HTTP


@https_fn.on_request(**HTTP)
def projects_list(req: https_fn.Request) -> https_fn.Response:
    """GET|POST /api/projects"""
    return BY_FUNCTION["projects_list"].serve(req)


@https_fn.on_request(**HTTP)
def project_detail(req: https_fn.Request) -> https_fn.Response:
    """GET|PATCH /api/projects/{projectId}"""
    return BY_FUNCTION["project_detail"].serve(req)


@https_fn.on_request(**HTTP)
def project_milestones(req: https_fn.Request) -> https_fn.Response:
    """POST /api/projects/{projectId}/milestones"""
    return BY_FUNCTION["project_milestones"].serve(req)


@https_fn.on_request(**HTTP)
def project_milestone(req: https_fn.Request) -> https_fn.Response:
    """PATCH|DELETE /api/projects/{projectId}/milestones/{milestoneId}"""
    return BY_FUNCTION["project_milestone"].serve(req)
