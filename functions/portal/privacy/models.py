"""Models of exports and deletions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from ..api.common import Id, Model, Out


class ExportIn(Model):
    scope: Literal["me", "organisation"]
    """``me``: the caller's own data; ``organisation``: a client organisation's (its owner, or staff naming it)."""
    orgId: Id | None = None
    """The client organisation to export (staff; a client owner's is their own)."""


class Export(Out):
    id: str
    scope: str
    status: Literal["queued", "running", "ready", "failed", "expired"]
    orgId: str | None = None
    orgName: str | None = None
    fileName: str | None = None
    createdAt: str | None = None
    readyAt: str | None = None
    expiresAt: str | None = None
    size: int | None = None
    error: str | None = None
    download: str | None = None
    """The download link once ready."""


class ExportOut(Out):
    export: Export


class ExportList(Out):
    items: list[Export]


class DeletionIn(Model):
    scope: Literal["me", "organisation"]
    """``me``: delete the caller's own account; ``organisation``: a client organisation (admins)."""
    orgId: Id | None = None
    """The organisation to delete (default: the caller's own, which only an admin's could be, and that
    is the agency's, which cannot be deleted)."""
    confirm: str = Field(min_length=1, max_length=254)
    """Your email address (``me``) or the organisation's name (``organisation``)."""


class Deletion(Out):
    id: str
    kind: Literal["user", "org"]
    uid: str | None = None
    orgId: str | None = None
    orgName: str | None = None
    email: str | None = None
    reason: str | None = None
    requestedBy: dict[str, Any] | None = None
    requestedAt: str | None = None
    purgeAfter: str | None = None


class DeletionOut(Out):
    deletion: Deletion
    restoreMailed: bool | None = None
    """Your own account: whether a restore link was mailed to you (false: mail is not connected)."""


class DeletionList(Out):
    items: list[Deletion]


class RestoreIn(Model):
    token: Annotated[str, StringConstraints(min_length=1, max_length=512)]
    """The token of the restore link (its fragment's ``token``)."""


class RestoreOut(Out):
    ok: bool = True
    email: str
    """The restored account's address, to sign in with."""
