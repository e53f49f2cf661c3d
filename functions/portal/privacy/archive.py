"""A zip archive written as it is produced, to a sink that sends it on in bounded pieces:
Drive (a resumable upload whose total is told with the last chunk) or, where Drive is
not connected, numbered parts in Firestore. Memory stays bounded by one chunk (plus the
compressor's window) whatever the archive's size.

``zipfile`` writes to a sink that cannot seek by putting each entry's sizes after its
data (a data descriptor), which every unzip tool reads.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from .. import db, logs

QUANTUM = 256 * 1024
DRIVE_CHUNK = 8 * QUANTUM
"""Bytes sent to Drive per request (a multiple of 256 KiB, as resumable uploads require)."""
PART_BYTES = 512 * 1024
"""Bytes per Firestore part (a document holds at most 1 MiB)."""


class DriveSink:
    """The archive as a new Drive file in ``folder_id``, sent chunk by chunk."""

    storage = "drive"

    def __init__(self, drive: Any, folder_id: str, name: str, chunk: int = DRIVE_CHUNK) -> None:
        self.drive, self.chunk = drive, chunk
        self.session = drive.start_upload(name=name, mime_type="application/zip", size=None, parent_id=folder_id)
        self.buffer = bytearray()
        self.sent = 0

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) > self.chunk:  # keep at least one byte for the last chunk
            piece = bytes(self.buffer[: self.chunk])
            progress = self.drive.put_chunk(self.session, piece, self.sent, None)
            if progress.offset != self.sent + len(piece):
                raise RuntimeError(f"Drive kept {progress.offset} bytes of {self.sent + len(piece)}")
            del self.buffer[: self.chunk]
            self.sent += len(piece)
        return len(data)

    def flush(self) -> None:
        return None

    def finish(self) -> dict[str, Any]:
        total = self.sent + len(self.buffer)
        progress = self.drive.put_chunk(self.session, bytes(self.buffer), self.sent, total)
        if progress.file is None:
            raise RuntimeError("Drive did not finish the archive")
        self.buffer = bytearray()
        return {"storage": self.storage, "driveFileId": progress.file.id, "size": total}

    def abort(self) -> None:
        self.drive.cancel_upload(self.session)


class FirestoreSink:
    """The archive as numbered parts under the export's document (Drive not connected:
    then the archive holds the portal's data and no files, so it stays small)."""

    storage = "firestore"

    def __init__(self, export_ref: Any, part_bytes: int = PART_BYTES) -> None:
        self.parts = db.export_parts(export_ref)
        self.part_bytes = part_bytes
        self.buffer = bytearray()
        self.count = 0
        self.size = 0

    def _put(self, piece: bytes) -> None:
        self.parts.document(f"{self.count:06d}").set({"n": self.count, "data": piece})
        self.count += 1
        self.size += len(piece)

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) >= self.part_bytes:
            self._put(bytes(self.buffer[: self.part_bytes]))
            del self.buffer[: self.part_bytes]
        return len(data)

    def flush(self) -> None:
        return None

    def finish(self) -> dict[str, Any]:
        if self.buffer:
            self._put(bytes(self.buffer))
            self.buffer = bytearray()
        return {"storage": self.storage, "parts": self.count, "size": self.size}

    def abort(self) -> None:
        db.delete_matching(self.parts)


def _plain(value: Any) -> Any:
    value = db.to_json(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else value


class Archive:
    """The zip being written: JSON lists and CSV tables streamed row by row, files streamed
    piece by piece."""

    def __init__(self, sink: Any) -> None:
        self.zip = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.names: set[str] = set()

    def _entry(self, name: str) -> Any:
        self.names.add(name)
        return self.zip.open(name, "w", force_zip64=True)

    def unique(self, name: str) -> str:
        if name not in self.names:
            return name
        stem, dot, ext = name.rpartition(".")
        stem, ext = (stem, "." + ext) if dot and "/" not in ext else (name, "")
        n = 2
        while f"{stem} ({n}){ext}" in self.names:
            n += 1
        return f"{stem} ({n}){ext}"

    def json(self, name: str, rows: Iterable[Any]) -> int:
        """``rows`` as a JSON list, one item per line; how many."""
        count = 0
        with self._entry(name) as out:
            out.write(b"[")
            for row in rows:
                out.write((",\n" if count else "\n").encode() + json.dumps(db.to_json(row), ensure_ascii=False,
                                                                             default=str).encode())  # fmt: skip
                count += 1
            out.write(b"\n]\n")
        return count

    def document(self, name: str, value: Any) -> None:
        with self._entry(name) as out:
            out.write(json.dumps(db.to_json(value), ensure_ascii=False, indent=2, default=str).encode())

    def csv(self, name: str, columns: list[str], rows: Iterable[dict[str, Any]]) -> int:
        """A table a spreadsheet opens (UTF-8 with a byte-order mark, so Excel reads accents)."""
        count = 0
        with self._entry(name) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            writer = csv.writer(text)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_plain(row.get(c)) for c in columns])
                count += 1
            text.flush()
            text.detach()
        return count

    def stream(self, name: str, pieces: Iterable[bytes]) -> int:
        size = 0
        with self._entry(self.unique(name)) as out:
            for piece in pieces:
                out.write(piece)
                size += len(piece)
        return size

    def close(self) -> None:
        self.zip.close()


def remove_archive(ref: Any, data: dict[str, Any], drive: Any) -> None:
    """Delete an export's archive (``data`` says where it is stored)."""
    if data.get("storage") == "drive" and data.get("driveFileId"):
        from ..files import service as files
        from ..integrations.drive import DriveNotFound

        with contextlib.suppress(DriveNotFound):
            (drive or files.connect()).delete(str(data["driveFileId"]))
    db.delete_matching(db.export_parts(ref))


def erase_exports_of(uid: str) -> int:
    """A deleted person's exports: archives and records (their personal-data source)."""
    removed = 0
    for snap in db.across_orgs(db.EXPORTS).where(filter=db.eq("requesterUid", uid)).stream():
        try:
            remove_archive(snap.reference, snap.to_dict() or {}, None)
        except Exception as exc:  # Drive not connected: the record still goes
            logs.warning("export archive not removed", path=snap.reference.path, error=repr(exc)[:300])
        snap.reference.delete()
        removed += 1
    return removed
