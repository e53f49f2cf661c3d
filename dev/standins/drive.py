"""A stand-in for the Google Drive API (v3) over plain HTTP on 127.0.0.1.

What it speaks, from Drive's reference and upload guides, as far as the portal uses it:

* ``/drive/v3/files``: ``list`` with ``q`` (``'<id>' in parents``, ``name = '...'``,
  ``mimeType = '...'`` / ``!=``, ``trashed = false``, joined by ``and``), ``pageSize`` and
  ``pageToken``; ``create`` (metadata only: folders), ``get``, ``update`` (``name``,
  ``trashed``, ``addParents``/``removeParents``), ``delete``; ``fields`` is accepted and the
  whole resource answered; ``alt=media`` streams the bytes with ``Range`` (206, 416).
* ``/drive/v3/files/{id}/revisions`` (and ``/{revisionId}``, ``alt=media`` too).
* Resumable uploads: ``POST /upload/drive/v3/files?uploadType=resumable`` (a new file) or
  ``PATCH /upload/drive/v3/files/{id}?uploadType=resumable`` (a new revision, same id)
  answer 200 with the session in ``Location``; ``PUT`` chunks with ``Content-Range: bytes
  a-b/total`` answer 308 with ``Range: bytes=0-n`` until the last, then 200 and the file;
  ``Content-Range: bytes */total`` asks where the session stands; ``DELETE`` cancels (499).
  Chunks other than the last are kept only in whole multiples of 256 KiB, as Drive does.
* ``/drive/v3/changes/startPageToken`` and ``/drive/v3/changes?pageToken=`` (the latest
  change per file, ``removed`` for deleted files, ``nextPageToken`` or ``newStartPageToken``).
* Thumbnails for images at ``thumbnailLink``; errors in Drive's JSON error shape; 401
  without the bearer token when one is set.

File bytes live in a temporary directory, never in memory: a 1 GiB upload is written to
disk chunk by chunk and read back in pieces.

``python dev/standins/drive.py [port]`` serves an empty Drive with a root folder ``root``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx

FOLDER = "application/vnd.google-apps.folder"
QUANTUM = 256 * 1024
PIECE = 256 * 1024
DRIVE_PORT = 9913


def _md5(data: bytes = b"") -> Any:
    return hashlib.md5(data, usedforsecurity=False)  # Drive's checksum, not security


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def error(status: int, reason: str, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """An error in Drive's JSON shape."""
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"domain": "global", "reason": reason, "message": message}],
        }
    }
    return httpx.Response(status, json=body, headers=headers)


@dataclass
class Revision:
    id: str
    path: str
    size: int
    md5: str
    mime_type: str
    modified: str
    name: str


@dataclass
class Item:
    id: str
    name: str
    mime_type: str
    parents: list[str]
    created: str
    modified: str
    trashed: bool = False
    revisions: list[Revision] = field(default_factory=list)

    @property
    def head(self) -> Revision | None:
        return self.revisions[-1] if self.revisions else None


@dataclass
class Session:
    id: str
    path: str
    total: int | None
    meta: dict[str, Any]
    file_id: str | None
    received: int = 0
    md5: Any = field(default_factory=lambda: _md5())


class _Query:
    """The subset of Drive's ``q`` the portal uses: clauses joined by ``and``."""

    CLAUSE = re.compile(
        r"\s*(?:'((?:[^'\\]|\\.)*)'\s+in\s+parents"
        r"|(name|mimeType)\s*(=|!=)\s*'((?:[^'\\]|\\.)*)'"
        r"|trashed\s*=\s*(true|false))\s*(?:and\b|$)",
        re.IGNORECASE,
    )

    def __init__(self, q: str) -> None:
        self.tests: list[Any] = []
        at = 0
        q = q.strip()
        while at < len(q):
            match = self.CLAUSE.match(q, at)
            if not match or match.end() == at:
                raise ValueError(f"Invalid Value: q at {at}")
            parent, prop, op, value, trashed = match.groups()
            if parent is not None:
                self.tests.append(lambda i, p=_unquote(parent): p in i.parents)
            elif prop is not None:
                attr = "name" if prop == "name" else "mime_type"
                wanted, equal = _unquote(value), op == "="
                self.tests.append(lambda i, a=attr, w=wanted, e=equal: (getattr(i, a) == w) == e)
            else:
                self.tests.append(lambda i, t=trashed.lower() == "true": i.trashed == t)
            at = match.end()

    def __call__(self, item: Item) -> bool:
        return all(test(item) for test in self.tests)


def _unquote(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


class DriveStandIn:
    """An in-memory Drive (bytes on disk) behind the real API's paths and shapes."""

    def __init__(self, *, base_url: str = "http://127.0.0.1:9913/", token: str | None = None,
                 root_id: str = "root", page_size: int = 100) -> None:  # fmt: skip
        self.base_url = base_url.rstrip("/") + "/"
        self.token = token
        self.page_size = page_size
        self.dir = tempfile.mkdtemp(prefix="drive-standin-")
        self.items: dict[str, Item] = {}
        self.sessions: dict[str, Session] = {}
        self.log: list[tuple[str, str]] = []  # (file id, time), one entry per change
        self.lock = threading.RLock()
        self._ids = itertools.count(1)
        self.requests: list[tuple[str, str]] = []
        stamp = _now()
        self.items[root_id] = Item(root_id, "Portal", FOLDER, [], stamp, stamp)

    # --- the store, also used directly by tests and demo data ---------------------------------

    def _new_id(self) -> str:
        return f"{next(self._ids):04d}{secrets.token_hex(8)}"

    def _must_exist(self, file_id: str) -> Item:
        return self.items[file_id]  # KeyError: the 404

    def _changed(self, file_id: str) -> None:
        self.log.append((file_id, _now()))

    def add_folder(self, name: str, parent: str) -> Item:
        with self.lock:
            stamp = _now()
            item = Item(self._new_id(), name, FOLDER, [parent], stamp, stamp)
            self.items[item.id] = item
            self._changed(item.id)
            return item

    def add_file(self, name: str, parent: str, content: bytes, mime_type: str = "application/octet-stream") -> Item:
        """A file put straight into Drive (as staff would through Drive's own interface)."""
        with self.lock:
            stamp = _now()
            item = Item(self._new_id(), name, mime_type, [parent], stamp, stamp)
            path = os.path.join(self.dir, f"rev-{self._new_id()}")
            with open(path, "wb") as out:
                out.write(content)
            item.revisions.append(Revision(self._new_id(), path, len(content), _md5(content).hexdigest(),
                                           mime_type, stamp, name))  # fmt: skip
            self.items[item.id] = item
            self._changed(item.id)
            return item

    def remove(self, file_id: str) -> None:
        """Delete a file for good (as staff would in Drive)."""
        with self.lock:
            item = self.items.pop(file_id)
            for rev in item.revisions:
                os.unlink(rev.path)
            self._changed(file_id)

    def children(self, folder_id: str) -> list[Item]:
        with self.lock:
            return [i for i in self.items.values() if folder_id in i.parents and not i.trashed]

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def resource(self, item: Item) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": "drive#file",
            "id": item.id,
            "name": item.name,
            "mimeType": item.mime_type,
            "parents": list(item.parents),
            "trashed": item.trashed,
            "createdTime": item.created,
            "modifiedTime": item.modified,
            "hasThumbnail": False,
        }
        head = item.head
        if head is not None:
            data.update({"size": str(head.size), "md5Checksum": head.md5, "headRevisionId": head.id})
            if item.mime_type.startswith("image/"):
                data["hasThumbnail"] = True
                data["thumbnailLink"] = f"{self.base_url}thumbnails/{item.id}?sz=s220&v={head.id}"
        return data

    # --- HTTP --------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        if self.token is not None and request.headers.get("Authorization") != f"Bearer {self.token}":
            return error(401, "authError", "Request had invalid authentication credentials.")
        path = request.url.path
        params = {k: v[-1] for k, v in parse_qs(request.url.query.decode()).items()}
        try:
            with self.lock:
                return self._route(request, path, params)
        except KeyError as exc:
            return error(404, "notFound", f"File not found: {exc.args[0]}.")
        except ValueError as exc:
            return error(400, "invalid", str(exc))

    def _route(self, request: httpx.Request, path: str, params: dict[str, str]) -> httpx.Response:
        method = request.method
        parts = [p for p in path.split("/") if p]
        if parts[:3] == ["upload", "drive", "v3"] and parts[3:4] == ["files"]:
            if "upload_id" in params:
                return self._session(request, params["upload_id"])
            if params.get("uploadType") != "resumable":
                return error(400, "badRequest", "Only uploadType=resumable is served here.")
            return self._open_session(request, parts[4] if len(parts) > 4 else None)
        if parts[:1] == ["thumbnails"] and len(parts) == 2:
            return self._thumbnail(parts[1])
        if parts[:2] != ["drive", "v3"]:
            return error(404, "notFound", "Not Found")
        rest = parts[2:]
        if rest == ["files"] and method == "GET":
            return self._list(params)
        if rest == ["files"] and method == "POST":
            return self._create(json.loads(request.content or b"{}"))
        if len(rest) == 2 and rest[0] == "files":
            item = self.items[rest[1]]
            if method == "GET":
                if params.get("alt") == "media":
                    return self._media(item, item.head, request.headers.get("Range"))
                return httpx.Response(200, json=self.resource(item))
            if method == "PATCH":
                return self._update(item, json.loads(request.content or b"{}"), params)
            if method == "DELETE":
                self.remove(item.id)
                return httpx.Response(204)
        if len(rest) >= 3 and rest[0] == "files" and rest[2] == "revisions" and method == "GET":
            item = self.items[rest[1]]
            if len(rest) == 3:
                revisions = [self._revision(r) for r in item.revisions]
                return httpx.Response(200, json={"kind": "drive#revisionList", "revisions": revisions})
            rev = next((r for r in item.revisions if r.id == rest[3]), None)
            if rev is None:
                raise KeyError(rest[3])
            if params.get("alt") == "media":
                return self._media(item, rev, request.headers.get("Range"))
            return httpx.Response(200, json=self._revision(rev))
        if rest == ["changes", "startPageToken"]:
            return httpx.Response(200, json={"kind": "drive#startPageToken", "startPageToken": str(len(self.log))})
        if rest == ["changes"] and method == "GET":
            return self._changes(params)
        return error(404, "notFound", "Not Found")

    def _revision(self, rev: Revision) -> dict[str, Any]:
        return {"kind": "drive#revision", "id": rev.id, "mimeType": rev.mime_type, "modifiedTime": rev.modified,
                "size": str(rev.size), "md5Checksum": rev.md5, "originalFilename": rev.name}  # fmt: skip

    def _list(self, params: dict[str, str]) -> httpx.Response:
        test = _Query(params.get("q", "trashed = false"))
        found = sorted((i for i in self.items.values() if test(i)), key=lambda i: (i.name, i.id))
        size = min(int(params.get("pageSize") or self.page_size), 1000)
        start = int(params.get("pageToken") or 0)
        page = found[start : start + size]
        body: dict[str, Any] = {"kind": "drive#fileList", "files": [self.resource(i) for i in page]}
        if start + size < len(found):
            body["nextPageToken"] = str(start + size)
        return httpx.Response(200, json=body)

    def _create(self, meta: dict[str, Any]) -> httpx.Response:
        if meta.get("mimeType") != FOLDER:
            return error(400, "badRequest", "Files need content: use a resumable upload.")
        parents = meta.get("parents") or []
        for parent in parents:
            self._must_exist(parent)
        item = self.add_folder(str(meta.get("name") or "Untitled"), parents[0] if parents else "root")
        return httpx.Response(200, json=self.resource(item))

    def _update(self, item: Item, meta: dict[str, Any], params: dict[str, str]) -> httpx.Response:
        if "name" in meta:
            item.name = str(meta["name"])
        if "trashed" in meta:
            item.trashed = bool(meta["trashed"])
        for parent in filter(None, params.get("addParents", "").split(",")):
            self._must_exist(parent)
            if parent not in item.parents:
                item.parents.append(parent)
        removed = set(filter(None, params.get("removeParents", "").split(",")))
        item.parents = [p for p in item.parents if p not in removed]
        item.modified = _now()
        self._changed(item.id)
        return httpx.Response(200, json=self.resource(item))

    def _changes(self, params: dict[str, str]) -> httpx.Response:
        if "pageToken" not in params:
            return error(400, "required", "Required parameter: pageToken")
        start = int(params["pageToken"])
        size = min(int(params.get("pageSize") or self.page_size), 1000)
        window = self.log[start : start + size]
        latest: dict[str, str] = {}
        for file_id, when in window:
            latest.pop(file_id, None)
            latest[file_id] = when
        changes = []
        for file_id, when in latest.items():
            item = self.items.get(file_id)
            change: dict[str, Any] = {"kind": "drive#change", "changeType": "file", "fileId": file_id,
                                      "time": when, "removed": item is None}  # fmt: skip
            if item is not None:
                change["file"] = self.resource(item)
            changes.append(change)
        body: dict[str, Any] = {"kind": "drive#changeList", "changes": changes}
        if start + size < len(self.log):
            body["nextPageToken"] = str(start + size)
        else:
            body["newStartPageToken"] = str(len(self.log))
        return httpx.Response(200, json=body)

    # --- uploads -----------------------------------------------------------------------------

    def _open_session(self, request: httpx.Request, file_id: str | None) -> httpx.Response:
        meta = json.loads(request.content or b"{}")
        if file_id is not None:
            self._must_exist(file_id)
            if request.method != "PATCH":
                return error(405, "badRequest", "A new revision is a PATCH.")
        elif request.method != "POST":
            return error(405, "badRequest", "A new file is a POST.")
        for parent in meta.get("parents") or []:
            self._must_exist(parent)
        length = request.headers.get("X-Upload-Content-Length")
        meta.setdefault("mimeType", request.headers.get("X-Upload-Content-Type") or "application/octet-stream")
        session = Session(secrets.token_urlsafe(16), "", int(length) if length else None, meta, file_id)
        session.path = os.path.join(self.dir, f"upload-{session.id}")
        open(session.path, "wb").close()
        self.sessions[session.id] = session
        where = f"upload/drive/v3/files{'/' + file_id if file_id else ''}?uploadType=resumable&upload_id={session.id}"
        return httpx.Response(200, headers={"Location": self.base_url + where})

    def _session(self, request: httpx.Request, upload_id: str) -> httpx.Response:
        session = self.sessions.get(upload_id)
        if session is None:
            return error(404, "notFound", "The upload session does not exist or has expired.")
        if request.method == "DELETE":
            del self.sessions[upload_id]
            os.unlink(session.path)
            return httpx.Response(499)
        if request.method != "PUT":
            return error(405, "badRequest", "Upload chunks are PUT.")
        header = request.headers.get("Content-Range", "")
        status = re.fullmatch(r"bytes \*/(\d+|\*)", header)
        if status:
            return self._incomplete(session)
        match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+|\*)", header)
        data = request.content
        if not match:
            return error(400, "badContentRange", "Invalid Content-Range.")
        first, last = int(match.group(1)), int(match.group(2))
        total = None if match.group(3) == "*" else int(match.group(3))
        if last - first + 1 != len(data) or (total is not None and last >= total):
            return error(400, "badContentRange", "Content-Range does not match the body.")
        if session.total is not None and total is not None and total != session.total:
            return error(400, "badContentRange", "The total size differs from the one declared.")
        if first > session.received:
            return error(400, "badContentRange", "The chunk starts after the bytes received.")
        data = data[session.received - first :]  # bytes already kept are skipped
        final = total is not None and last + 1 == total
        if not final:
            data = data[: len(data) // QUANTUM * QUANTUM]
        with open(session.path, "ab") as out:
            out.write(data)
        session.md5.update(data)
        session.received += len(data)
        if not final:
            return self._incomplete(session)
        return self._finish(session)

    def _incomplete(self, session: Session) -> httpx.Response:
        headers = {"Range": f"bytes=0-{session.received - 1}"} if session.received else {}
        return httpx.Response(308, headers=headers)

    def _finish(self, session: Session) -> httpx.Response:
        del self.sessions[session.id]
        stamp = _now()
        meta = session.meta
        mime = str(meta.get("mimeType") or "application/octet-stream")
        if session.file_id is not None:
            item = self.items[session.file_id]
            item.name = str(meta.get("name") or item.name)
            item.mime_type = mime
            item.modified = stamp
        else:
            item = Item(self._new_id(), str(meta.get("name") or "Untitled"), mime,
                        list(meta.get("parents") or ["root"]), stamp, stamp)  # fmt: skip
            self.items[item.id] = item
        item.revisions.append(Revision(self._new_id(), session.path, session.received, session.md5.hexdigest(),
                                       mime, stamp, item.name))  # fmt: skip
        self._changed(item.id)
        return httpx.Response(200, json=self.resource(item))

    # --- downloads ---------------------------------------------------------------------------

    def _media(self, item: Item, rev: Revision | None, range_header: str | None) -> httpx.Response:
        if rev is None:
            return error(403, "fileNotDownloadable", "Only files with binary content can be downloaded.")
        size, first, last, status = rev.size, 0, rev.size - 1, 200
        headers = {"Content-Type": rev.mime_type, "Accept-Ranges": "bytes", "ETag": f'"{rev.md5}"'}
        if range_header:
            match = re.fullmatch(r"bytes=(\d*)-(\d*)", range_header.strip())
            if not match or not (match.group(1) or match.group(2)):
                return error(400, "badRange", "Invalid Range.")
            if match.group(1):
                first = int(match.group(1))
                last = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
            else:
                first = max(0, size - int(match.group(2)))
            if first >= size or last < first:
                return httpx.Response(416, headers={"Content-Range": f"bytes */{size}"})
            status = 206
            headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        headers["Content-Length"] = str(last - first + 1)
        return httpx.Response(status, headers=headers, content=_read(rev.path, first, last - first + 1))

    def _thumbnail(self, file_id: str) -> httpx.Response:
        item = self.items[file_id]
        if item.head is None or not item.mime_type.startswith("image/"):
            return error(404, "notFound", "No thumbnail.")
        return self._media(item, item.head, None)


def _read(path: str, offset: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as source:
        source.seek(offset)
        while length > 0:
            piece = source.read(min(PIECE, length))
            if not piece:
                return
            length -= len(piece)
            yield piece


def serve(standin: DriveStandIn, port: int = 0) -> ThreadingHTTPServer:
    """Serve ``standin`` on 127.0.0.1:``port`` (0: a free one) in a daemon thread, streaming
    response bodies; ``standin.base_url`` is set to where it listens. ``shutdown()`` stops it."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes on a kept connection: without TCP_NODELAY the
        # body waits for the client's delayed ACK (about 40 ms a request).
        disable_nagle_algorithm = True

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = httpx.Request(self.command, f"{standin.base_url.rstrip('/')}{self.path}",
                                    headers=dict(self.headers.items()), content=body)  # fmt: skip
            response = standin.handle(request)
            self.send_response(response.status_code)
            skip = ("transfer-encoding", "connection", "content-encoding")
            for key, value in response.headers.items():
                if key.lower() not in skip:
                    self.send_header(key, value)
            if "content-length" not in response.headers:
                payload = response.read()
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            self.end_headers()
            if self.command != "HEAD":
                for piece in response.iter_bytes():
                    self.wfile.write(piece)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _any

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    standin.base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    import sys
    import time

    port = int(sys.argv[1]) if len(sys.argv) > 1 else DRIVE_PORT
    standin = DriveStandIn()
    serve(standin, port)
    print(f"Drive stand-in on {standin.base_url} (root folder 'root')", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        standin.close()


if __name__ == "__main__":
    main()
