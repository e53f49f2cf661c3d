"""Models of invitations."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from ..api.common import Email, Id, Model, Name, Out
from ..auth.models import User
from ..identity import Role


class InviteIn(Model):
    email: Email
    role: Role
    orgId: Id | None = None


InviteStatus = Literal["pending", "accepted", "revoked", "expired"]


class Invite(Out):
    id: str
    email: str
    role: Role
    orgId: str
    status: InviteStatus
    expiresAt: str
    createdAt: str
    invitedBy: str


class InviteCreated(Out):
    invite: Invite
    inviteUrl: str


class InviteOut(Out):
    invite: Invite


class InviteList(Out):
    items: list[Invite]


class InviteTokenIn(Model):
    token: Annotated[str, StringConstraints(min_length=1, max_length=512)]


class InviteLookup(Out):
    email: str
    orgName: str
    role: Role
    expiresAt: str


class InviteAcceptIn(Model):
    token: Annotated[str, StringConstraints(min_length=1, max_length=512)]
    password: Annotated[str, StringConstraints(min_length=8, max_length=128)]
    firstName: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    lastName: Name = ""


class UserOut(Out):
    user: User
