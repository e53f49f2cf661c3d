"""Models of one's own account."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, StringConstraints

from ..api.common import Documented, Model, Name, Ok, Out, Patch
from .service import time_zones, valid_time_zone

TimeZone = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(valid_time_zone),
    Documented(lambda: {"enum": sorted(time_zones())}),
]
"""An IANA time zone name, such as ``Europe/London``."""


class ProfileFields(Out):
    firstName: str = ""
    lastName: str = ""
    avatarUrl: str | None = None
    timezone: str | None = None
    """IANA name; null: dates show in the browser's own zone."""


class SecondFactor(Out):
    uid: str
    factorId: str
    displayName: str = ""
    phoneNumber: str = ""
    """Masked as Firebase reports it."""
    enrolledAt: str | None = None


class SignIn(Out):
    at: str | None = None
    ip: str = ""
    method: str = ""
    """Firebase's sign-in provider: ``password``, ``emailLink``…"""
    secondFactor: str | None = None
    userAgent: str = ""


class AccountProfile(Out):
    email: str
    emailVerified: bool
    profile: ProfileFields
    secondFactors: list[SecondFactor] = []
    secondFactorRequired: bool = False
    """Whether this account must sign in with a second factor (staff, when required)."""
    recentSignIns: list[SignIn] = []
    """The last sign-ins, newest first, from the audit log."""


class ProfilePatch(Patch):
    nullable: ClassVar[frozenset[str]] = frozenset({"timezone"})
    firstName: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)] | None = None
    lastName: Name | None = None
    timezone: TimeZone | None = None


class Session(Out):
    id: str
    createdAt: str | None = None
    expiresAt: str | None = None
    ip: str = ""
    userAgent: str = ""
    current: bool = False
    """The session of the request that asked."""


class SessionList(Out):
    items: list[Session]


class SessionEnded(Ok):
    current: bool = False
    """The session ended was the caller's own: this device is now signed out."""


class AvatarOut(Out):
    avatarUrl: str | None = None


class SecondFactorRemoval(Model):
    factorUid: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    """The ``uid`` of the factor, as ``GET /api/me/profile`` lists it."""
    idToken: Annotated[str, StringConstraints(min_length=1, max_length=8192)]
    """A Firebase ID token from signing in again just now with the password and a second factor."""
