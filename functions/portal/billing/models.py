"""Models of billing (Whop)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from ..api.common import Id, Model, Out


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


class UnmatchedEventList(Out):
    items: list[UnmatchedEvent]
