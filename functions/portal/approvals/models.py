"""Models of content approvals, and of the events n8n sends to create them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, HttpUrl, RootModel, StringConstraints

from ..api.common import NOT_BLANK, Email, EventId, Id, IsoDate, Limit, Model, Out, Text, Title
from ..files.models import Attachment, AttachmentIds

ContentType = Literal["design", "copy", "video", "audio", "strategy"]
ApprovalStatus = Literal["pending", "approved", "rejected", "revision_requested"]


class ApprovalContent(Model):
    previewUrl: HttpUrl | None = None
    fileUrls: list[HttpUrl] = Field(default=[], max_length=20)
    notes: Text = ""
    attachments: AttachmentIds = []
    """Portal file ids (``GET /api/files``), next to or instead of the links: each a file
    of the item's organisation, kept with the organisation or in the item's project."""


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


NEEDS_COMMENT = ("reject", "request_revision")
"""Decisions that must say why (400 ``comment_required`` without a comment)."""


class DecisionIn(Model):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "if": {"properties": {"action": {"enum": list(NEEDS_COMMENT)}}, "required": ["action"]},
            "then": {"properties": {"comment": {"pattern": NOT_BLANK}}, "required": ["comment"]},
        },
    )

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
    limit: Limit = 25


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


class VersionContent(Out):
    previewUrl: str | None = None
    fileUrls: list[str] = []
    notes: str = ""
    attachments: list[Attachment] = []
    """The attached portal files with their download, view and thumbnail links; a file
    deleted since is ``removed``."""


class ApprovalVersion(Out):
    number: int
    content: VersionContent
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


class N8nApprovalCreate(ApprovalIn):
    """``approval.create``: the item, as staff submit it with ``POST /api/approvals``."""

    eventId: EventId
    type: Literal["approval.create"]


class N8nApprovalVersion(VersionIn):
    """``approval.version``: a new version, as staff submit it with ``POST .../versions``."""

    eventId: EventId
    type: Literal["approval.version"]
    orgId: Id
    approvalId: Id


class N8nApprovalEvent(RootModel[Annotated[N8nApprovalCreate | N8nApprovalVersion, Field(discriminator="type")]]):
    """Sent by n8n to create an approval item, or a new version of one."""
