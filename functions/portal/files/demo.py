"""Demo files for the emulators, made here rather than kept as binaries: a PNG image, a PDF,
a WAV clip and a Word document per project, uploaded through the files service (so through
the Drive stand-in, chunk by chunk, exactly as a browser's upload)."""

from __future__ import annotations

import io
import math
import struct
import wave
import zipfile
import zlib
from typing import Any

from ..identity import Caller


def png(width: int = 320, height: int = 200, tint: tuple[int, int, int] = (90, 60, 200)) -> bytes:
    """A gradient in ``tint``, as a valid PNG."""
    rows = b"".join(
        b"\x00" + bytes(c for x in range(width) for c in (tint[0] * x // width, tint[1] * y // height, tint[2]))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def pdf(title: str) -> bytes:
    """A one-page PDF saying ``title``."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 24 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def wav(seconds: float = 2.0, hertz: float = 440.0, rate: int = 16000) -> bytes:
    """A sine tone as 16-bit mono WAV."""
    frames = b"".join(
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * hertz * n / rate))) for n in range(int(seconds * rate))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(rate)
        clip.writeframes(frames)
    return out.getvalue()


def docx(text: str) -> bytes:
    """A minimal Word document (Office Open XML) with one paragraph."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as doc:
        doc.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>',
        )
        doc.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        doc.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>' + text + "</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


def upload(
    caller: Caller, org_id: str, name: str, data: bytes, project_id: str | None, *, drive: Any = None
) -> dict[str, Any]:
    """Upload ``data`` through the files service, chunk by chunk; the file."""
    from . import service

    started = service.start_upload(caller, name, len(data), "", project_id, org_id=org_id, drive=drive)
    chunk, offset = started["chunkSize"], 0
    while True:
        piece = data[offset : offset + chunk]
        header = f"bytes {offset}-{offset + len(piece) - 1}/{len(data)}"
        result = service.put_chunk(caller, started["id"], header, piece, drive=drive)
        if "file" in result:
            return dict(result["file"])
        offset = result["offset"]


def seed_files(staff: Caller, owners: dict[str, Caller], projects: dict[str, list[tuple[str, str]]]) -> int:
    """Four files (image, PDF, audio, document) in each client's projects, uploaded by the
    client's owner and by staff; the count. ``projects``: org id -> [(project id, name)]."""
    count = 0
    tints = [(200, 80, 60), (60, 160, 120), (90, 60, 200), (220, 160, 40)]
    for org_id, items in projects.items():
        owner = owners[org_id]
        for number, (project_id, name) in enumerate(items):
            upload(owner, org_id, f"{name} moodboard.png", png(tint=tints[number % len(tints)]), project_id)
            upload(staff, org_id, f"{name} brief.pdf", pdf(f"{name}: creative brief"), project_id)
            upload(owner, org_id, f"{name} voiceover.wav", wav(hertz=330.0 + 55 * number), project_id)
            upload(staff, org_id, f"{name} notes.docx", docx(f"Notes for {name}."), project_id)
            count += 4
    return count
