"""Request and response models. The endpoints validate with these and the OpenAPI
document is generated from them, so the two cannot drift apart."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..identity import OrgKind, Role

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,128}$")]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ErrorDetail(Out):
    code: str
    message: str
    details: object | None = None


class ErrorBody(Out):
    error: ErrorDetail


class Ok(Out):
    ok: bool = True


class Profile(Out):
    firstName: str = ""
    lastName: str = ""
    avatarUrl: str | None = None
    timezone: str | None = None


class User(Out):
    uid: str
    email: str
    role: Role
    orgId: str
    orgName: str = ""
    permissions: list[str] = []
    profile: Profile = Profile()


class LoginIn(Model):
    idToken: Annotated[str, StringConstraints(min_length=1, max_length=8192)]


class LoginOut(Out):
    user: User
    csrfToken: str


class SessionOut(Out):
    authenticated: bool
    user: User
    csrfToken: str | None = None


class FirebaseWebConfig(Out):
    apiKey: str
    authDomain: str
    projectId: str


class AuthConfigOut(Out):
    firebase: FirebaseWebConfig
    authEmulatorUrl: str | None = None


class Org(Out):
    id: str
    name: str
    kind: OrgKind


class OrgList(Out):
    items: list[Org]


class OrgQuery(Model):
    orgId: Id | None = None


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


class InviteTokenQuery(Model):
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


ProjectStatus = Literal["planning", "active", "review", "completed", "paused"]


class Milestone(Out):
    id: str
    title: str
    due: str | None = None
    done: bool = False
    doneAt: str | None = None


class Timeline(Out):
    start: str | None = None
    end: str | None = None
    estimatedCompletion: str | None = None


class Project(Out):
    id: str
    orgId: str
    orgName: str = ""
    name: str
    description: str = ""
    status: ProjectStatus
    progress: int = Field(ge=0, le=100)
    milestones: list[Milestone] = []
    timeline: Timeline = Timeline()
    teamMembers: list[str] = []
    lastActivity: str | None = None


class ProjectOut(Out):
    project: Project


class ProjectList(Out):
    items: list[Project]
    nextCursor: str | None = None


class ProjectsQuery(Model):
    orgId: Id | None = None
    status: ProjectStatus | None = None
    cursor: Annotated[str, StringConstraints(max_length=512)] | None = None
    limit: int = Field(default=25, ge=1, le=100)
