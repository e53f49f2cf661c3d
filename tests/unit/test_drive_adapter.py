"""The Drive adapter through google-api-python-client and httpx against the Drive stand-in,
served over HTTP on a free port (the same wire protocol as Google's)."""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "functions"))

from standins import drive as standin_module  # noqa: E402

from portal.errors import NotConnected  # noqa: E402
from portal.integrations.drive import Drive, DriveError, DriveNotFound, UploadSessionGone  # noqa: E402

KIB = 1024


@pytest.fixture
def standin() -> Iterator[object]:
    instance = standin_module.DriveStandIn(token="t0ken")  # type: ignore[attr-defined]
    server = standin_module.serve(instance)  # type: ignore[attr-defined]
    yield instance
    server.shutdown()
    instance.close()


@pytest.fixture
def drive(standin: object) -> Drive:
    from google.oauth2.credentials import Credentials

    return Drive("root", credentials=Credentials(token="t0ken"), api_url=standin.base_url)  # type: ignore[attr-defined]


def upload(drive: Drive, name: str, content: bytes, parent: str, chunk: int = 256 * KIB, file_id: str | None = None):
    session = drive.start_upload(name=name, mime_type="image/png", size=len(content), parent_id=parent, file_id=file_id)
    progress = None
    for start in range(0, len(content), chunk):
        progress = drive.put_chunk(session, content[start : start + chunk], start, len(content))
    assert progress is not None and progress.file is not None
    return progress.file


def test_folders_are_found_or_created_once(drive: Drive) -> None:
    org = drive.ensure_folder("Acme (acme)")
    assert drive.ensure_folder("Acme (acme)") == org
    project = drive.ensure_folder("Site (site-1)", org)
    assert project != org and drive.ensure_folder("Site (site-1)", org) == project
    assert drive.get(project).parents == (org,)
    assert drive.find(org, "Site (site-1)", folder=True).id == project  # type: ignore[union-attr]
    assert drive.find(org, "Site (site-1)") is None  # not a file
    assert drive.find(org, "it's \\ odd", folder=True) is None  # quoting


def test_resumable_upload_308_until_the_last_chunk_then_the_file(drive: Drive) -> None:
    folder = drive.ensure_folder("Acme")
    content = bytes(range(256)) * (3 * KIB) + b"tail"  # 768 KiB + 4 bytes
    session = drive.start_upload(name="a.png", mime_type="image/png", size=len(content), parent_id=folder)
    first = drive.put_chunk(session, content[: 256 * KIB], 0, len(content))
    assert first.offset == 256 * KIB and first.file is None
    assert drive.upload_status(session, len(content)).offset == 256 * KIB  # resume point
    second = drive.put_chunk(session, content[256 * KIB : 768 * KIB], 256 * KIB, len(content))
    assert second.offset == 768 * KIB
    done = drive.put_chunk(session, content[768 * KIB :], 768 * KIB, len(content))
    assert done.file is not None and done.file.size == len(content)
    assert done.file.md5 == hashlib.md5(content, usedforsecurity=False).hexdigest() and done.file.parents == (folder,)
    files, token = drive.list_folder(folder)
    assert [f.id for f in files] == [done.file.id] and token is None
    assert done.file.thumbnail_link  # images have one


def test_a_chunk_not_a_multiple_of_256_kib_is_kept_only_in_whole_quanta(drive: Drive) -> None:
    content = b"x" * (600 * KIB)
    session = drive.start_upload(name="b.png", mime_type="image/png", size=len(content), parent_id="root")
    progress = drive.put_chunk(session, content[: 300 * KIB], 0, len(content))
    assert progress.offset == 256 * KIB  # Drive kept 256 KiB: resume from there


def test_new_revision_keeps_the_id_and_earlier_bytes(drive: Drive) -> None:
    first = upload(drive, "logo.png", b"one" * 1000, "root")
    second = upload(drive, "logo.png", b"two" * 2000, "root", file_id=first.id)
    assert second.id == first.id and second.size == 6000
    revisions = drive.revisions(first.id)
    assert [int(r["size"]) for r in revisions] == [3000, 6000]
    with drive.open_media(first.id, revision_id=revisions[0]["id"]) as media:
        assert b"".join(media.iter_bytes()) == b"one" * 1000


def test_download_streams_with_range(drive: Drive) -> None:
    content = bytes(range(256)) * 4 * KIB  # 1 MiB
    file = upload(drive, "c.png", content, "root")
    with drive.open_media(file.id) as media:
        assert media.status == 200 and media.headers["content-length"] == str(len(content))
        assert b"".join(media.iter_bytes(64 * KIB)) == content
    with drive.open_media(file.id, byte_range="bytes=1000-1999") as media:
        assert media.status == 206 and media.headers["content-range"] == f"bytes 1000-1999/{len(content)}"
        assert b"".join(media.iter_bytes()) == content[1000:2000]
    with drive.open_media(file.id, byte_range="bytes=-10") as media:
        assert b"".join(media.iter_bytes()) == content[-10:]
    with pytest.raises(DriveError) as refused:
        drive.open_media(file.id, byte_range=f"bytes={len(content)}-")
    assert refused.value.status == 416


def test_cancelled_session_creates_nothing(drive: Drive, standin: object) -> None:
    session = drive.start_upload(name="d.png", mime_type="image/png", size=512 * KIB, parent_id="root")
    drive.put_chunk(session, b"x" * 256 * KIB, 0, 512 * KIB)
    drive.cancel_upload(session)
    with pytest.raises(UploadSessionGone):
        drive.put_chunk(session, b"x" * 256 * KIB, 256 * KIB, 512 * KIB)
    assert drive.list_folder("root")[0] == []


def test_trash_move_delete_and_errors(drive: Drive) -> None:
    a, b = drive.ensure_folder("A"), drive.ensure_folder("B")
    file = upload(drive, "e.png", b"e" * 10, a)
    moved = drive.move(file.id, b)
    assert moved.parents == (b,)
    drive.trash(file.id)
    assert drive.get(file.id).trashed and drive.list_folder(b)[0] == []
    drive.delete(file.id)
    with pytest.raises(DriveNotFound):
        drive.get(file.id)


def test_changes_feed_reports_additions_trash_and_removals(drive: Drive, standin: object) -> None:
    folder = drive.ensure_folder("Feed")
    token = drive.start_page_token()
    kept = upload(drive, "kept.png", b"k" * 10, folder)
    gone = upload(drive, "gone.png", b"g" * 10, folder)
    drive.delete(gone.id)
    changes, next_page, new_start = drive.changes(token)
    assert next_page is None and new_start is not None
    by_id = {c.file_id: c for c in changes}
    assert by_id[gone.id].removed and by_id[gone.id].file is None
    assert not by_id[kept.id].removed and by_id[kept.id].file.parents == (folder,)  # type: ignore[union-attr]
    assert drive.changes(new_start)[0] == []


def test_one_adapter_answers_each_of_many_threads_correctly(drive: Drive) -> None:
    """An instance's threads share its adapter. Each thread makes its folder, then uploads,
    reads back, lists and downloads its own files, all at once with the others; every call
    must get its own answer. With one ``httplib2.Http`` shared by the threads (as before),
    their requests went over the same connection: a thread read another's answer or waited
    for one already read (and hung until the 60 s timeout)."""
    threads, rounds = 12, 3
    start = threading.Barrier(threads)
    failures: list[str] = []

    def work(n: int) -> None:
        try:
            start.wait()
            folder = drive.ensure_folder(f"Thread {n}")
            for r in range(rounds):
                content = f"thread {n}, round {r};".encode() * 50
                file = upload(drive, f"{r}.png", content, folder)
                got, md5 = drive.get(file.id), hashlib.md5(content, usedforsecurity=False).hexdigest()
                assert (got.name, got.parents, got.md5) == (f"{r}.png", (folder,), md5)
                assert [f.name for f in drive.list_folder(folder)[0]] == [f"{k}.png" for k in range(r + 1)]
                with drive.open_media(file.id) as media:
                    assert b"".join(media.iter_bytes()) == content
        except Exception as exc:
            failures.append(f"thread {n}: {type(exc).__name__}: {exc}")

    workers = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(threads)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 30
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
    stuck = sum(worker.is_alive() for worker in workers)
    assert not failures and not stuck, f"{stuck} threads still waiting; " + "; ".join(failures)
    assert len(drive.list_folder("root")[0]) == threads


def test_the_token_is_sent_and_required(standin: object) -> None:
    from google.oauth2.credentials import Credentials

    wrong = Drive("root", credentials=Credentials(token="nope"), api_url=standin.base_url)  # type: ignore[attr-defined]
    for call in (lambda: wrong.list_folder("root"), lambda: wrong.open_media("root")):
        with pytest.raises(DriveError) as refused:
            call()
        assert refused.value.status == 401


def test_not_configured_is_not_connected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRIVE_ROOT_FOLDER_ID", raising=False)
    with pytest.raises(NotConnected):
        Drive.from_config()
