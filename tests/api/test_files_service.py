"""The files service against the Firestore emulator and the Drive stand-in (over HTTP on a
free port): uploads relayed chunk by chunk, resume, refusals that leave nothing behind,
revisions, isolation between organisations, deletes, moves and reconciliation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from standins import drive as standins

from portal import db
from portal.errors import BadRequest, Conflict, Forbidden, NotConnected, NotFound, PayloadTooLarge, UnsupportedMediaType
from portal.files import service
from portal.files.rules import QUANTUM
from portal.identity import Caller, Role
from portal.integrations.drive import Drive

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200

OWNER = Caller("u-owner", "owner@acme.test", Role.CLIENT_OWNER, "acme")
MEMBER = Caller("u-member", "member@acme.test", Role.CLIENT_MEMBER, "acme")
GLOBEX = Caller("u-globex", "owner@globex.test", Role.CLIENT_OWNER, "globex")
OPS = Caller("u-ops", "ops@agency.test", Role.AJ_OPS, "agency")


@pytest.fixture
def standin() -> Iterator[Any]:
    instance = standins.DriveStandIn()
    server = standins.serve(instance)
    yield instance
    server.shutdown()
    instance.close()


@pytest.fixture
def drive(standin: Any) -> Drive:
    return Drive("root", api_url=standin.base_url)


@pytest.fixture
def orgs(clean: None) -> None:
    client = db.client()
    for org_id, name, kind in (("agency", "Northlight", "agency"), ("acme", "Acme", "client"),
                               ("globex", "Globex", "client")):  # fmt: skip
        client.collection("orgs").document(org_id).set({"name": name, "kind": kind})
    site = client.collection("orgs").document("acme").collection("projects").document("acme-site")
    site.set({"id": "acme-site", "name": "Website"})
    globex = client.collection("orgs").document("globex").collection("projects").document("globex-app")
    globex.set({"id": "globex-app", "name": "App"})


def content(size: int) -> bytes:
    return (PNG + bytes(range(256)) * (size // 256 + 1))[:size]


def send(caller: Caller, upload_id: str, data: bytes, start: int, drive: Drive, total: int | None = None) -> dict:
    end = start + len(data) - 1
    header = f"bytes {start}-{end}/{total or start + len(data)}"
    return service.put_chunk(caller, upload_id, header, data, drive=drive)


def upload(caller: Caller, name: str, data: bytes, drive: Drive, project_id: str | None = None,
           chunk: int = QUANTUM) -> dict:  # fmt: skip
    started = service.start_upload(caller, name, len(data), "image/png", project_id, drive=drive)
    assert started["offset"] == 0 and started["chunkSize"] % QUANTUM == 0
    answer: dict = {}
    for start in range(0, len(data), chunk):
        answer = send(caller, started["id"], data[start : start + chunk], start, drive, len(data))
    return answer["file"]


def read(download: service.Download) -> bytes:
    try:
        return b"".join(download.iter_bytes())
    finally:
        download.close()


def mirror_ids(org: str) -> list[str]:
    return [s.id for s in db.client().collection("orgs").document(org).collection("files").stream()]


def upload_docs(org: str) -> list[str]:
    return [s.id for s in db.client().collection("orgs").document(org).collection("uploads").stream()]


def drive_files(standin: Any) -> list[Any]:
    return [i for i in standin.items.values() if i.mime_type != standins.FOLDER]


def test_upload_in_chunks_resumes_after_an_interruption_and_downloads_identical(
    orgs: None, drive: Drive, standin: Any
) -> None:
    data = content(3 * QUANTUM + 100)
    started = service.start_upload(MEMBER, "Hero image.png", len(data), "image/png", "acme-site", drive=drive)
    first = send(MEMBER, started["id"], data[:QUANTUM], 0, drive, len(data))
    assert first == {"offset": QUANTUM}
    # The second chunk reaches Drive but its answer is lost: the status asks Drive.
    session = db.client().document(f"orgs/acme/uploads/{started['id']}").get().get("sessionUri")
    drive.put_chunk(session, data[QUANTUM : 2 * QUANTUM], QUANTUM, len(data))
    status = service.upload_status(MEMBER, started["id"], drive=drive)
    assert status["offset"] == 2 * QUANTUM
    with pytest.raises(Conflict) as stale:  # the browser retries the chunk Drive already has
        send(MEMBER, started["id"], data[QUANTUM : 2 * QUANTUM], QUANTUM, drive, len(data))
    assert stale.value.details == {"offset": 2 * QUANTUM}
    send(MEMBER, started["id"], data[2 * QUANTUM : 3 * QUANTUM], 2 * QUANTUM, drive, len(data))
    done = send(MEMBER, started["id"], data[3 * QUANTUM :], 3 * QUANTUM, drive, len(data))
    file = done["file"]
    assert file["name"] == "Hero image.png" and file["size"] == len(data) and file["mimeType"] == "image/png"
    assert file["projectId"] == "acme-site" and file["uploadedBy"]["uid"] == MEMBER.uid and file["hasThumbnail"]
    assert upload_docs("acme") == []
    listed = service.list_files(OWNER, project_id="acme-site")
    assert [f["id"] for f in listed["items"]] == [file["id"]]
    whole = service.open_download(OWNER, file["id"], drive=drive)
    assert whole.status == 200 and whole.headers["Content-Length"] == str(len(data))
    assert whole.headers["X-Content-Type-Options"] == "nosniff"
    assert whole.headers["Content-Disposition"].startswith('attachment; filename="Hero image.png"')
    assert read(whole) == data
    part = service.open_download(OWNER, file["id"], "bytes=100-199", drive=drive)
    assert part.status == 206 and part.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert read(part) == data[100:200]
    with pytest.raises(service.RangeNotSatisfiable):
        service.open_download(OWNER, file["id"], f"bytes={len(data)}-", drive=drive)
    thumb = service.open_thumbnail(OWNER, file["id"], drive=drive)
    assert thumb.headers["Content-Type"] == "image/png" and read(thumb)[:8] == PNG[:8]
    # The project and organisation folders were created once and kept.
    assert db.client().document("orgs/acme/projects/acme-site").get().get("driveFolderId") == file_parent(standin)


def file_parent(standin: Any) -> str:
    return str(drive_files(standin)[0].parents[0])


def test_a_spoofed_type_is_refused_and_leaves_nothing(orgs: None, drive: Drive, standin: Any) -> None:
    started = service.start_upload(OWNER, "invoice.png", len(EXE), "image/png", drive=drive)
    with pytest.raises(UnsupportedMediaType):
        send(OWNER, started["id"], EXE, 0, drive)
    assert upload_docs("acme") == [] and mirror_ids("acme") == []
    assert drive_files(standin) == [] and standin.sessions == {}


def test_a_declared_type_that_is_not_the_content_is_refused(orgs: None, drive: Drive, standin: Any) -> None:
    started = service.start_upload(OWNER, "logo.png", len(PNG), "application/pdf", drive=drive)
    with pytest.raises(UnsupportedMediaType):
        send(OWNER, started["id"], PNG, 0, drive)
    assert upload_docs("acme") == [] and drive_files(standin) == [] and standin.sessions == {}


def test_oversize_and_forbidden_names_are_refused_before_anything_is_kept(
    orgs: None, drive: Drive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FILES_MAX_BYTES", str(QUANTUM))
    with pytest.raises(PayloadTooLarge):
        service.start_upload(OWNER, "big.png", QUANTUM + 1, "image/png", drive=drive)
    with pytest.raises(UnsupportedMediaType):
        service.start_upload(OWNER, "setup.exe", 10, "", drive=drive)
    with pytest.raises(NotFound):
        service.start_upload(OWNER, "a.png", 10, "", "no-such-project", drive=drive)
    assert upload_docs("acme") == []


def test_a_truncated_chunk_is_refused_and_a_cancelled_upload_leaves_nothing(
    orgs: None, drive: Drive, standin: Any
) -> None:
    data = content(2 * QUANTUM)
    started = service.start_upload(OWNER, "cut.png", len(data), "image/png", drive=drive)
    send(OWNER, started["id"], data[:QUANTUM], 0, drive, len(data))
    with pytest.raises(BadRequest) as truncated:
        service.put_chunk(OWNER, started["id"], f"bytes {QUANTUM}-{2 * QUANTUM - 1}/{len(data)}",
                          data[QUANTUM : QUANTUM + 1000], drive=drive)  # fmt: skip
    assert truncated.value.code == "truncated_chunk"
    assert service.upload_status(OWNER, started["id"], drive=drive)["offset"] == QUANTUM
    assert drive_files(standin) == [] and mirror_ids("acme") == []
    service.cancel_upload(OWNER, started["id"], drive=drive)
    assert upload_docs("acme") == [] and standin.sessions == {} and drive_files(standin) == []


def test_out_of_order_and_malformed_chunks(orgs: None, drive: Drive, standin: Any) -> None:
    data = content(3 * QUANTUM)
    started = service.start_upload(OWNER, "order.png", len(data), "", drive=drive)
    with pytest.raises(Conflict) as ahead:
        send(OWNER, started["id"], data[QUANTUM : 2 * QUANTUM], QUANTUM, drive, len(data))
    assert ahead.value.details == {"offset": 0}
    with pytest.raises(BadRequest):  # a total other than the size declared
        send(OWNER, started["id"], data[:QUANTUM], 0, drive, len(data) + 1)
    with pytest.raises(BadRequest):  # not a multiple of 256 KiB
        send(OWNER, started["id"], data[:1000], 0, drive, len(data))
    assert standin.sessions == {} and drive_files(standin) == []
    with pytest.raises(NotFound):  # only the uploader continues an upload
        send(MEMBER, started["id"], data[:QUANTUM], 0, drive, len(data))


def test_the_same_name_in_the_same_folder_makes_a_new_revision(orgs: None, drive: Drive, standin: Any) -> None:
    first = upload(OWNER, "logo.png", content(1000), drive)
    second = upload(OWNER, "logo.png", content(2000), drive)
    assert second["id"] == first["id"] and second["size"] == 2000
    assert mirror_ids("acme") == [first["id"]] and len(drive_files(standin)) == 1
    revisions = service.list_revisions(OWNER, first["id"], drive=drive)
    assert [int(r["size"]) for r in revisions] == [1000, 2000]
    old = service.open_download(OWNER, first["id"], revision_id=revisions[0]["id"], drive=drive)
    assert read(old) == content(1000)
    elsewhere = upload(OWNER, "logo.png", content(500), drive, project_id="acme-site")
    assert elsewhere["id"] != first["id"]  # another folder, another file
    members = upload(MEMBER, "logo.png", content(300), drive)  # not the member's file to revise
    assert members["id"] != first["id"] and members["name"] == "logo (2).png"
    assert len(service.list_revisions(OWNER, first["id"], drive=drive)) == 2


def test_another_organisations_ids_are_not_found(orgs: None, drive: Drive) -> None:
    file = upload(OWNER, "secret.png", content(700), drive)
    started = service.start_upload(OWNER, "pending.png", 700, "", drive=drive)
    for call in (
        lambda: service.get_file(GLOBEX, file["id"]),
        lambda: service.open_download(GLOBEX, file["id"], drive=drive),
        lambda: service.open_thumbnail(GLOBEX, file["id"], drive=drive),
        lambda: service.list_revisions(GLOBEX, file["id"], drive=drive),
        lambda: service.delete_file(GLOBEX, file["id"], drive=drive),
        lambda: service.upload_status(GLOBEX, started["id"], drive=drive),
        lambda: send(GLOBEX, started["id"], content(700), 0, drive),
        lambda: service.list_files(GLOBEX, org_id="acme"),
        lambda: service.start_upload(GLOBEX, "x.png", 10, "", "acme-site", drive=drive),
    ):
        with pytest.raises(NotFound):
            call()
    assert service.list_files(GLOBEX)["items"] == []
    assert service.get_file(OPS, file["id"])["name"] == "secret.png"
    assert [f["id"] for f in service.list_files(OPS, org_id="acme")["items"]] == [file["id"]]


def test_listing_pages_by_name(orgs: None, drive: Drive) -> None:
    for name in ("c.png", "a.png", "b.png"):
        upload(OWNER, name, content(300), drive)
    first = service.list_files(MEMBER, limit=2)
    assert [f["name"] for f in first["items"]] == ["a.png", "b.png"] and first["nextCursor"]
    rest = service.list_files(MEMBER, limit=2, cursor=first["nextCursor"])
    assert [f["name"] for f in rest["items"]] == ["c.png"] and rest["nextCursor"] is None
    with pytest.raises(BadRequest):
        service.list_files(MEMBER, cursor="nonsense")


def test_who_may_delete(orgs: None, drive: Drive, standin: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = upload(MEMBER, "mine.png", content(300), drive)
    theirs = upload(MEMBER, "theirs.png", content(300), drive)
    with pytest.raises(Forbidden):
        service.delete_file(OWNER, theirs["id"], drive=drive)  # not the uploader
    service.delete_file(MEMBER, mine["id"], drive=drive)  # own, just now
    assert standin.items[mine["id"]].trashed and mine["id"] not in mirror_ids("acme")
    later = db.now() + 16 * 60
    monkeypatch.setattr(db, "now", lambda: later)
    with pytest.raises(Forbidden):
        service.delete_file(MEMBER, theirs["id"], drive=drive)  # own, too late
    service.delete_file(OPS, theirs["id"], drive=drive)
    assert mirror_ids("acme") == []


def test_staff_move_files_between_projects(orgs: None, drive: Drive, standin: Any) -> None:
    file = upload(OWNER, "move.png", content(300), drive)
    with pytest.raises(Forbidden):
        service.move_file(OWNER, file["id"], "acme-site", drive=drive)
    moved = service.move_file(OPS, file["id"], "acme-site", drive=drive)
    assert moved["projectId"] == "acme-site"
    site_folder = db.client().document("orgs/acme/projects/acme-site").get().get("driveFolderId")
    assert standin.items[file["id"]].parents == [site_folder]
    with pytest.raises(NotFound):
        service.move_file(OPS, file["id"], "globex-app", drive=drive)  # not a project of acme
    upload(OWNER, "move.png", content(400), drive)  # a new file of that name in the org folder
    with pytest.raises(Conflict):
        service.move_file(OPS, file["id"], None, drive=drive)


def test_reconcile_follows_what_staff_do_in_drive(orgs: None, drive: Drive, standin: Any) -> None:
    assert service.reconcile("acme", drive=drive) == {"added": 0, "updated": 0, "removed": 0}  # no folder yet
    kept = upload(OWNER, "kept.png", content(300), drive)
    dropped = upload(OWNER, "dropped.png", content(300), drive, project_id="acme-site")
    first = service.reconcile("acme", drive=drive)  # lists the folders once
    assert first["removed"] == 0 and sorted(mirror_ids("acme")) == sorted([kept["id"], dropped["id"]])
    org_folder = db.client().document("orgs/acme").get().get("driveFolderId")
    site_folder = db.client().document("orgs/acme/projects/acme-site").get().get("driveFolderId")
    added = standin.add_file("brief.pdf", site_folder, b"%PDF-1.7\n", "application/pdf")
    standin.add_file("elsewhere.pdf", "root", b"%PDF-1.7\n", "application/pdf")  # not acme's
    standin.remove(dropped["id"])
    trashed = upload(OWNER, "trashed.png", content(300), drive)
    drive.trash(trashed["id"])
    counts = service.reconcile("acme", drive=drive)
    assert counts["added"] == 1 and counts["removed"] == 2
    assert sorted(mirror_ids("acme")) == sorted([kept["id"], added.id])
    mirrored = service.get_file(MEMBER, added.id)
    assert mirrored["projectId"] == "acme-site" and mirrored["uploadedBy"] is None and mirrored["kind"] == "pdf"
    assert service.reconcile("acme", drive=drive) == {"added": 0, "updated": 0, "removed": 0}  # idempotent
    assert service.reconcile("globex", drive=drive)["added"] == 0 and mirror_ids("globex") == []
    assert org_folder != site_folder


def test_without_drive_settings_files_are_not_connected(orgs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRIVE_ROOT_FOLDER_ID", raising=False)
    monkeypatch.setattr(service, "_DRIVE", [])
    with pytest.raises(NotConnected):
        service.start_upload(OWNER, "a.png", 10, "image/png")
    assert upload_docs("acme") == []
