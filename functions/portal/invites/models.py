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


class InviteConfirmation(Out):
    email: str
    """The invited address, to which the browser has Firebase send a sign-in link."""
    invite: str
    """``{orgId}.{inviteId}``: what the emailed link brings back to finish with."""


class InviteCompleteIn(Model):
    invite: Annotated[str, StringConstraints(min_length=3, max_length=300)]
    idToken: Annotated[str, StringConstraints(min_length=1, max_length=8192)]
    """A fresh Firebase ID token from signing in with the link emailed to the invited address."""
    password: Annotated[str, StringConstraints(min_length=8, max_length=128)]
    firstName: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    lastName: Name = ""


class UserOut(Out):
    user: User
