"""HTTPS functions: content approvals, and n8n's webhook that submits them."""

from deployment import HTTP, with_secrets
from firebase_functions import https_fn

from params import N8N_WEBHOOK_SECRET
from portal.approvals import routes

N8N = with_secrets(HTTP, N8N_WEBHOOK_SECRET)


@https_fn.on_request(**HTTP)
def approvals(req: https_fn.Request) -> https_fn.Response:
    """GET|POST /api/approvals"""
    return routes.approvals.serve(req)


@https_fn.on_request(**HTTP)
def approval_detail(req: https_fn.Request) -> https_fn.Response:
    """GET /api/approvals/{approvalId}"""
    return routes.approval_detail.serve(req)


@https_fn.on_request(**HTTP)
def approval_action(req: https_fn.Request) -> https_fn.Response:
    """POST /api/approvals/{approvalId}/action"""
    return routes.approval_action.serve(req)


@https_fn.on_request(**HTTP)
def approval_comments(req: https_fn.Request) -> https_fn.Response:
    """POST /api/approvals/{approvalId}/comments"""
    return routes.approval_comments.serve(req)


@https_fn.on_request(**HTTP)
def approval_versions(req: https_fn.Request) -> https_fn.Response:
    """POST /api/approvals/{approvalId}/versions"""
    return routes.approval_versions.serve(req)


@https_fn.on_request(**N8N)
def webhook_n8n_approvals(req: https_fn.Request) -> https_fn.Response:
    """POST /api/webhooks/n8n/approvals"""
    return routes.webhook_n8n_approvals.serve(req)
