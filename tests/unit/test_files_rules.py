"""Files: names made safe, types sniffed from content against the allowlist, ranges."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "functions"))

from portal import policy
from portal.errors import BadRequest, NotFound, PayloadTooLarge, UnsupportedMediaType
from portal.files import rules
from portal.identity import Caller, OrgKind, Role


def zipped(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.mark.parametrize(
    ("head", "name", "mime"),
    [
        (PNG, "logo.png", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "photo.JPG", "image/jpeg"),
        (PDF, "brief.pdf", "application/pdf"),
        (PDF, "artwork.ai", "application/illustrator"),
        (MP4, "cut.mp4", "video/mp4"),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64, "jingle.mp3", "audio/mpeg"),
        (b"8BPS\x00\x01" + b"\x00" * 64, "comp.psd", "image/vnd.adobe.photoshop"),
        (zipped("[Content_Types].xml", "_rels/.rels", "word/document.xml"), "a.docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (zipped("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"), "a.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (zipped("a.txt", "b.txt"), "assets.zip", "application/zip"),
        (PNG, "no-extension", "image/png"),
    ],
)  # fmt: skip
def test_the_type_comes_from_the_content(head: bytes, name: str, mime: str) -> None:
    assert rules.file_type(head, name).mime == mime


@pytest.mark.parametrize(
    ("head", "name", "declared", "code"),
    [
        (EXE, "invoice.pdf", "application/pdf", "type_not_allowed"),  # an executable posing as a PDF
        (b"<!DOCTYPE html><script>alert(1)</script>", "x.png", "image/png", "type_not_allowed"),
        (b"just some text", "notes.png", "", "type_not_allowed"),
        (PDF, "photo.png", "image/png", "type_mismatch"),  # renamed
        (PNG, "logo.png", "application/pdf", "type_mismatch"),  # declared otherwise
        (zipped("[Content_Types].xml", "word/document.xml"), "a.xlsx", "", "type_mismatch"),
    ],
)
def test_spoofed_or_unknown_types_are_refused(head: bytes, name: str, declared: str, code: str) -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        rules.file_type(head, name, declared)
    assert refused.value.code == code and refused.value.status == 415


def test_generic_declared_types_say_nothing() -> None:
    assert rules.file_type(PNG, "a.png", "application/octet-stream").mime == "image/png"
    assert rules.file_type(PNG, "a.png", "image/PNG; charset=x").mime == "image/png"
    assert (
        rules.file_type(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "a.jpg", "image/jpg").mime == "image/jpeg"
    )


def test_names_with_dangerous_extensions_are_refused_early() -> None:
    for name in ("setup.exe", "run.sh", "page.html"):
        with pytest.raises(UnsupportedMediaType):
            rules.check_name_type(name)
    rules.check_name_type("report.pdf")
    rules.check_name_type("README")


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("a\\b/c.pdf", "a_b_c.pdf"),
        ("bad\x00name\x1f\x7f.png", "badname.png"),
        ("CON.pdf", "_CON.pdf"),
        ("lpt1", "_lpt1"),
        ("  spaced   out  .png ", "spaced out.png"),
        ("...", "file"),
        ("", "file"),
        ("résumé.pdf", "résumé.pdf"),
    ],
)
def test_names_are_made_safe(name: str, safe: str) -> None:
    assert rules.safe_name(name) == safe


def test_long_names_keep_their_extension_within_300_characters() -> None:
    safe = rules.safe_name("x" * 400 + ".pdf")
    assert len(safe) == 300 and safe.endswith(".pdf")


def test_sizes() -> None:
    rules.check_size(2 * 1024**3, 2 * 1024**3)
    with pytest.raises(PayloadTooLarge):
        rules.check_size(2 * 1024**3 + 1, 2 * 1024**3)
    with pytest.raises(BadRequest):
        rules.check_size(0, 10)


def test_chunk_ranges() -> None:
    q = rules.QUANTUM
    chunk = rules.parse_content_range(f"bytes 0-{q - 1}/{3 * q}", 3 * q)
    assert (chunk.start, chunk.length, chunk.last) == (0, q, False)
    rules.check_chunk(chunk, q, 8 * q)
    last = rules.parse_content_range(f"bytes {2 * q}-{3 * q - 1}/{3 * q}", 3 * q)
    assert last.last
    for header, size in (
        ("bytes 0-9/99", 100),
        ("bytes 5-1/10", 10),
        ("0-9/10", 10),
        (None, 10),
        ("bytes 0-10/10", 10),
    ):
        with pytest.raises(BadRequest):
            rules.parse_content_range(header, size)
    with pytest.raises(BadRequest) as truncated:
        rules.check_chunk(chunk, q - 1, 8 * q)
    assert truncated.value.code == "truncated_chunk"
    with pytest.raises(BadRequest) as uneven:
        rules.check_chunk(rules.parse_content_range("bytes 0-999/5000", 5000), 1000, 8 * q)
    assert uneven.value.code == "invalid_chunk_size"
    with pytest.raises(PayloadTooLarge):
        rules.check_chunk(rules.parse_content_range(f"bytes 0-{2 * q - 1}/{4 * q}", 4 * q), 2 * q, q)


def test_download_ranges() -> None:
    assert rules.parse_range(None) is None
    assert rules.parse_range("bytes=10-19") == rules.ByteRange(10, 19)
    assert rules.range_header(rules.parse_range("bytes=10-")) == "bytes=10-"  # type: ignore[arg-type]
    assert rules.range_header(rules.parse_range("bytes=-5")) == "bytes=-5"  # type: ignore[arg-type]
    for bad in ("bytes=1-2,4-5", "items=1-2", "bytes=-", "bytes=9-1"):
        with pytest.raises(BadRequest):
            rules.parse_range(bad)


ACME = policy.OrgRef("acme", OrgKind.CLIENT)
NOW = 1_000_000.0


def caller(role: Role, uid: str = "u1", org: str = "acme") -> Caller:
    return Caller(uid=uid, email=f"{uid}@x.test", role=role, org_id=org)


@pytest.mark.parametrize(
    ("who", "uploaded_by", "age", "allowed"),
    [
        (caller(Role.AJ_OPS, org="agency"), "u1", 10_000, True),
        (caller(Role.AJ_ADMIN, org="agency"), None, 10_000, True),
        (caller(Role.CLIENT_MEMBER), "u1", 60, True),  # own, within 15 minutes
        (caller(Role.CLIENT_MEMBER), "u1", 15 * 60, True),
        (caller(Role.CLIENT_MEMBER), "u1", 15 * 60 + 1, False),  # own, too late
        (caller(Role.CLIENT_OWNER), "u2", 60, False),  # someone else's
        (caller(Role.CLIENT_MEMBER), None, 60, False),  # added in Drive
        (caller(Role.CLIENT_MEMBER, org="globex"), "u1", 60, False),  # another organisation
    ],
)
def test_who_may_delete_a_file(who: Caller, uploaded_by: str | None, age: float, allowed: bool) -> None:
    decided = policy.may_delete_file(who, ACME, uploaded_by=uploaded_by, uploaded_at=NOW - age, now=NOW)
    assert decided is allowed


def test_refused_deletes_say_not_found_to_other_organisations() -> None:
    with pytest.raises(NotFound):
        policy.authorize_file_delete(caller(Role.CLIENT_OWNER, org="globex"), ACME, uploaded_by="x",
                                     uploaded_at=NOW, now=NOW)  # fmt: skip
