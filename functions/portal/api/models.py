"""Request and response models. The endpoints validate with these and the OpenAPI
document is generated from them, so the two cannot drift apart."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, StrictBool, StringConstraints

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


class Capabilities(Out):
    clients: list[str] = []
    """Policy actions the caller may take on client organisations (a client: their own)."""
    agency: list[str] = []
    """Policy actions on the agency's organisation (staff only)."""


class Me(User):
    capabilities: Capabilities = Capabilities()


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


def _iso_date(value: str) -> str:
    dt.date.fromisoformat(value)
    return value


IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"), AfterValidator(_iso_date)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=5000)]


class Milestone(Out):
    id: str
    title: str
    due: str | None = None
    done: bool = False
    doneAt: str | None = None


class Timeline(Model):
    start: IsoDate | None = None
    end: IsoDate | None = None
    estimatedCompletion: IsoDate | None = None


class TimelineOut(Out):
    start: str | None = None
    end: str | None = None
    estimatedCompletion: str | None = None


class Counts(Out):
    openApprovals: int = 0
    files: int = 0
    threads: int = 0


class Activity(Out):
    id: str
    type: str
    details: dict[str, Any] = {}
    actor: str = ""
    at: str | None = None


class Project(Out):
    id: str
    orgId: str
    orgName: str = ""
    name: str
    description: str = ""
    status: ProjectStatus
    progress: int = Field(ge=0, le=100)
    nextDue: str | None = None
    milestones: list[Milestone] = []
    timeline: TimelineOut = TimelineOut()
    teamMembers: list[str] = []
    lastActivity: str | None = None
    contract: dict[str, Any] | None = None
    counts: Counts = Counts()


class ProjectDetail(Project):
    activity: list[Activity] = []


class ProjectList(Out):
    items: list[Project]
    nextCursor: str | None = None


class ProjectsQuery(Model):
    orgId: Id | None = None
    status: ProjectStatus | None = None
    cursor: Annotated[str, StringConstraints(max_length=512)] | None = None
    limit: int = Field(default=25, ge=1, le=100)


class MilestoneIn(Model):
    title: Title
    due: IsoDate | None = None


class MilestonePatch(Model):
    title: Title | None = None
    due: IsoDate | None = None
    done: StrictBool | None = None


class ProjectIn(Model):
    orgId: Id
    name: Title
    description: Text = ""
    status: ProjectStatus = "planning"
    timeline: Timeline = Timeline()
    teamMembers: list[Email] = Field(default=[], max_length=50)
    milestones: list[MilestoneIn] = Field(default=[], max_length=100)


class ProjectPatch(Model):
    name: Title | None = None
    description: Text | None = None
    status: ProjectStatus | None = None
    timeline: Timeline | None = None
    teamMembers: list[Email] | None = Field(default=None, max_length=50)


class DashboardQuery(Model):
    orgId: Id | None = None


class NextAction(Out):
    kind: str
    severity: str
    title: str
    due: str | None = None
    link: str
    orgId: str
    orgName: str = ""


class ProjectCard(Out):
    id: str
    orgId: str
    orgName: str = ""
    name: str
    status: ProjectStatus
    progress: int
    nextDue: str | None = None
    milestonesDone: int = 0
    milestonesTotal: int = 0
    lastActivity: str | None = None


class ClientGroup(Out):
    orgId: str
    orgName: str
    billingStatus: str | None = None
    counts: dict[str, int] = {}
    nextActions: list[NextAction] = []


class Unread(Out):
    threads: int = 0
    notifications: int = 0


class Dashboard(Out):
    scope: Literal["org", "agency"]
    nextActions: list[NextAction]
    billingAlert: BillingAlert | None = None
    upcomingBookings: list[dict[str, Any]] = []
    projects: list[ProjectCard] = []
    counts: dict[str, int] = {}
    clients: list[ClientGroup] = []
    unread: Unread = Unread()


class BillingQuery(Model):
    orgId: Id | None = None


class BillingSyncIn(Model):
    orgId: Id | None = None


class BillingLinkIn(Model):
    orgId: Id
    membershipId: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,128}$")]


class Plan(Out):
    id: str | None = None
    name: str | None = None
    amount: int | None = Field(default=None, description="In minor units of the currency (cents)")
    currency: str | None = None
    interval: str | None = None


class PaymentOut(Out):
    id: str
    created: str | None = None
    amount: int | None = Field(default=None, description="In minor units of the currency (cents)")
    currency: str | None = None
    status: str
    receipt_url: str | None = None


class BillingAlert(Out):
    kind: str
    severity: str
    message: str
    manageUrl: str | None = None
    since: str | None = None


class Billing(Out):
    orgId: str
    connected: bool
    linked: bool
    status: Literal["active", "past_due", "canceled", "paused"] | None = None
    plan: Plan | None = None
    nextBillingDate: str | None = None
    currentPeriodEnd: str | None = None
    cancelAtPeriodEnd: bool = False
    lastPayment: PaymentOut | None = None
    payments: list[PaymentOut] = []
    manageUrl: str | None = None
    syncedAt: str | None = None
    syncAgeSeconds: int | None = None
    stale: bool = False
    staleSince: str | None = None
    alert: BillingAlert | None = None


class SyncResult(Out):
    connected: bool
    synced: list[str] = []
    failed: list[dict[str, Any]] = []
    skipped: str | None = None


class UnmatchedEvent(Out):
    id: str
    type: str | None = None
    membershipId: str | None = None
    userId: str | None = None
    occurredAt: str | None = None
    receivedAt: str | None = None


class UnmatchedList(Out):
    items: list[UnmatchedEvent]


class DeliveriesQuery(Model):
    status: Literal["pending", "retrying", "delivered", "failed", "skipped"] | None = None


class Delivery(Out):
    id: str
    channel: str
    kind: str
    status: str
    attempts: int = 0
    lastError: str | None = None
    orgId: str | None = None
    createdAt: str | None = None


class DeliveryList(Out):
    items: list[Delivery]


ContentType = Literal["design", "copy", "video", "audio", "strategy"]
ApprovalStatus = Literal["pending", "approved", "rejected", "revision_requested"]


class ApprovalContent(Model):
    previewUrl: HttpUrl | None = None
    fileUrls: list[HttpUrl] = Field(default=[], max_length=20)
    notes: Text = ""


class ApprovalIn(Model):
    orgId: Id
    projectId: Id
    contentType: ContentType
    title: Title
    description: Text = ""
    due: IsoDate | None = None
    assigneeEmails: list[Email] = Field(default=[], max_length=20)
    content: ApprovalContent


class VersionIn(Model):
    content: ApprovalContent


class DecisionIn(Model):
    action: Literal["approve", "reject", "request_revision"]
    comment: Annotated[str, StringConstraints(max_length=5000)] = ""
    version: int | None = Field(default=None, ge=1)


class CommentIn(Model):
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    version: int | None = Field(default=None, ge=1)


class ApprovalsQuery(Model):
    orgId: Id | None = None
    status: ApprovalStatus | None = None
    projectId: Id | None = None
    assignedToMe: bool = False
    dueBefore: IsoDate | None = None
    cursor: Annotated[str, StringConstraints(max_length=1024)] | None = None
    limit: int = Field(default=25, ge=1, le=100)


class Person(Out):
    uid: str | None = None
    email: str | None = None
    name: str | None = None
    role: str | None = None


class ApprovalSummary(Out):
    id: str
    orgId: str
    orgName: str = ""
    projectId: str
    projectName: str | None = None
    contentType: ContentType
    title: str
    description: str = ""
    status: ApprovalStatus
    due: str | None = None
    currentVersion: int
    assignees: list[Person] = []
    submittedBy: Person | None = None
    submittedAt: str | None = None
    decidedAt: str | None = None
    canDecide: bool = False
    overdue: bool = False


class ApprovalVersion(Out):
    number: int
    content: dict[str, Any]
    submittedAt: str | None = None
    submittedBy: Person | None = None


class ApprovalComment(Out):
    id: str
    version: int
    body: str
    author: Person
    createdAt: str | None = None


class Decision(Out):
    id: str
    version: int
    action: Literal["approve", "reject", "request_revision"]
    comment: str = ""
    by: Person
    at: str | None = None


class ApprovalDetail(ApprovalSummary):
    versions: list[ApprovalVersion] = []
    comments: list[ApprovalComment] = []
    decisions: list[Decision] = []


class ApprovalList(Out):
    items: list[ApprovalSummary]
    nextCursor: str | None = None


class CommentOut(Out):
    comment: ApprovalComment


class N8nApprovalEvent(Model):
    """Sent by n8n to create an approval item, or a new version of one."""

    eventId: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    type: Literal["approval.create", "approval.version"]
    orgId: Id
    approvalId: Id | None = None
    projectId: Id | None = None
    contentType: ContentType | None = None
    title: Title | None = None
    description: Text = ""
    due: IsoDate | None = None
    assigneeEmails: list[Email] = Field(default=[], max_length=20)
    content: ApprovalContent


EventId = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class N8nProjectEvent(Model):
    """Sent by n8n to report project progress."""

    eventId: EventId
    type: Literal["project.status", "milestone.update", "milestone.add"]
    orgId: Id
    projectId: Id
    status: ProjectStatus | None = None
    milestoneId: Id | None = None
    title: Title | None = None
    due: IsoDate | None = None
    done: StrictBool | None = None


class GbuContractEvent(Model):
    """Sent by GBU when a contract's status changes."""

    eventId: EventId
    contractId: Id
    orgId: Id
    projectId: Id | None = None
    status: Literal["draft", "sent", "viewed", "signed", "declined", "expired", "voided"]
    title: Annotated[str, StringConstraints(max_length=200)] | None = None
    documentUrl: HttpUrl | None = None
    occurredAt: dt.datetime | None = None


class WebhookResult(Out):
    ok: bool
    duplicate: bool = False
    applied: bool | None = None
    matched: bool | None = None
    approvalId: str | None = None
    version: int | None = None
    project: dict[str, Any] | None = None
