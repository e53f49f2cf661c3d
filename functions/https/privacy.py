"""HTTPS functions: data exports, and deleting accounts and client organisations."""

from deployment import HTTP, with_secrets
from firebase_functions import https_fn

from params import DRIVE_SERVICE_ACCOUNT_JSON
from portal.privacy import routes

DRIVE = with_secrets(HTTP, DRIVE_SERVICE_ACCOUNT_JSON)
STREAM = {**DRIVE, "timeout_sec": 3600}
"""Downloads stream for as long as the caller reads (behind Hosting, about 60 s)."""


@https_fn.on_request(**DRIVE)
def exports(req: https_fn.Request) -> https_fn.Response:
    """GET|POST /api/exports"""
    return routes.export_list.serve(req)


@https_fn.on_request(**STREAM)
def export_download(req: https_fn.Request) -> https_fn.Response:
    """GET /api/exports/{exportId}/download"""
    return routes.export_download.serve(req)


@https_fn.on_request(**DRIVE)
def deletions(req: https_fn.Request) -> https_fn.Response:
    """GET|POST /api/deletions"""
    return routes.deletions.serve(req)


@https_fn.on_request(**DRIVE)
def deletion_detail(req: https_fn.Request) -> https_fn.Response:
    """DELETE /api/deletions/{deletionId}"""
    return routes.deletion_detail.serve(req)


@https_fn.on_request(**HTTP)
def account_restore(req: https_fn.Request) -> https_fn.Response:
    """POST /api/account/restore"""
    return routes.account_restore.serve(req)
