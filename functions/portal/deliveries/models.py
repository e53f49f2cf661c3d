"""Models of outbound deliveries."""

from __future__ import annotations

from typing import Literal

from ..api.common import Model, Out


class DeliveriesQuery(Model):
    status: Literal["pending", "retrying", "delivered", "failed", "skipped"] | None = None


class Delivery(Out):
    id: str
    channel: str
    kind: str
    status: str
    target: Literal["agency", "client", "person"] | None = None
    """Slack: the agency's channel or the client's own; mail: one person."""
    attempts: int = 0
    lastError: str | None = None
    orgId: str | None = None
    summary: str | None = None
    """What it says in a line: a Slack message's text, a mail's subject (n8n: none, see ``kind``)."""
    recipient: str | None = None
    """A mail's address."""
    createdAt: str | None = None
    updatedAt: str | None = None


class DeliveryList(Out):
    items: list[Delivery]
