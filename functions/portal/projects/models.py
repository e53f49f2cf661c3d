"""Models of projects and milestones, and of the events n8n and GBU report about them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, HttpUrl, RootModel, StrictBool, StringConstraints

from ..api.common import Email, EventId, Id, IsoDate, Limit, Model, Out, Patch, Text, Title

ProjectStatus = Literal["planning", "active", "review", "completed", "paused"]


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
    archived: bool = False
    templateId: str | None = None


class ProjectDetail(Project):
    activity: list[Activity] = []


class ProjectList(Out):
    items: list[Project]
    nextCursor: str | None = None


class ProjectsQuery(Model):
    orgId: Id | None = None
    status: ProjectStatus | None = None
    archived: bool = False
    """Archived projects instead of the others."""
    cursor: Annotated[str, StringConstraints(max_length=512)] | None = None
    limit: Limit = 25


class MilestoneIn(Model):
    title: Title
    due: IsoDate | None = None


class MilestonePatch(Patch):
    nullable = frozenset({"due"})  # null: no due date

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
    templateId: Id | None = None
    """Start from this template: its milestones (unless ``milestones`` are given), due
    their offsets after ``timeline.start`` (default today)."""


class TemplateMilestone(Model):
    title: Title
    offsetDays: Annotated[int, Field(ge=0, le=3650)] = 0


class TemplateIn(Model):
    name: Title
    description: Text = ""
    milestones: list[TemplateMilestone] = Field(default=[], max_length=100)


class TemplatePatch(Patch):
    name: Title | None = None
    description: Text | None = None
    milestones: list[TemplateMilestone] | None = Field(default=None, max_length=100)


class TemplateMilestoneOut(Out):
    title: str
    offsetDays: int = 0


class Template(Out):
    id: str
    name: str
    description: str = ""
    milestones: list[TemplateMilestoneOut] = []
    updatedAt: str | None = None


class TemplateList(Out):
    items: list[Template]


class ProjectPatch(Patch):
    name: Title | None = None
    description: Text | None = None
    status: ProjectStatus | None = None
    timeline: Timeline | None = None
    teamMembers: list[Email] | None = Field(default=None, max_length=50)


class N8nProjectEnvelope(Model):
    """What every n8n project event names: the event (for idempotency) and the project."""

    eventId: EventId
    orgId: Id
    projectId: Id


class N8nProjectStatus(N8nProjectEnvelope):
    type: Literal["project.status"]
    status: ProjectStatus


class N8nMilestoneUpdate(MilestonePatch, N8nProjectEnvelope):
    """``milestone.update``: the fields staff change with ``PATCH .../milestones/{id}``."""

    type: Literal["milestone.update"]
    milestoneId: Id


class N8nMilestoneAdd(MilestoneIn, N8nProjectEnvelope):
    """``milestone.add``: a milestone, as staff add it with ``POST .../milestones``."""

    type: Literal["milestone.add"]


class N8nProjectEvent(
    RootModel[Annotated[N8nProjectStatus | N8nMilestoneUpdate | N8nMilestoneAdd, Field(discriminator="type")]]
):
    """Sent by n8n to report project progress."""


class GbuContractEvent(Model):
    """Sent by GBU when a contract's status changes. A ``signed`` event records when it was
    signed; ``sent`` (or ``viewed`` first) asks the client's owners to sign, once per contract.
    Left out, ``title``, ``documentUrl`` and ``projectId`` keep what an earlier event stored."""

    eventId: EventId
    contractId: Id
    orgId: Id
    projectId: Id | None = None
    status: Literal["draft", "sent", "viewed", "signed", "declined", "expired", "voided"]
    title: Annotated[str, StringConstraints(max_length=200)] | None = None
    documentUrl: HttpUrl | None = None
    occurredAt: dt.datetime | None = None
