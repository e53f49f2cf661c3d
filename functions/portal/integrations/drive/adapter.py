"""Google Drive (v3) through ``google-api-python-client``, with a service account.

Files live in a Shared Drive the agency gives the service account (service accounts have
no storage quota of their own), under a root folder: one folder per client organisation,
a subfolder per project. Every call passes ``supportsAllDrives`` (and lists
``includeItemsFromAllDrives``).

Metadata calls go through the discovery-based client. File bytes do not: googleapiclient's
httplib2 transport buffers whole bodies, so uploads (one resumable-session chunk at a
time) and downloads (streamed, with ``Range``) use an ``httpx`` client, sending the same
access token with each request. Both are built from one discovery document whose ``rootUrl``
says where Drive is, so a plain-HTTP stand-in takes Google's place without any other change.

One adapter serves concurrent requests (an instance's threads share it): the discovery client
gives each thread its own ``httplib2`` transport (``googleapi.service``), and the ``httpx``
client, thread-safe, is built once per adapter and keeps its connections.

Nothing is read or imported at module import; :meth:`Drive.from_config` raises
:class:`~portal.errors.NotConnected` when no Drive is configured.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from .. import googleapi
from ..httpclients import SharedClient

FOLDER = "application/vnd.google-apps.folder"
SCOPES = ("https://www.googleapis.com/auth/drive",)
FILE_FIELDS = (
    "id,name,mimeType,size,md5Checksum,createdTime,modifiedTime,parents,trashed,"
    "thumbnailLink,hasThumbnail,headRevisionId"
)
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
STREAM_CHUNK = 256 * 1024


class DriveError(Exception):
    """Drive refused or could not answer. ``status`` is Drive's HTTP status (0: no answer)."""

    def __init__(self, message: str, status: int = 0, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class DriveNotFound(DriveError):
    """No such file or folder (or the service account cannot see it)."""


class UploadSessionGone(DriveError):
    """The resumable session expired or was cancelled: the upload must start again."""


class DriveUnavailable(DriveError):
    """Drive is down, slow or rate limiting: try again later."""


@dataclass(frozen=True)
class DriveFile:
    id: str
    name: str
    mime_type: str
    size: int | None = None
    md5: str | None = None
    created: str | None = None
    modified: str | None = None
    parents: tuple[str, ...] = ()
    trashed: bool = False
    thumbnail_link: str | None = None
    head_revision_id: str | None = None

    @property
    def is_folder(self) -> bool:
        return self.mime_type == FOLDER

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DriveFile:
        size = data.get("size")
        return cls(
            id=str(data["id"]),
            name=str(data.get("name") or ""),
            mime_type=str(data.get("mimeType") or "application/octet-stream"),
            size=int(size) if size not in (None, "") else None,
            md5=data.get("md5Checksum"),
            created=data.get("createdTime"),
            modified=data.get("modifiedTime"),
            parents=tuple(data.get("parents") or ()),
            trashed=bool(data.get("trashed")),
            thumbnail_link=data.get("thumbnailLink") or None,
            head_revision_id=data.get("headRevisionId"),
        )


@dataclass(frozen=True)
class UploadProgress:
    """Where a resumable session stands: bytes Drive has kept, and the file once complete."""

    offset: int
    file: DriveFile | None = None


@dataclass(frozen=True)
class Change:
    file_id: str
    removed: bool
    file: DriveFile | None
    time: str | None = None


@dataclass
class Media:
    """A download being streamed from Drive: ``status`` 200 or 206, the headers worth
    passing on, and the body in pieces. Close it (or use ``with``) when done."""

    status: int
    headers: dict[str, str]
    _response: httpx.Response = field(repr=False)

    def iter_bytes(self, chunk_size: int = STREAM_CHUNK) -> Iterator[bytes]:
        try:
            yield from self._response.iter_bytes(chunk_size)
        finally:
            self.close()

    def close(self) -> None:
        self._response.close()  # its connection goes back to the adapter's pool

    def __enter__(self) -> Media:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def discovery_document(root_url: str | None = None) -> dict[str, Any]:
    """The bundled Drive v3 discovery document, moved to ``root_url`` when given."""
    return googleapi.discovery_document("drive.v3", root_url)


def _q(value: str) -> str:
    """A string literal for a Drive query."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Drive:
    """The portal's Drive: folders, files, resumable uploads, downloads and the changes feed.

    ``credentials`` are google-auth credentials (None: send no token, for a stand-in);
    ``http`` an httplib2-compatible object for the discovery client, used by every request
    (tests, one thread at a time); ``transport`` an httpx transport for file bytes (tests)."""

    def __init__(
        self,
        root_folder_id: str,
        *,
        credentials: Any = None,
        api_url: str | None = None,
        shared_drive_id: str | None = None,
        http: Any = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.root_folder_id = root_folder_id
        self.shared_drive_id = shared_drive_id or None
        self._credentials = credentials
        self._document = discovery_document(api_url)
        self._root = self._document["rootUrl"]
        self._http = http
        self._bytes = SharedClient(transport=transport, timeout=TIMEOUT)
        self._service: Any = None

    @classmethod
    def from_config(cls) -> Drive:
        """The Drive the settings describe; NotConnected when there is none."""
        from ... import config
        from ...errors import NotConnected

        root = config.drive_root_folder_id()
        if not root:
            raise NotConnected("Drive is not connected.", code="drive_not_connected")
        api_url = config.drive_api_url() or None
        credentials = googleapi.credentials(config.drive_service_account_json(), api_url, SCOPES)
        return cls(root, credentials=credentials, api_url=api_url, shared_drive_id=config.drive_shared_drive_id())

    # --- plumbing -------------------------------------------------------------------------

    def _files(self) -> Any:
        return self._api().files()

    def _api(self) -> Any:
        if self._service is None:
            self._service = googleapi.service(self._document, self._credentials, http=self._http, timeout=60)
        return self._service

    def _execute(self, request: Any) -> Any:
        from google.auth.exceptions import RefreshError
        from googleapiclient.errors import HttpError

        try:
            return request.execute(num_retries=2)
        except HttpError as exc:
            raise _error(exc.status_code, exc.content) from None
        except RefreshError as exc:
            raise DriveError(f"Drive refused the portal's credentials: {exc}", 401, "authError") from None
        except (OSError, TimeoutError) as exc:
            raise DriveUnavailable(f"Drive is unreachable: {exc}") from None

    def _token_headers(self) -> dict[str, str]:
        creds = self._credentials
        if creds is None:
            return {}
        if not creds.valid:
            import google.auth.transport.requests

            creds.refresh(google.auth.transport.requests.Request())
        return {"Authorization": f"Bearer {creds.token}"}

    def _send(self, method: str, url: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        try:
            headers = {**self._token_headers(), **(headers or {})}
            return self._bytes.get().request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise DriveUnavailable(f"Drive is unreachable: {type(exc).__name__}: {exc}") from None

    # --- folders and files -----------------------------------------------------------------

    def find(self, parent_id: str, name: str, *, folder: bool = False) -> DriveFile | None:
        """The (untrashed) file or folder called ``name`` directly in ``parent_id``."""
        q = f"{_q(parent_id)} in parents and name = {_q(name)} and trashed = false"
        q += f" and mimeType {'=' if folder else '!='} {_q(FOLDER)}"
        files, _ = self.list_folder(parent_id, q=q, page_size=1)
        return files[0] if files else None

    def create_folder(self, name: str, parent_id: str) -> DriveFile:
        body = {"name": name, "mimeType": FOLDER, "parents": [parent_id]}
        request = self._files().create(body=body, fields=FILE_FIELDS, supportsAllDrives=True)
        return DriveFile.from_json(self._execute(request))

    def ensure_folder(self, name: str, parent_id: str | None = None) -> str:
        """The id of folder ``name`` in ``parent_id`` (default: the root), created if missing."""
        parent = parent_id or self.root_folder_id
        found = self.find(parent, name, folder=True)
        return found.id if found else self.create_folder(name, parent).id

    def list_folder(
        self, folder_id: str, *, page_token: str | None = None, page_size: int = 100, q: str | None = None
    ) -> tuple[list[DriveFile], str | None]:
        """One page of the (untrashed) files in ``folder_id`` and the next page's token."""
        request = self._files().list(
            q=q or f"{_q(folder_id)} in parents and trashed = false",
            pageSize=page_size,
            pageToken=page_token,
            fields=f"nextPageToken,files({FILE_FIELDS})",
            orderBy="name",
            supportsAllDrives=True,
            includeItemsFromAllDrives=True,
            **({"corpora": "drive", "driveId": self.shared_drive_id} if self.shared_drive_id else {}),
        )
        data = self._execute(request)
        return [DriveFile.from_json(f) for f in data.get("files") or []], data.get("nextPageToken")

    def get(self, file_id: str) -> DriveFile:
        request = self._files().get(fileId=file_id, fields=FILE_FIELDS, supportsAllDrives=True)
        return DriveFile.from_json(self._execute(request))

    def trash(self, file_id: str) -> None:
        self._execute(self._files().update(fileId=file_id, body={"trashed": True}, supportsAllDrives=True))

    def delete(self, file_id: str) -> None:
        self._execute(self._files().delete(fileId=file_id, supportsAllDrives=True))

    def move(self, file_id: str, to_parent: str) -> DriveFile:
        """Put ``file_id`` into folder ``to_parent`` (out of every folder it was in)."""
        current = self.get(file_id)
        request = self._files().update(
            fileId=file_id,
            addParents=to_parent,
            removeParents=",".join(p for p in current.parents if p != to_parent) or None,
            fields=FILE_FIELDS,
            supportsAllDrives=True,
        )
        return DriveFile.from_json(self._execute(request))

    def revisions(self, file_id: str) -> list[dict[str, Any]]:
        """A file's kept revisions, oldest first (``id``, ``modifiedTime``, ``size``, ``md5Checksum``)."""
        out: list[dict[str, Any]] = []
        token = None
        while True:
            request = (
                self._api()
                .revisions()
                .list(
                    fileId=file_id,
                    pageToken=token,
                    fields="nextPageToken,revisions(id,modifiedTime,size,md5Checksum,mimeType,originalFilename)",
                )
            )
            data = self._execute(request)
            out.extend(data.get("revisions") or [])
            token = data.get("nextPageToken")
            if not token:
                return out

    # --- resumable uploads -----------------------------------------------------------------

    def start_upload(
        self, *, name: str, mime_type: str, size: int | None, parent_id: str | None = None, file_id: str | None = None
    ) -> str:
        """Open a resumable upload session and return its URI: a new file in ``parent_id``,
        or a new revision of ``file_id`` (same id and link, earlier revisions kept). A
        ``size`` of None: the total is told with the last chunk (an archive being written)."""
        params = "uploadType=resumable&supportsAllDrives=true&fields=" + quote(FILE_FIELDS, safe=",()")
        headers = {"X-Upload-Content-Type": mime_type}
        if size is not None:
            headers["X-Upload-Content-Length"] = str(size)
        if file_id:
            url = f"{self._root}upload/drive/v3/files/{quote(file_id, safe='')}?{params}"
            response = self._send("PATCH", url, json={"name": name, "mimeType": mime_type}, headers=headers)
        else:
            meta = {"name": name, "mimeType": mime_type, "parents": [parent_id or self.root_folder_id]}
            response = self._send("POST", f"{self._root}upload/drive/v3/files?{params}", json=meta, headers=headers)
        if response.status_code != 200 or not response.headers.get("Location"):
            raise _error(response.status_code, response.content)
        return str(response.headers["Location"])

    def put_chunk(self, session_uri: str, data: bytes, start: int, total: int | None) -> UploadProgress:
        """Relay ``data`` (bytes ``start``.. of ``total``; None: not known yet) into the
        session. Drive answers 308 with the bytes it kept until the last chunk, then the file."""
        end = start + len(data) - 1
        size = "*" if total is None else str(total)
        headers = {"Content-Range": f"bytes {start}-{end}/{size}", "Content-Length": str(len(data))}
        return self._progress(self._send("PUT", session_uri, content=data, headers=headers))

    def upload_status(self, session_uri: str, total: int) -> UploadProgress:
        """How many bytes the session has kept (the offset to resume from)."""
        headers = {"Content-Range": f"bytes */{total}", "Content-Length": "0"}
        return self._progress(self._send("PUT", session_uri, headers=headers))

    def cancel_upload(self, session_uri: str) -> None:
        """End a session without creating anything (Drive answers 499); gone already is fine."""
        response = self._send("DELETE", session_uri)
        if response.status_code not in (204, 404, 410, 499) and response.status_code >= 300:
            raise _error(response.status_code, response.content)

    def _progress(self, response: httpx.Response) -> UploadProgress:
        if response.status_code == 308:
            match = re.fullmatch(r"bytes=0-(\d+)", response.headers.get("Range", ""))
            return UploadProgress(int(match.group(1)) + 1 if match else 0)
        if response.status_code in (200, 201):
            file = DriveFile.from_json(response.json())
            return UploadProgress(file.size or 0, file)
        if response.status_code in (404, 410):
            raise UploadSessionGone("The upload session has expired.", response.status_code)
        raise _error(response.status_code, response.content)

    # --- downloads ---------------------------------------------------------------------------

    def open_media(self, file_id: str, *, byte_range: str | None = None, revision_id: str | None = None) -> Media:
        """Stream a file's bytes (or one revision's), passing ``Range`` on: 200 or 206."""
        path = f"files/{quote(file_id, safe='')}"
        if revision_id:
            path += f"/revisions/{quote(revision_id, safe='')}"
        return self._stream(f"{self._root}drive/v3/{path}?alt=media&supportsAllDrives=true", byte_range)

    def open_thumbnail(self, link: str) -> Media:
        """Stream a file's thumbnail (its ``thumbnailLink`` is short-lived, for servers)."""
        return self._stream(link, None)

    def _stream(self, url: str, byte_range: str | None) -> Media:
        client = self._bytes.get()
        headers = {**self._token_headers(), **({"Range": byte_range} if byte_range else {})}
        try:
            response = client.send(client.build_request("GET", url, headers=headers), stream=True)
        except httpx.HTTPError as exc:
            raise DriveUnavailable(f"Drive is unreachable: {type(exc).__name__}: {exc}") from None
        if response.status_code not in (200, 206):
            body = response.read()
            response.close()
            raise _error(response.status_code, body)
        keep = ("content-type", "content-length", "content-range", "accept-ranges", "etag", "last-modified")
        headers = {k: v for k, v in response.headers.items() if k.lower() in keep}
        return Media(response.status_code, headers, response)

    # --- the changes feed ----------------------------------------------------------------------

    def start_page_token(self) -> str:
        request = self._api().changes().getStartPageToken(supportsAllDrives=True, **self._drive_scope())
        return str(self._execute(request)["startPageToken"])

    def changes(self, page_token: str, page_size: int = 100) -> tuple[list[Change], str | None, str | None]:
        """One page of changes since ``page_token``: (changes, nextPageToken, newStartPageToken).
        Exactly one of the tokens is set: more pages, or where to start next time."""
        request = (
            self._api()
            .changes()
            .list(
                pageToken=page_token,
                pageSize=page_size,
                includeRemoved=True,
                supportsAllDrives=True,
                includeItemsFromAllDrives=True,
                fields=f"nextPageToken,newStartPageToken,changes(fileId,removed,time,changeType,file({FILE_FIELDS}))",
                **self._drive_scope(),
            )
        )
        data = self._execute(request)
        changes = [
            Change(
                file_id=str(c.get("fileId") or (c.get("file") or {}).get("id") or ""),
                removed=bool(c.get("removed")),
                file=DriveFile.from_json(c["file"]) if c.get("file") else None,
                time=c.get("time"),
            )
            for c in data.get("changes") or []
            if c.get("changeType", "file") == "file"
        ]
        return changes, data.get("nextPageToken"), data.get("newStartPageToken")

    def _drive_scope(self) -> dict[str, str]:
        return {"driveId": self.shared_drive_id} if self.shared_drive_id else {}


def _error(status: int, content: bytes | str | None) -> DriveError:
    """The adapter's error for a Drive error answer (Drive's JSON error shape)."""
    message, reason = f"Drive answered HTTP {status}", ""
    try:
        body = json.loads(content or b"{}")
        error = body.get("error") or {}
        if isinstance(error, dict):
            message = str(error.get("message") or message)
            reason = str(((error.get("errors") or [{}])[0]).get("reason") or "")
    except (ValueError, AttributeError, IndexError):
        pass
    if status == 404:
        return DriveNotFound(message, status, reason)
    if status in (408, 429, 500, 502, 503, 504) or reason in ("rateLimitExceeded", "userRateLimitExceeded"):
        return DriveUnavailable(message, status, reason)
    return DriveError(message, status, reason)
