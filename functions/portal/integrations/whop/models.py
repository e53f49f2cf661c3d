"""What the portal knows of Whop: plain dataclasses, free of Whop's wire formats."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["active", "past_due", "canceled", "paused"]
PaymentStatus = Literal["paid", "pending", "failed", "refunded", "void"]


@dataclass(frozen=True)
class BillingState:
    """Where one Whop membership stands, in the portal's words.

    ``amount`` is in integer minor units of ``currency`` (1500.00 USD is ``150000``):
    the renewal price, or the up-front price of a membership that does not renew.
    ``next_billing_date`` is only set when the membership will actually renew;
    ``current_period_end`` is when the paid period ends either way. Dates are ISO 8601, UTC.
    """

    membership_id: str
    user_id: str | None
    company_id: str | None
    status: Status
    raw_status: str
    plan_id: str | None
    plan_name: str | None
    amount: int | None
    currency: str | None
    interval: str | None
    current_period_end: str | None
    next_billing_date: str | None
    cancel_at_period_end: bool
    manage_url: str | None


@dataclass(frozen=True)
class Payment:
    """One charge (or invoice), newest information first; ``amount`` in minor units."""

    id: str
    created: str | None
    amount: int | None
    currency: str | None
    status: PaymentStatus
    raw_status: str
    membership_id: str | None = None
    user_id: str | None = None
    receipt_url: str | None = None


@dataclass(frozen=True)
class WhopEvent:
    """One verified webhook delivery. ``id`` is the ``webhook-id`` header: Whop delivers at
    least once, so the caller remembers processed ids and ignores repeats."""

    id: str
    type: str
    occurred_at: str | None
    membership_id: str | None
    user_id: str | None
    company_id: str | None
    state: BillingState | None
    payment: Payment | None
    raw: dict[str, Any] = field(compare=False, repr=False)
