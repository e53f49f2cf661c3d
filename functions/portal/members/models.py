"""Models of an organisation's members."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, StrictBool

from ..api.common import Out, Patch
from ..auth.models import Profile
from ..identity import Role

BILLING_ACCESS = (
    "Whether they see billing: a client's owners and staff by their role, a client's member once given "
    "billing access (`PATCH /api/members/{uid}` with `billingAccess`)."
)


class Member(Out):
    uid: str
    email: str
    role: Role
    orgId: str
    disabled: bool = False
    billingAccess: bool = Field(default=False, description=BILLING_ACCESS)
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
    billingAccess: bool = Field(default=False, description=BILLING_ACCESS)


class MemberChanged(Out):
    member: MemberSummary
    changed: bool = True
    """Whether anything changed (false: billing access that already was as asked)."""


class MemberPatch(Patch):
    """One change to a member at a time: ``role`` (admins), or ``billingAccess`` (a client's
    owners and admins, for a client's member)."""

    one_at_a_time: ClassVar[bool] = True
    role: Role | None = Field(
        default=None,
        description="The new role, of the same kind of organisation (admins; never one's own). Their sessions end.",
    )
    billingAccess: StrictBool | None = Field(
        default=None,
        description="Give (true) or take back (false) a client member's billing access (never one's own; owners "
        "and staff see billing by their role). Their sessions end, so that it applies at once; asking for what "
        "already is changes nothing.",
    )


class SecondFactorsReset(Out):
    member: MemberSummary
    removed: int
    """How many second factors were removed (0: the account had none, and nothing changed)."""
    mailed: bool = False
    """Whether the person is being mailed about it (mail is connected)."""
