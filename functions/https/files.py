"""HTTPS functions: files on Google Drive (uploads, listing, downloads, previews)."""

from deployment import HTTP, with_secrets
from firebase_functions import https_fn, options

from params import DRIVE_SERVICE_ACCOUNT_JSON
from portal.files import routes

DRIVE = with_secrets(HTTP, DRIVE_SERVICE_ACCOUNT_JSON)
UPLOAD = {**DRIVE, "memory": options.MemoryOption.MB_512, "timeout_sec": 300}
"""Chunks are relayed whole (at most 16 MiB each): room for a few at once."""
STREAM = {**DRIVE, "timeout_sec": 3600}
"""Downloads stream for as long as the caller reads (behind Hosting, about 60 s)."""


@https_fn.on_request(**DRIVE)
def files(req: https_fn.Request) -> https_fn.Response:
    """GET /api/files"""
    return routes.files.serve(req)


@https_fn.on_request(**DRIVE)
def file_upload(req: https_fn.Request) -> https_fn.Response:
    """POST /api/files/upload"""
    return routes.file_upload.serve(req)


@https_fn.on_request(**UPLOAD)
def file_upload_session(req: https_fn.Request) -> https_fn.Response:
    """PUT|GET|DELETE /api/files/upload/{uploadId}"""
    return routes.file_upload_session.serve(req)


@https_fn.on_request(**DRIVE)
def file_detail(req: https_fn.Request) -> https_fn.Response:
    """GET|PATCH|DELETE /api/files/{fileId}"""
    return routes.file_detail.serve(req)


@https_fn.on_request(**STREAM)
def file_download(req: https_fn.Request) -> https_fn.Response:
    """GET /api/files/{fileId}/download"""
    return routes.file_download.serve(req)


@https_fn.on_request(**DRIVE)
def file_thumbnail(req: https_fn.Request) -> https_fn.Response:
    """GET /api/files/{fileId}/thumbnail"""
    return routes.file_thumbnail.serve(req)


@https_fn.on_request(**DRIVE)
def file_revisions(req: https_fn.Request) -> https_fn.Response:
    """GET /api/files/{fileId}/revisions"""
    return routes.file_revisions.serve(req)


@https_fn.on_request(**STREAM)
def file_revision_download(req: https_fn.Request) -> https_fn.Response:
    """GET /api/files/{fileId}/revisions/{revisionId}/download"""
    return routes.file_revision_download.serve(req)
