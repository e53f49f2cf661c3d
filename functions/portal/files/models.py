"""Models of files: uploads, the mirror of a Drive file, listings, revisions and moves."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from ..api.common import Id, Limit, Model, Out

Cursor = Annotated[str, StringConstraints(max_length=1024)]


class UploadIn(Model):
    name: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    """The file's name; made safe on the server (no path, no control characters, at most 300)."""
    size: int = Field(ge=0, le=2**53)
    type: Annotated[str, StringConstraints(max_length=200)] = ""
    """The type the browser declares; checked against the content, never trusted."""
    projectId: Id | None = None
    orgId: Id | None = None
    """Staff name the client organisation; clients upload to their own."""


class Upload(Out):
    id: str
    chunkSize: int
    offset: int
    size: int
    name: str
    projectId: str | None = None


class UploadOut(Out):
    upload: Upload


class Uploader(Out):
    uid: str | None = None
    email: str | None = None


class File(Out):
    id: str
    orgId: str | None = None
    projectId: str | None = None
    name: str
    mimeType: str | None = None
    kind: str | None = None
    size: int | None = None
    md5: str | None = None
    uploadedBy: Uploader | None = None
    """The file's owner: who uploaded its first version (None: added in Drive itself)."""
    revisedBy: Uploader | None = None
    """Who uploaded its latest version, when that was a later upload."""
    createdAt: str | None = None
    modifiedAt: str | None = None
    hasThumbnail: bool = False
    inline: bool = False
    """Whether a page may show it (images, PDF, video, audio): ``download?inline=1``."""
    canDelete: bool = False
    """Whether the caller may delete it now (staff, or its uploader within 15 minutes)."""


class ChunkOut(Out):
    offset: int | None = None
    """Bytes received so far, while more are expected."""
    file: File | None = None
    """The file, once the last chunk arrived (201)."""


class FileOut(Out):
    file: File


class FileList(Out):
    items: list[File]
    nextCursor: str | None = None
    connected: bool
    """Whether Drive is connected; when not, uploads answer 503 and the page says so."""
    maxBytes: int
    """The largest file an upload may be."""


class FilesQuery(Model):
    orgId: Id | None = None
    projectId: Id | None = None
    cursor: Cursor | None = None
    limit: Limit = 50


class DownloadQuery(Model):
    inline: bool = False
    """Show it in the page (only images, PDF, video and audio; others stay attachments)."""


class Revision(Out):
    id: str
    modifiedTime: str | None = None
    size: int | None = None
    md5Checksum: str | None = None
    uploadedBy: Uploader | None = None
    """Who uploaded this version through the portal (None: made in Drive itself)."""


class RevisionList(Out):
    items: list[Revision]


class MoveIn(Model):
    projectId: Id | None
    """The project to move the file into; null: the organisation's own folder."""


AttachmentIds = Annotated[
    list[Id],
    Field(
        max_length=20,
        description="Portal file ids to attach (`GET /api/files`): at most 20, no duplicates, each a file of the "
        "same organisation kept with the organisation as a whole or in the same project. Otherwise 400 "
        "(`unknown_attachment` for an unknown, deleted or another organisation's id alike, "
        "`duplicate_attachment`, `too_many_attachments`, `attachment_other_project`) and nothing is written.",
        json_schema_extra={"uniqueItems": True},
    ),
]
"""Portal file ids to attach (at most 20, no duplicates), of the same organisation and,
where there is one, kept with the organisation as a whole or in the same project."""


class Attachment(Out):
    """A portal file attached to a version or a message, with the files API's links; a file
    deleted since is ``removed`` (its name kept, no links)."""

    id: str
    name: str = ""
    removed: bool = Field(default=False, description="The file was deleted since: its name is kept, no links.")
    mimeType: str | None = None
    kind: str | None = None
    size: int | None = None
    projectId: str | None = None
    hasThumbnail: bool = False
    inline: bool = False
    downloadUrl: str | None = Field(default=None, description="`GET /api/files/{id}/download` (streamed, with Range).")
    viewUrl: str | None = Field(
        default=None, description="`.../download?inline=1` for images, PDF, video and audio: shown in the page."
    )
    thumbnailUrl: str | None = Field(default=None, description="`GET /api/files/{id}/thumbnail`, when Drive made one.")
