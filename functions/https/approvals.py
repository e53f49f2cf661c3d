"""HTTPS functions: content approvals."""

from firebase_functions import https_fn

from params import N8N_WEBHOOK_SECRET
from portal.api.routes import BY_FUNCTION

from ._options import HTTP


@https_fn.on_request(**HTTP)
def approvals(req: https_fn.Request) -> https_fn.Response:
    """GET|POST /api/approvals"""
    return BY_FUNCTION["approvals"].serve(req)


@https_fn.on_request(**HTTP)
def approval_detail(req: https_fn.Request) -> https_fn.Response:
    """GET /api/approvals/{approvalId}"""
    return BY_FUNCTION["approval_detail"].serve(req)


@https_fn.on_request(**HTTP)
def approval_action(req: https_fn.Request) -> https_fn.Response:
    """POST /api/approvals/{approvalId}/action"""
    return BY_FUNCTION["approval_action"].serve(req)


@https_fn.on_request(**HTTP)
def approval_comments(req: https_fn.Request) -> https_fn.Response:
    """POST /api/approvals/{approvalId}/comments"""
    return BY_FUNCTION["approval_comments"].serve(req)


@https_fn.on_request(**HTTP)
def approval_versions(req: https_fn.Request) -> https_fn.Response:
    """POST /api/approvals/{approvalId}/versions"""
    return BY_FUNCTION["approval_versions"].serve(req)


@https_fn.on_request(**{**HTTP, "secrets": [*HTTP["secrets"], N8N_WEBHOOK_SECRET]})
def webhook_n8n_approvals(req: https_fn.Request) -> https_fn.Response:
    """POST /api/webhooks/n8n/approvals"""
    return BY_FUNCTION["webhook_n8n_approvals"].serve(req)
