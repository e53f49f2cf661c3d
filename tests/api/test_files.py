"""The Files API through Hosting and the functions emulator, against the Drive stand-in
(dev/standins/drive.py on 127.0.0.1:9913): each role, another organisation's ids, no
credentials, resume after an interruption, every refusal leaving nothing behind, and
downloads byte-identical with Range."""

from __future__ import annotations

from typing import Any

import flask
import httpx
import pytest
from helpers import bearer, error_code

from portal import db
from portal.files.demo import docx, pdf, png

pytestmark = pytest.mark.usefixtures("world")
KIB = 1024
QUANTUM = 256 * KIB
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 4000


@pytest.fixture
def who() -> Any:
    tokens: dict[str, dict[str, str]] = {}

    def headers(email: str) -> dict[str, str]:
        if email not in tokens:
            tokens[email] = bearer(email)
        return tokens[email]

    return headers


def image(size: int) -> bytes:
    head = png()
    return (head + bytes(range(256)) * (size // 256 + 1))[:size] if size > len(head) else head


def start(http: httpx.Client, headers: dict[str, str], name: str, size: int, **extra: Any) -> httpx.Response:
    return http.post("/api/files/upload", json={"name": name, "size": size, **extra}, headers=headers)


def put(
    http: httpx.Client,
    headers: dict[str, str],
    upload_id: str,
    data: bytes,
    first: int,
    total: int,
    content_range: str | None = None,
) -> httpx.Response:
    header = content_range or f"bytes {first}-{first + len(data) - 1}/{total}"
    return http.put(
        f"/api/files/upload/{upload_id}",
        content=data,
        headers={**headers, "Content-Range": header, "Content-Type": "application/octet-stream"},
    )


def upload(
    http: httpx.Client, headers: dict[str, str], name: str, data: bytes, *, chunk: int = QUANTUM, **extra: Any
) -> dict[str, Any]:
    r = start(http, headers, name, len(data), **extra)
    assert r.status_code == 201, r.text
    upload_id, offset = r.json()["upload"]["id"], 0
    while True:
        r = put(http, headers, upload_id, data[offset : offset + chunk], offset, len(data))
        if r.status_code == 201:
            return dict(r.json()["file"])
        assert r.status_code == 200, r.text
        offset = r.json()["offset"]


def drive_files(standin: Any) -> list[Any]:
    """Files (not folders) in the stand-in, untrashed."""
    with standin.lock:
        return [i for i in standin.items.values() if not i.mime_type.endswith(".folder") and not i.trashed]


def mirror(org: str = "acme") -> list[str]:
    return [s.id for s in db.client().collection("orgs").document(org).collection("files").stream()]


def uploads(org: str = "acme") -> list[str]:
    return [s.id for s in db.client().collection("orgs").document(org).collection("uploads").stream()]


# --- each role ---------------------------------------------------------------------------------


def test_a_client_uploads_and_every_role_of_the_organisation_reads(http: httpx.Client, drive: Any, who: Any) -> None:
    data = image(3 * QUANTUM + 1000)
    file = upload(http, who("owner@acme.test"), "Hero.png", data, projectId="acme-rebrand")
    assert file["name"] == "Hero.png" and file["mimeType"] == "image/png" and file["size"] == len(data)
    assert file["projectId"] == "acme-rebrand" and file["uploadedBy"]["email"] == "owner@acme.test"
    assert file["inline"] and file["canDelete"]
    for email, query in (
        ("owner@acme.test", {}),
        ("member@acme.test", {}),
        ("ops@agency.test", {"orgId": "acme"}),
        ("admin@agency.test", {"orgId": "acme"}),
    ):
        r = http.get("/api/files", params=query, headers=who(email))
        assert r.status_code == 200, (email, r.text)
        body = r.json()
        assert body["connected"] is True and [f["id"] for f in body["items"]] == [file["id"]], email
        r = http.get(f"/api/files/{file['id']}", headers=who(email))
        assert r.status_code == 200 and r.json()["file"]["md5"], email
        r = http.get(f"/api/files/{file['id']}/download", headers=who(email))
        assert r.status_code == 200 and r.content == data, email
    project = http.get("/api/files", params={"projectId": "acme-rebrand"}, headers=who("member@acme.test")).json()
    assert [f["id"] for f in project["items"]] == [file["id"]]
    other = http.get("/api/files", params={"projectId": "acme-website-copy"}, headers=who("member@acme.test")).json()
    assert other["items"] == []
    assert [f.name for f in drive_files(drive)] == ["Hero.png"]


def test_staff_upload_into_a_client_they_name(http: httpx.Client, drive: Any, who: Any) -> None:
    r = start(http, who("ops@agency.test"), "brief.pdf", 1000)
    assert r.status_code == 400 and error_code(r) == "client_org_required"
    file = upload(http, who("ops@agency.test"), "brief.pdf", pdf("Brief"), orgId="globex")
    assert file["orgId"] == "globex" and file["kind"] == "pdf"
    listed = http.get("/api/files", headers=who("owner@globex.test")).json()["items"]
    assert [f["id"] for f in listed] == [file["id"]] and not listed[0]["canDelete"]


def test_another_organisations_ids_are_404_everywhere(http: httpx.Client, drive: Any, who: Any) -> None:
    data = docx("Private")
    file = upload(http, who("owner@acme.test"), "plan.docx", data)
    r = start(http, who("owner@acme.test"), "later.png", 2 * QUANTUM)
    pending = r.json()["upload"]["id"]
    globex = who("owner@globex.test")
    fid = file["id"]
    for method, path in (
        ("GET", f"/api/files/{fid}"),
        ("GET", f"/api/files/{fid}/download"),
        ("GET", f"/api/files/{fid}/thumbnail"),
        ("GET", f"/api/files/{fid}/revisions"),
        ("GET", f"/api/files/{fid}/revisions/r1/download"),
        ("DELETE", f"/api/files/{fid}"),
        ("GET", f"/api/files/upload/{pending}"),
        ("DELETE", f"/api/files/upload/{pending}"),
    ):
        r = http.request(method, path, headers=globex)
        assert r.status_code == 404, (method, path, r.text)
        assert "acme" not in r.text.lower()
    r = put(http, globex, pending, image(QUANTUM), 0, 2 * QUANTUM)
    assert r.status_code == 404
    r = http.get("/api/files", params={"orgId": "acme"}, headers=globex)
    assert r.status_code == 404
    r = start(http, globex, "x.png", 100, orgId="acme")
    assert r.status_code == 404
    r = start(http, globex, "x.png", 100, projectId="acme-rebrand")
    assert r.status_code == 404
    assert http.get("/api/files", headers=globex).json()["items"] == []
    # an upload is its uploader's alone, even inside the organisation
    assert http.get(f"/api/files/upload/{pending}", headers=who("member@acme.test")).status_code == 404
    assert mirror() == [fid]


def test_without_credentials_every_files_endpoint_is_401(http: httpx.Client) -> None:
    for method, path in (
        ("GET", "/api/files"),
        ("POST", "/api/files/upload"),
        ("GET", "/api/files/upload/u1"),
        ("PUT", "/api/files/upload/u1"),
        ("DELETE", "/api/files/upload/u1"),
        ("GET", "/api/files/f1"),
        ("PATCH", "/api/files/f1"),
        ("DELETE", "/api/files/f1"),
        ("GET", "/api/files/f1/download"),
        ("GET", "/api/files/f1/thumbnail"),
        ("GET", "/api/files/f1/revisions"),
        ("GET", "/api/files/f1/revisions/r1/download"),
    ):
        r = http.request(method, path)
        assert r.status_code == 401, (method, path, r.text)
        assert r.json()["error"]["code"] == "no_credentials"


# --- resume ------------------------------------------------------------------------------------


def test_an_interrupted_upload_resumes_from_the_offset_drive_kept(http: httpx.Client, drive: Any, who: Any) -> None:
    owner = who("owner@acme.test")
    data = image(4 * QUANTUM + 123)
    r = start(http, owner, "Poster.png", len(data), type="image/png", projectId="acme-rebrand")
    assert r.status_code == 201
    upload_id = r.json()["upload"]["id"]
    assert r.json()["upload"]["offset"] == 0 and r.json()["upload"]["chunkSize"] % QUANTUM == 0
    assert put(http, owner, upload_id, data[:QUANTUM], 0, len(data)).json()["offset"] == QUANTUM
    # the connection drops mid-chunk: the server sees a truncated body and keeps nothing of it
    r = http.put(
        f"/api/files/upload/{upload_id}",
        content=data[QUANTUM : QUANTUM + 1000],
        headers={
            **owner,
            "Content-Range": f"bytes {QUANTUM}-{3 * QUANTUM - 1}/{len(data)}",
            "Content-Type": "application/octet-stream",
        },
    )
    assert r.status_code == 400 and error_code(r) == "truncated_chunk"
    # the page comes back later and asks where to resume
    r = http.get(f"/api/files/upload/{upload_id}", headers=owner)
    assert r.status_code == 200 and r.json()["upload"]["offset"] == QUANTUM
    assert put(http, owner, upload_id, data[QUANTUM : 3 * QUANTUM], QUANTUM, len(data)).json()["offset"] == 3 * QUANTUM
    r = put(http, owner, upload_id, data[3 * QUANTUM :], 3 * QUANTUM, len(data))
    assert r.status_code == 201, r.text
    file = r.json()["file"]
    assert http.get(f"/api/files/{file['id']}/download", headers=owner).content == data
    assert uploads() == [] and http.get(f"/api/files/upload/{upload_id}", headers=owner).status_code == 404


def test_cancelling_an_upload_keeps_nothing(http: httpx.Client, drive: Any, who: Any) -> None:
    owner = who("owner@acme.test")
    data = image(2 * QUANTUM)
    upload_id = start(http, owner, "Half.png", len(data)).json()["upload"]["id"]
    assert put(http, owner, upload_id, data[:QUANTUM], 0, len(data)).status_code == 200
    r = http.delete(f"/api/files/upload/{upload_id}", headers=owner)
    assert r.status_code == 200 and r.json() == {"ok": True}
    assert uploads() == [] and mirror() == [] and drive_files(drive) == []
    assert drive.sessions == {}  # the Drive session was cancelled


# --- refusals ----------------------------------------------------------------------------------


def _nothing_behind(drive: Any) -> None:
    assert mirror() == [], "a mirror document was kept"
    assert drive_files(drive) == [], "a Drive file was kept"


def test_a_spoofed_type_is_refused_and_ends_the_upload(http: httpx.Client, drive: Any, who: Any) -> None:
    owner = who("owner@acme.test")
    upload_id = start(http, owner, "cat.png", len(EXE), type="image/png").json()["upload"]["id"]
    r = put(http, owner, upload_id, EXE, 0, len(EXE))
    assert r.status_code == 415, r.text
    assert uploads() == [] and http.get(f"/api/files/upload/{upload_id}", headers=owner).status_code == 404
    # a PDF posing as an image, and an image declared as a PDF
    for name, data, declared in (("photo.png", pdf("x"), "image/png"), ("doc.pdf", png(), "application/pdf")):
        upload_id = start(http, owner, name, len(data), type=declared).json()["upload"]["id"]
        r = put(http, owner, upload_id, data, 0, len(data))
        assert r.status_code == 415, (name, r.text)
    r = start(http, owner, "setup.exe", 1000)
    assert r.status_code == 415 and error_code(r) == "type_not_allowed"
    assert uploads() == []
    _nothing_behind(drive)


def test_an_oversize_file_is_refused_before_anything_is_kept(http: httpx.Client, drive: Any, who: Any) -> None:
    owner = who("owner@acme.test")
    r = start(http, owner, "huge.mp4", 3 * 1024**3)
    assert r.status_code == 413 and error_code(r) == "file_too_large"
    assert r.json()["error"]["details"]["limit"] == 2 * 1024**3
    r = start(http, owner, "empty.png", 0)
    assert r.status_code == 400 and error_code(r) == "empty_file"
    # a chunk larger than the upload's chunk size
    data = image(9 * 1024**2)
    upload_id = start(http, owner, "big.png", len(data)).json()["upload"]["id"]
    r = put(http, owner, upload_id, data, 0, len(data))
    assert r.status_code == 413 and error_code(r) == "chunk_too_large"
    # more bytes than the Content-Range says
    r = put(
        http, owner, upload_id, data[: QUANTUM + 10], 0, len(data), content_range=f"bytes 0-{QUANTUM - 1}/{len(data)}"
    )
    assert r.status_code == 400 and error_code(r) == "truncated_chunk"
    http.delete(f"/api/files/upload/{upload_id}", headers=owner)
    assert uploads() == []
    _nothing_behind(drive)


def test_bad_chunks_are_refused_and_the_upload_stays_where_it_was(http: httpx.Client, drive: Any, who: Any) -> None:
    owner = who("owner@acme.test")
    data = image(3 * QUANTUM)
    upload_id = start(http, owner, "art.png", len(data)).json()["upload"]["id"]
    cases = [
        # out of order: not at the offset
        (data[QUANTUM : 2 * QUANTUM], None, QUANTUM, 409, "wrong_offset"),
        # Content-Range malformed, missing the total, reversed, past the end, another size
        (data[:QUANTUM], "bytes 0-/786432", 0, 400, "invalid_content_range"),
        (data[:QUANTUM], "0-262143/786432", 0, 400, "invalid_content_range"),
        (data[:QUANTUM], "bytes 262143-0/786432", 0, 400, "invalid_content_range"),
        (data[:QUANTUM], "bytes 0-786432/786432", 0, 400, "invalid_content_range"),
        (data[:QUANTUM], "bytes 0-262143/999999", 0, 400, "size_mismatch"),
        (data[:QUANTUM], "bytes", 0, 400, "invalid_content_range"),
        # truncated: fewer bytes than the range
        (data[:1000], f"bytes 0-{QUANTUM - 1}/{len(data)}", 0, 400, "truncated_chunk"),
        # not a multiple of 256 KiB (and not the last)
        (data[:1000], f"bytes 0-999/{len(data)}", 0, 400, "invalid_chunk_size"),
    ]
    for body, content_range, first, status, code in cases:
        r = put(http, owner, upload_id, body, first, len(data), content_range=content_range)
        assert r.status_code == status and error_code(r) == code, (content_range, r.text)
        if code == "wrong_offset":
            assert r.json()["error"]["details"]["offset"] == 0
    r = http.put(
        f"/api/files/upload/{upload_id}",
        content=data[:QUANTUM],
        headers={**owner, "Content-Range": f"bytes 0-{QUANTUM - 1}/{len(data)}", "Content-Type": "application/json"},
    )
    assert r.status_code == 415
    assert http.get(f"/api/files/upload/{upload_id}", headers=owner).json()["upload"]["offset"] == 0
    assert http.delete(f"/api/files/upload/{upload_id}", headers=owner).status_code == 200
    _nothing_behind(drive)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/cover.png", "_.._etc_cover.png"),
        ("a\x00b\x1fc.png", "abc.png"),
        ("CON.png", "_CON.png"),
        ("x" * 400 + ".png", "x" * 296 + ".png"),
        ('what?"<evil>".png', "what___evil__.png"),
    ],
)
def test_bad_names_are_made_safe(http: httpx.Client, drive: Any, who: Any, name: str, expected: str) -> None:
    file = upload(http, who("owner@acme.test"), name, png())
    assert file["name"] == expected
    r = http.get(f"/api/files/{file['id']}/download", headers=who("owner@acme.test"))
    assert "/" not in r.headers["content-disposition"].split("filename*")[0]


def test_bad_upload_requests_are_refused_with_json(http: httpx.Client, drive: Any, who: Any) -> None:
    owner = who("owner@acme.test")
    for body in (
        {},
        {"name": "", "size": 10},
        {"name": "a.png", "size": -1},
        {"name": "a.png", "size": "x"},
        {"name": "a.png", "size": 10, "projectId": "../x"},
        {"name": "a.png", "size": 10, "extra": 1},
        {"name": "a" * 1001, "size": 10},
    ):
        r = http.post("/api/files/upload", json=body, headers=owner)
        assert r.status_code == 400, (body, r.text)
    r = start(http, owner, "a.png", 10, projectId="no-such-project")
    assert r.status_code == 404
    r = http.post("/api/files/upload", content=b"name=a.png", headers={**owner, "Content-Type": "text/plain"})
    assert r.status_code == 415
    for path in ("/api/files/upload/nope", "/api/files/nope", "/api/files/nope/download"):
        assert http.get(path, headers=owner).status_code == 404, path
    assert http.get("/api/files", params={"cursor": "!!"}, headers=owner).status_code == 400
    assert http.get("/api/files", params={"limit": 0}, headers=owner).status_code == 400
    assert uploads() == []
    _nothing_behind(drive)


# --- downloads and previews --------------------------------------------------------------------


def test_downloads_are_byte_identical_with_ranges_and_safe_headers(http: httpx.Client, drive: Any, who: Any) -> None:
    owner = who("owner@acme.test")
    data = image(2 * QUANTUM + 777)
    file = upload(http, owner, "Résumé draft.png", data)
    url = f"/api/files/{file['id']}/download"
    r = http.get(url, headers=owner)
    assert r.status_code == 200 and r.content == data
    assert r.headers["content-type"] == "image/png" and r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["accept-ranges"] == "bytes" and r.headers["content-length"] == str(len(data))
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''R%C3%A9sum%C3%A9%20draft.png" in disposition
    pieces = b""
    for first in range(0, len(data), 200_000):
        last = min(first + 199_999, len(data) - 1)
        r = http.get(url, headers={**owner, "Range": f"bytes={first}-{last}"})
        assert r.status_code == 206 and r.headers["content-range"] == f"bytes {first}-{last}/{len(data)}"
        pieces += r.content
    assert pieces == data
    assert http.get(url, headers={**owner, "Range": "bytes=-100"}).content == data[-100:]
    r = http.get(url, headers={**owner, "Range": f"bytes={len(data) + 5}-"})
    assert r.status_code == 416
    r = http.get(url, headers={**owner, "Range": "bytes=abc"})
    assert r.status_code == 400 and error_code(r) == "invalid_range"
    r = http.get(url, params={"inline": "1"}, headers=owner)
    assert r.headers["content-disposition"].startswith("inline;")
    assert "frame-ancestors 'self'" in r.headers["content-security-policy"]
    audit = [
        s.to_dict() for s in db.client().collection("auditLog").where(filter=db.eq("event", "file.download")).stream()
    ]
    assert audit and all(a["target"] == file["id"] and a["orgId"] == "acme" for a in audit)
    assert len(audit) == 2  # the download (whole, in pieces, its end) and the inline view: not every piece


def test_only_previewable_types_are_shown_inline(http: httpx.Client, drive: Any, who: Any) -> None:
    owner = who("owner@acme.test")
    file = upload(http, owner, "notes.docx", docx("hi"))
    assert not file["inline"] and file["kind"] == "document"
    r = http.get(f"/api/files/{file['id']}/download", params={"inline": "1"}, headers=owner)
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["content-type"] == file["mimeType"] and r.headers["x-content-type-options"] == "nosniff"


def test_thumbnails_come_through_the_portal(http: httpx.Client, drive: Any, who: Any) -> None:
    owner = who("owner@acme.test")
    picture = upload(http, owner, "pic.png", png())
    assert picture["hasThumbnail"]
    r = http.get(f"/api/files/{picture['id']}/thumbnail", headers=who("member@acme.test"))
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content.startswith(b"\x89PNG")
    assert "googleusercontent" not in r.text and r.headers["x-content-type-options"] == "nosniff"
    doc = upload(http, owner, "brief.pdf", pdf("x"))
    assert http.get(f"/api/files/{doc['id']}/thumbnail", headers=owner).status_code == 404


def test_the_same_name_makes_a_new_version_with_earlier_ones_kept(http: httpx.Client, drive: Any, who: Any) -> None:
    owner = who("owner@acme.test")
    first, second = png(tint=(255, 0, 0)), png(tint=(0, 255, 0))
    a = upload(http, owner, "logo.png", first, projectId="acme-rebrand")
    b = upload(http, owner, "logo.png", second, projectId="acme-rebrand")
    assert a["id"] == b["id"] and mirror() == [a["id"]]
    revisions = http.get(f"/api/files/{a['id']}/revisions", headers=who("member@acme.test")).json()["items"]
    assert len(revisions) == 2
    old = http.get(f"/api/files/{a['id']}/revisions/{revisions[0]['id']}/download", headers=owner)
    assert old.status_code == 200 and old.content == first
    assert http.get(f"/api/files/{a['id']}/download", headers=owner).content == second


# --- deleting and moving -----------------------------------------------------------------------


def test_who_may_delete(http: httpx.Client, drive: Any, who: Any) -> None:
    by_staff = upload(http, who("ops@agency.test"), "deliverable.pdf", pdf("x"), orgId="acme")
    by_owner = upload(http, who("owner@acme.test"), "mine.png", png())
    for email in ("owner@acme.test", "member@acme.test"):
        r = http.delete(f"/api/files/{by_staff['id']}", headers=who(email))
        assert r.status_code == 403, email
    assert http.delete(f"/api/files/{by_owner['id']}", headers=who("member@acme.test")).status_code == 403
    assert http.delete(f"/api/files/{by_owner['id']}", headers=who("owner@acme.test")).json() == {"ok": True}
    assert http.get(f"/api/files/{by_owner['id']}", headers=who("owner@acme.test")).status_code == 404
    assert http.delete(f"/api/files/{by_staff['id']}", headers=who("admin@agency.test")).status_code == 200
    assert mirror() == [] and drive_files(drive) == []


def test_the_uploader_may_delete_only_within_15_minutes(http: httpx.Client, drive: Any, who: Any) -> None:
    import datetime as dt

    file = upload(http, who("member@acme.test"), "oops.png", png())
    ref = db.client().collection("orgs").document("acme").collection("files").document(file["id"])
    ref.update({"uploadedAt": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)})
    assert not http.get(f"/api/files/{file['id']}", headers=who("member@acme.test")).json()["file"]["canDelete"]
    r = http.delete(f"/api/files/{file['id']}", headers=who("member@acme.test"))
    assert r.status_code == 403
    assert mirror() == [file["id"]]


def test_staff_move_files_between_projects(http: httpx.Client, drive: Any, who: Any) -> None:
    file = upload(http, who("owner@acme.test"), "cut.png", png(), projectId="acme-rebrand")
    r = http.patch(f"/api/files/{file['id']}", json={"projectId": "acme-website-copy"}, headers=who("owner@acme.test"))
    assert r.status_code == 403
    r = http.patch(f"/api/files/{file['id']}", json={"projectId": "globex-app"}, headers=who("owner@globex.test"))
    assert r.status_code == 404
    r = http.patch(f"/api/files/{file['id']}", json={"projectId": "acme-website-copy"}, headers=who("ops@agency.test"))
    assert r.status_code == 200 and r.json()["file"]["projectId"] == "acme-website-copy"
    r = http.patch(f"/api/files/{file['id']}", json={"projectId": None}, headers=who("admin@agency.test"))
    assert r.status_code == 200 and r.json()["file"]["projectId"] is None
    r = http.patch(f"/api/files/{file['id']}", json={"projectId": "nope"}, headers=who("ops@agency.test"))
    assert r.status_code == 404
    r = http.patch(f"/api/files/{file['id']}", json={}, headers=who("ops@agency.test"))
    assert r.status_code == 400
    listed = http.get("/api/files", params={"projectId": "acme-rebrand"}, headers=who("owner@acme.test")).json()
    assert listed["items"] == []


# --- Drive not connected, and the scheduled jobs -------------------------------------------------


def test_without_drive_the_files_api_says_not_connected(monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers import token

    from portal.files import routes, service

    monkeypatch.setenv("DRIVE_ROOT_FOLDER_ID", "")
    monkeypatch.setattr(service, "_DRIVE", [])
    headers = {"Authorization": f"Bearer {token('owner@acme.test')}"}
    app = flask.Flask(__name__)
    with app.test_request_context("/api/files", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        response = routes.files.serve(flask.request)
    assert response.status_code == 200 and response.get_json()["connected"] is False
    with app.test_request_context(
        "/api/files/upload",
        method="POST",
        json={"name": "a.png", "size": 10},
        headers=headers,
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    ):
        response = routes.file_upload.serve(flask.request)
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "drive_not_connected"
    assert service.reconcile_all() == {} and service.expire_abandoned() == 0


def test_the_scheduled_jobs_reconcile_and_expire(http: httpx.Client, drive: Any, who: Any) -> None:
    import datetime as dt

    from portal.files import service

    file = upload(http, who("owner@acme.test"), "kept.png", png())
    service.reconcile_all()  # the first run lists the folders and keeps the changes token
    folder = db.client().collection("orgs").document("acme").get().get("driveFolderId")
    added = drive.add_file("from-drive.pdf", folder, pdf("staff"), "application/pdf")
    drive.remove(file["id"])
    result = service.reconcile_all()
    assert result["acme"] == {"added": 1, "updated": 0, "removed": 1}
    assert mirror() == [added.id]
    listed = http.get("/api/files", headers=who("member@acme.test")).json()["items"]
    assert [f["name"] for f in listed] == ["from-drive.pdf"] and listed[0]["uploadedBy"] is None
    owner = who("owner@acme.test")
    upload_id = start(http, owner, "stale.png", 2 * QUANTUM).json()["upload"]["id"]
    put(http, owner, upload_id, image(2 * QUANTUM)[:QUANTUM], 0, 2 * QUANTUM)
    ref = db.client().collection("orgs").document("acme").collection("uploads").document(upload_id)
    ref.update({"expiresAt": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)})
    assert service.expire_abandoned() == 1
    assert uploads() == []
