"""Models of the dashboard."""

from __future__ import annotations

from typing import Any, Literal

from ..api.common import Id, Model, Out
from ..billing.models import BillingAlert
from ..projects.models import ProjectStatus


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


class DashboardUnread(Out):
    threads: int = 0
    notifications: int = 0


class Attention(Out):
    """What waits for staff on the "Needs attention" page (``/attention``); a count is
    left out for a role that does not handle it."""

    failedDeliveries: int | None = None
    unmatchedBilling: int | None = None
    unmatchedBookings: int | None = None


class Dashboard(Out):
    scope: Literal["org", "agency"]
    nextActions: list[NextAction]
    billingAlert: BillingAlert | None = None
    upcomingBookings: list[dict[str, Any]] = []
    projects: list[ProjectCard] = []
    counts: dict[str, int] = {}
    clients: list[ClientGroup] = []
    unread: DashboardUnread = DashboardUnread()
    attention: Attention | None = None
    """The agency's view only."""
