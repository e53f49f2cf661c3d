"""What a file may be: safe names, the type allowlist, content sniffing and upload ranges.

Pure functions, no I/O. The type of a file is what its first bytes say (``puremagic``'s
signatures, refined for ZIP containers by their member names), never its name or the
type the browser declared; those two are only checked to agree with it, so a renamed
executable or a script posing as an image is refused.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from dataclasses import dataclass

from ..errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

QUANTUM = 256 * 1024
"""Resumable upload chunks are multiples of this (Drive's rule), except the last."""

MAX_NAME = 300
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileType:
    mime: str
    kind: str  # image | pdf | document | spreadsheet | presentation | video | audio | archive | design
    extensions: tuple[str, ...]
    inline: bool = False  # may a browser show it in the page (images, PDF, video, audio)


_TYPES = (
    FileType("image/jpeg", "image", (".jpg", ".jpeg", ".jfif", ".jpe"), True),
    FileType("image/png", "image", (".png",), True),
    FileType("image/gif", "image", (".gif",), True),
    FileType("image/webp", "image", (".webp",), True),
    FileType("image/tiff", "image", (".tif", ".tiff")),
    FileType("image/heic", "image", (".heic", ".heif")),
    FileType("image/bmp", "image", (".bmp",)),
    FileType("image/svg+xml", "image", (".svg",)),  # may carry script: download only
    FileType("application/pdf", "pdf", (".pdf",), True),
    FileType("application/illustrator", "design", (".ai",)),
    FileType("image/vnd.adobe.photoshop", "design", (".psd", ".psb")),
    FileType("application/postscript", "design", (".eps", ".ps")),
    FileType("application/x-indesign", "design", (".indd",)),
    FileType("application/x-sketch", "design", (".sketch",)),
    FileType("application/vnd.adobe.xd", "design", (".xd",)),
    FileType("application/msword", "document", (".doc",)),
    FileType("application/vnd.ms-excel", "spreadsheet", (".xls",)),
    FileType("application/vnd.ms-powerpoint", "presentation", (".ppt",)),
    FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document", (".docx",)),
    FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "spreadsheet", (".xlsx",)),
    FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", "presentation", (".pptx",)),
    FileType("application/vnd.oasis.opendocument.text", "document", (".odt",)),
    FileType("application/vnd.oasis.opendocument.spreadsheet", "spreadsheet", (".ods",)),
    FileType("application/vnd.oasis.opendocument.presentation", "presentation", (".odp",)),
    FileType("video/mp4", "video", (".mp4", ".m4v"), True),
    FileType("video/quicktime", "video", (".mov", ".qt"), True),
    FileType("video/webm", "video", (".webm",), True),
    FileType("video/x-matroska", "video", (".mkv",)),
    FileType("video/x-msvideo", "video", (".avi",)),
    FileType("audio/mpeg", "audio", (".mp3",), True),
    FileType("audio/wav", "audio", (".wav",), True),
    FileType("audio/mp4", "audio", (".m4a",), True),
    FileType("audio/aac", "audio", (".aac",)),
    FileType("audio/flac", "audio", (".flac",)),
    FileType("audio/ogg", "audio", (".ogg", ".oga", ".opus"), True),
    FileType("audio/aiff", "audio", (".aif", ".aiff")),
    FileType("application/zip", "archive", (".zip",)),
    FileType("application/x-7z-compressed", "archive", (".7z",)),
    FileType("application/vnd.rar", "archive", (".rar",)),
    FileType("application/gzip", "archive", (".gz", ".tgz")),
    FileType("application/x-tar", "archive", (".tar",)),
)
TYPES: dict[str, FileType] = {t.mime: t for t in _TYPES}
BY_EXTENSION: dict[str, FileType] = {ext: t for t in _TYPES for ext in t.extensions}

# Names browsers and other tools declare for the same types.
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/heif": "image/heic",
    "image/x-ms-bmp": "image/bmp",
    "image/x-photoshop": "image/vnd.adobe.photoshop",
    "application/photoshop": "image/vnd.adobe.photoshop",
    "application/x-photoshop": "image/vnd.adobe.photoshop",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/mp3": "audio/mpeg",
    "audio/x-m4a": "audio/mp4",
    "audio/x-aiff": "audio/aiff",
    "audio/x-flac": "audio/flac",
    "video/x-m4v": "video/mp4",
    "application/x-zip-compressed": "application/zip",
    "application/x-gzip": "application/gzip",
    "application/x-rar-compressed": "application/vnd.rar",
    "application/ogg": "audio/ogg",
}
# Types a browser declares when it does not know: they say nothing, so they are not checked.
_UNKNOWN = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/unknown"})

# Content that may legitimately carry another allowed type's signature.
_SAME_CONTENT = {
    "application/illustrator": "application/pdf",  # Illustrator saves PDF-compatible files
    "audio/mp4": "video/mp4",  # MPEG-4 audio is an ISO media file like a video
    "application/x-sketch": "application/zip",
}

_ZIP_MEMBERS = (
    ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)
_INDESIGN = bytes.fromhex("0606edf5d81d46e5bd31efe7fe74b71d")


def canonical(mime: str) -> str:
    mime = mime.split(";", 1)[0].strip().lower()
    return _ALIASES.get(mime, mime)


def _zip_names(head: bytes) -> list[str]:
    """Member names of the ZIP local file headers inside ``head``."""
    names: list[str] = []
    at = 0
    while len(names) < 64:
        at = head.find(b"PK\x03\x04", at)
        if at < 0 or at + 30 > len(head):
            break
        name_len, extra_len = struct.unpack_from("<HH", head, at + 26)
        names.append(head[at + 30 : at + 30 + name_len].decode("utf-8", "replace"))
        at += 30 + name_len + extra_len
    return names


def _zip_type(head: bytes) -> str:
    names = _zip_names(head)
    if names and names[0] == "mimetype":  # OpenDocument and Adobe XD: stored, uncompressed
        declared = head[38 : 38 + 80].split(b"PK", 1)[0].decode("ascii", "replace").strip()
        if declared == "application/vnd.adobe.sparkler.project+dcx":
            return "application/vnd.adobe.xd"
        if declared in TYPES:
            return declared
    for prefix, mime in _ZIP_MEMBERS:
        if any(n.startswith(prefix) for n in names) and "[Content_Types].xml" in names:
            return mime
    if "document.json" in names or any(n.startswith("pages/") for n in names):
        return "application/x-sketch"
    return "application/zip"


def sniff(head: bytes) -> str | None:
    """The allowed type ``head`` (a file's first bytes) is, or None when its content is not
    one of the allowed types (or nothing recognisable at all)."""
    import puremagic

    sample = head[:SNIFF_BYTES]
    if sample.startswith(b"PK\x03\x04"):
        return _zip_type(sample)
    if sample.startswith(_INDESIGN):
        return "application/x-indesign"
    if sample[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html", b"<script")):
        return None
    try:
        matches = puremagic.magic_string(sample)
    except (puremagic.PureError, ValueError):
        return None
    for match in matches:  # best first
        found = BY_EXTENSION.get(match.extension.lower())
        if found is None and match.mime_type:
            found = TYPES.get(canonical(match.mime_type))
        if found is not None:
            return found.mime
    return None


def _content_of(mime: str) -> str:
    return _SAME_CONTENT.get(mime, mime)


def extension(name: str) -> str:
    """``.pdf`` of ``Brief.PDF``: a short alphanumeric suffix after a non-empty stem."""
    match = re.search(r"(?<=[^.])\.[A-Za-z0-9]{1,10}$", name)
    return match.group(0).lower() if match else ""


def check_name_type(name: str) -> None:
    """Refuse early a name whose extension says it is not an allowed type (``.exe``)."""
    ext = extension(name)
    if ext and ext not in BY_EXTENSION:
        raise UnsupportedMediaType(
            f"Files of type {ext} cannot be uploaded. Allowed are images, PDF, office documents, "
            "video, audio, archives and design files.",
            code="type_not_allowed",
        )


def file_type(head: bytes, name: str, declared: str = "") -> FileType:
    """The type of a file from its first bytes, checked against its name and the type the
    browser declared. Unsupported or spoofed types are :class:`UnsupportedMediaType`."""
    found = sniff(head)
    if found is None:
        raise UnsupportedMediaType(
            "This file's content is not an allowed type (images, PDF, office documents, video, audio, "
            "archives and design files).",
            code="type_not_allowed",
        )
    by_name = BY_EXTENSION.get(extension(name))
    claimed = canonical(declared)
    if by_name is not None and _content_of(by_name.mime) == _content_of(found):
        found = by_name.mime  # the name picks among types with the same content (.ai in a PDF)
    elif by_name is not None:
        raise UnsupportedMediaType(
            f"The file is named {extension(name)} but its content is {TYPES[found].kind} ({found}).",
            code="type_mismatch",
        )
    if claimed not in _UNKNOWN and _content_of(claimed) != _content_of(found):
        raise UnsupportedMediaType(
            f"The file was declared as {claimed} but its content is {found}.", code="type_mismatch"
        )
    return TYPES[found]


_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


def safe_name(name: str) -> str:
    """A file name safe on every system and in a ``Content-Disposition`` header: no path,
    no control characters, no reserved device name, at most 300 characters (the extension
    kept), never empty."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.sub(r"[\x00-\x1f\x7f-\x9f]", "", name)
    name = re.sub(r'[/\\:*?"<>|]', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    cut = len(name) - len(extension(name))
    stem, ext = name[:cut], name[cut:]
    if stem.split(".", 1)[0].lower() in _RESERVED:
        stem = f"_{stem}"
    if not stem:
        stem = "file"
    return stem[: MAX_NAME - len(ext)].rstrip(" .") + ext


def numbered(name: str, n: int) -> str:
    """``name`` with `` (n)`` before its extension: ``brief.pdf`` -> ``brief (2).pdf``."""
    cut = len(name) - len(extension(name))
    stem, ext = name[:cut], name[cut:]
    suffix = f" ({n})"
    return stem[: MAX_NAME - len(ext) - len(suffix)] + suffix + ext


def check_size(size: int, limit: int) -> None:
    if size <= 0:
        raise BadRequest("The file is empty.", code="empty_file")
    if size > limit:
        raise PayloadTooLarge(
            f"The file is {size} bytes; the limit is {limit} bytes.", code="file_too_large", details={"limit": limit}
        )


@dataclass(frozen=True)
class ChunkRange:
    start: int
    end: int  # inclusive
    total: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    @property
    def last(self) -> bool:
        return self.end + 1 == self.total


_CONTENT_RANGE = re.compile(r"bytes (\d{1,15})-(\d{1,15})/(\d{1,15})")


def parse_content_range(header: str | None, size: int) -> ChunkRange:
    """``Content-Range: bytes a-b/total`` of one upload chunk, checked against the upload's size."""
    match = _CONTENT_RANGE.fullmatch((header or "").strip())
    if not match:
        raise BadRequest("Content-Range must be 'bytes first-last/total'.", code="invalid_content_range")
    start, end, total = (int(g) for g in match.groups())
    if end < start or end >= total:
        raise BadRequest("Content-Range is not a valid range.", code="invalid_content_range")
    if total != size:
        raise BadRequest(f"The upload was started for {size} bytes, not {total}.", code="size_mismatch")
    return ChunkRange(start, end, total)


def check_chunk(chunk: ChunkRange, received: int, chunk_size: int) -> None:
    """A chunk's body must be all of its range; ranges are multiples of 256 KiB but the last."""
    if received != chunk.length:
        raise BadRequest(
            f"The chunk is truncated: Content-Range says {chunk.length} bytes, {received} arrived.",
            code="truncated_chunk",
        )
    if chunk.length > chunk_size:
        raise PayloadTooLarge(f"A chunk is at most {chunk_size} bytes.", code="chunk_too_large")
    if not chunk.last and chunk.length % QUANTUM:
        raise BadRequest("A chunk other than the last must be a multiple of 256 KiB.", code="invalid_chunk_size")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int | None  # inclusive; None: to the end


def parse_range(header: str | None) -> ByteRange | None:
    """A download's single ``Range: bytes=a-b`` (or ``a-``, or ``-n`` as the last n bytes,
    given as a negative start). None: the whole file. Several ranges are not served."""
    if not header:
        return None
    match = re.fullmatch(r"bytes=(\d{0,15})-(\d{0,15})", header.strip())
    if not match or not (match.group(1) or match.group(2)):
        raise BadRequest("Only one Range 'bytes=first-last' is supported.", code="invalid_range")
    first, last = match.groups()
    if not first:
        return ByteRange(-int(last), None)
    if last and int(last) < int(first):
        raise BadRequest("The Range is not valid.", code="invalid_range")
    return ByteRange(int(first), int(last) if last else None)


def range_header(byte_range: ByteRange) -> str:
    if byte_range.start < 0:
        return f"bytes={byte_range.start}"
    return f"bytes={byte_range.start}-{'' if byte_range.end is None else byte_range.end}"
