"""Models of an organisation's members."""

from __future__ import annotations

from ..api.common import Model, Out
from ..auth.models import Profile
from ..identity import Role


class Member(Out):
    uid: str
    email: str
    role: Role
    orgId: str
    disabled: bool = False
    profile: Profile = Profile()
    lastLogin: str | None = None


class MemberList(Out):
    items: list[Member]


class MemberSummary(Out):
    uid: str
    email: str
    role: Role
    orgId: str
    disabled: bool = False


class MemberChanged(Out):
    member: MemberSummary


class MemberRoleIn(Model):
    role: Role


class SecondFactorsReset(Out):
    member: MemberSummary
    removed: int
    """How many second factors were removed (0: the account had none, and nothing changed)."""
    mailed: bool = False
    """Whether the person is being mailed about it (mail is connected)."""
