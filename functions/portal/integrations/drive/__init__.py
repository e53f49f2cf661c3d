"""Google Drive: the portal's file store (see :mod:`.adapter`)."""

from .adapter import (
    FOLDER,
    Change,
    Drive,
    DriveError,
    DriveFile,
    DriveNotFound,
    DriveUnavailable,
    Media,
    UploadProgress,
    UploadSessionGone,
    discovery_document,
)

__all__ = [
    "FOLDER",
    "Change",
    "Drive",
    "DriveError",
    "DriveFile",
    "DriveNotFound",
    "DriveUnavailable",
    "Media",
    "UploadProgress",
    "UploadSessionGone",
    "discovery_document",
]
