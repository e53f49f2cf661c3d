"""Routes of files on Google Drive: resumable uploads, the listing, downloads (with
``Range``), thumbnails, revisions, deletes and moves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import config
from ..api.lazy import lazy
from ..api.web import DELETE, GET, PATCH, POST, PUT, Ctx, Operation, RawBody, Reply, Route, Stream

if TYPE_CHECKING:
    from ..api import common
    from . import models as m
    from . import service
else:
    m, service, common = lazy("portal.files.models"), lazy("portal.files.service"), lazy("portal.api.common")

BINARY = "application/octet-stream"
CHUNK = RawBody(content_types=(BINARY,), max_bytes=config.FILES_CHUNK_LIMIT)
"""A chunk's body: raw bytes, at most the largest chunk size the portal hands out."""

UPLOAD_DOC = (
    "Start with `POST /api/files/upload`; send the bytes in order as `PUT /api/files/upload/{uploadId}` "
    "with `Content-Type: application/octet-stream` and `Content-Range: bytes first-last/total`, each chunk "
    "`chunkSize` bytes (a multiple of 256 KiB) but the last. The type is sniffed from the content of the "
    "first chunk against the allowlist; a spoofed type ends the upload (415) and leaves nothing behind. "
    "After an interruption, `GET /api/files/upload/{uploadId}` gives the offset to resume from."
)
DOWNLOAD_DOC = (
    "Streamed from Drive with `Range` support (206, 416), `Content-Disposition` with a safe name and "
    "`nosniff`. Hosting ends a request after about 60 s: fetch large files in `Range` pieces. `?inline=1` "
    "shows images, PDF, video and audio in the page (a PDF may be framed by the portal's own pages)."
)


def _start(ctx: Ctx) -> Any:
    b = ctx.body
    upload = service.start_upload(ctx.user, b.name, b.size, b.type, b.projectId, org_id=b.orgId)
    return Reply({"upload": upload}, status=201)


def _chunk(ctx: Ctx) -> Any:
    result = service.put_chunk(ctx.user, ctx.params["uploadId"], ctx.request.headers.get("Content-Range"), ctx.raw_body)
    return Reply(result, status=201 if "file" in result else 200)


def _list(ctx: Ctx) -> Any:
    q = ctx.query
    return service.list_files(ctx.user, org_id=q.orgId, project_id=q.projectId, cursor=q.cursor, limit=q.limit)


def _stream(download: Any) -> Stream:
    headers = dict(download.headers)
    media_type = headers.pop("Content-Type", BINARY)
    return Stream(download.iter_bytes(), media_type=media_type, status=download.status, headers=headers)


def _download(ctx: Ctx) -> Stream:
    return _stream(service.open_download(ctx.user, ctx.params["fileId"], ctx.request.headers.get("Range"),
                                         inline=ctx.query.inline))  # fmt: skip


def _revision_download(ctx: Ctx) -> Stream:
    p = ctx.params
    return _stream(service.open_download(ctx.user, p["fileId"], ctx.request.headers.get("Range"),
                                         revision_id=p["revisionId"], inline=ctx.query.inline))  # fmt: skip


def _cancel(ctx: Ctx) -> Any:
    service.cancel_upload(ctx.user, ctx.params["uploadId"])
    return {"ok": True}


def _delete(ctx: Ctx) -> Any:
    service.delete_file(ctx.user, ctx.params["fileId"])
    return {"ok": True}


# fmt: off
files = Route("files", "/api/files", "files", (
    Operation(GET, _list, "An organisation's files (or one project's), by name, from the mirror, paginated",
              query=m.FilesQuery, response=m.FileList, errors=(400, 403, 404),
              description="`connected` says whether Drive is connected; without it the listing is empty "
                          "and uploads answer 503."),
))
file_upload = Route("file_upload", "/api/files/upload", "files", (
    Operation(POST, _start, "Start a resumable upload into an organisation or one of its projects",
              body=m.UploadIn, response=m.UploadOut, status=201, errors=(400, 403, 404, 413, 415, 503),
              description=UPLOAD_DOC),
))
file_upload_session = Route("file_upload_session", "/api/files/upload/{uploadId}", "files", (
    Operation(PUT, _chunk, "Send the next chunk of an upload (201 with the file after the last one)",
              raw_body=CHUNK, response=m.ChunkOut, errors=(400, 403, 404, 409, 410, 502, 503),
              description=UPLOAD_DOC + " A chunk that does not start at the offset is a 409 carrying the offset."),
    Operation(GET, lambda ctx: {"upload": service.upload_status(ctx.user, ctx.params["uploadId"])},
              "Where an interrupted upload resumes", response=m.UploadOut, errors=(403, 404, 410, 502, 503)),
    Operation(DELETE, _cancel, "Cancel an upload: nothing is kept", response=common.Ok,
              errors=(403, 404, 502, 503)),
))
file_detail = Route("file_detail", "/api/files/{fileId}", "files", (
    Operation(GET, lambda ctx: {"file": service.get_file(ctx.user, ctx.params["fileId"])}, "A file",
              response=m.FileOut, errors=(403, 404)),
    Operation(PATCH, lambda ctx: {"file": service.move_file(ctx.user, ctx.params["fileId"], ctx.body.projectId)},
              "Move a file to another project of its organisation (staff)", body=m.MoveIn, response=m.FileOut,
              errors=(400, 403, 404, 409, 502, 503)),
    Operation(DELETE, _delete, "Delete a file (staff, or its uploader within 15 minutes): Drive's trash",
              response=common.Ok, errors=(403, 404, 502, 503)),
))
file_download = Route("file_download", "/api/files/{fileId}/download", "files", (
    Operation(GET, _download, "Download a file (streamed, with Range)", query=m.DownloadQuery, produces=BINARY,
              ranges=True, errors=(400, 403, 404, 502, 503), description=DOWNLOAD_DOC, acts_as_caller=True),
))
file_thumbnail = Route("file_thumbnail", "/api/files/{fileId}/thumbnail", "files", (
    Operation(GET, lambda ctx: _stream(service.open_thumbnail(ctx.user, ctx.params["fileId"])),
              "A file's thumbnail, through the portal", produces="image/png", errors=(403, 404, 502, 503)),
))
file_revisions = Route("file_revisions", "/api/files/{fileId}/revisions", "files", (
    Operation(GET, lambda ctx: {"items": service.list_revisions(ctx.user, ctx.params["fileId"])},
              "Every kept version of a file, oldest first", response=m.RevisionList, errors=(403, 404, 502, 503)),
))
file_revision_download = Route("file_revision_download", "/api/files/{fileId}/revisions/{revisionId}/download",
                               "files", (
    Operation(GET, _revision_download, "Download one version of a file (streamed, with Range)",
              query=m.DownloadQuery, produces=BINARY, ranges=True, errors=(400, 403, 404, 502, 503),
              description=DOWNLOAD_DOC, acts_as_caller=True),
))
# fmt: on

ROUTES = (
    files,
    file_upload,
    file_upload_session,
    file_detail,
    file_download,
    file_thumbnail,
    file_revisions,
    file_revision_download,
)
