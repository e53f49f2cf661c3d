"""The export archive written as it is produced: a zip that any unzip reads, sent to Drive in
chunks of whole 256 KiB quanta with the total told only with the last one, memory bounded
by one chunk; and the registry of personal data sources, open to features that come later."""

from __future__ import annotations

import io
import os
import sys
import types
import zipfile
from dataclasses import dataclass
from typing import Any

from portal.privacy import sources
from portal.privacy.archive import QUANTUM, Archive, DriveSink


@dataclass
class Progress:
    offset: int
    file: Any = None


class FakeDrive:
    def __init__(self) -> None:
        self.received = bytearray()
        self.calls: list[tuple[int, int, int | None]] = []
        self.cancelled = False

    def start_upload(self, *, name: str, mime_type: str, size: int | None, parent_id: str | None) -> str:
        assert size is None and mime_type == "application/zip" and parent_id == "folder"
        return "session"

    def put_chunk(self, session: str, data: bytes, start: int, total: int | None) -> Progress:
        assert start == len(self.received)
        self.calls.append((start, len(data), total))
        self.received += data
        if total is None:
            return Progress(len(self.received))
        assert total == len(self.received)
        return Progress(total, types.SimpleNamespace(id="drive-file"))

    def cancel_upload(self, session: str) -> None:
        self.cancelled = True


def test_a_large_archive_goes_to_drive_in_whole_quanta_and_unzips() -> None:
    drive = FakeDrive()
    sink = DriveSink(drive, "folder", "export.zip", chunk=2 * QUANTUM)
    archive = Archive(sink)
    blob = os.urandom(3 * 1024 * 1024 + 17)  # incompressible: the zip is bigger than a few chunks
    pieces = [blob[i : i + 100_000] for i in range(0, len(blob), 100_000)]
    archive.stream("files/Organisation/raw.bin", pieces)
    archive.json("projects.json", ({"id": f"p{i}", "name": "Ünïcode"} for i in range(1000)))
    archive.csv("projects.csv", ["id", "name"], ({"id": f"p{i}", "name": "a,b"} for i in range(10)))
    archive.close()
    assert len(sink.buffer) <= 2 * QUANTUM
    stored = sink.finish()
    assert stored == {"storage": "drive", "driveFileId": "drive-file", "size": len(drive.received)}
    *middle, last = drive.calls
    assert middle and all(size == 2 * QUANTUM and total is None for _, size, total in middle)
    assert last[2] == len(drive.received) and last[1] >= 1
    unzipped = zipfile.ZipFile(io.BytesIO(bytes(drive.received)))
    assert unzipped.testzip() is None
    assert unzipped.read("files/Organisation/raw.bin") == blob
    assert unzipped.read("projects.csv").decode("utf-8-sig").splitlines()[1] == 'p0,"a,b"'
    assert '"Ünïcode"' in unzipped.read("projects.json").decode()


def test_same_names_in_an_archive_are_kept_apart() -> None:
    out = io.BytesIO()
    archive = Archive(out)
    for _ in range(3):
        archive.stream(archive.unique("files/x/brief.pdf"), [b"%PDF"])
    archive.close()
    assert zipfile.ZipFile(out).namelist() == ["files/x/brief.pdf", "files/x/brief (2).pdf", "files/x/brief (3).pdf"]


def test_a_later_feature_plugs_in_with_one_line() -> None:
    person = sources.Person("u1", "acme", "u@acme.test")
    source = sources.external("test-plugin", "portal_test_plugin_module")
    assert list(source.export(person)) == [] and source.erase(person) == 0  # type: ignore[misc]
    plugin = types.ModuleType("portal_test_plugin_module")
    plugin.export_user = lambda uid: [{"uid": uid, "said": "hello"}]  # type: ignore[attr-defined]
    plugin.erase_user = lambda uid: 3  # type: ignore[attr-defined]
    sys.modules["portal_test_plugin_module"] = plugin
    try:
        assert list(source.export(person)) == [{"uid": "u1", "said": "hello"}]  # type: ignore[misc]
        assert source.erase(person) == 3  # type: ignore[misc]
        plugin.export_user = lambda uid: {"conversations": [{"id": "c1"}, {"id": "c2"}]}  # type: ignore[attr-defined]
        assert list(source.export(person)) == [{"id": "c1"}, {"id": "c2"}]  # type: ignore[misc]
    finally:
        del sys.modules["portal_test_plugin_module"]
        sources.SOURCES.pop("test-plugin")


def test_the_assistant_and_every_feature_are_registered() -> None:
    assert {"profile", "messages", "approval-comments", "approval-decisions", "notifications", "uploads", "audit",
            "assistant", "exports"} <= set(sources.SOURCES)  # fmt: skip
    assert sources.SOURCES["approval-decisions"].erase is None  # the decision record is kept
    assert "both sides rely on" in sources.SOURCES["approval-decisions"].kept
