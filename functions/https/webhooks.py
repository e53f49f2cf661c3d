"""HTTPS functions: inbound webhooks, verified by signature before anything else."""

from firebase_functions import https_fn

from params import GBU_WEBHOOK_SECRET, N8N_WEBHOOK_SECRET
from portal.api.routes import BY_FUNCTION

from ._options import HTTP


@https_fn.on_request(**{**HTTP, "secrets": [*HTTP["secrets"], N8N_WEBHOOK_SECRET]})
def webhook_n8n_projects(req: https_fn.Request) -> https_fn.Response:
    """POST /api/webhooks/n8n/projects"""
    return BY_FUNCTION["webhook_n8n_projects"].serve(req)


@https_fn.on_request(**{**HTTP, "secrets": [*HTTP["secrets"], GBU_WEBHOOK_SECRET]})
def webhook_gbu(req: https_fn.Request) -> https_fn.Response:
    """POST /api/webhooks/gbu"""
    return BY_FUNCTION["webhook_gbu"].serve(req)
