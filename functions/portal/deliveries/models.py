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
    attempts: int = 0
    lastError: str | None = None
    orgId: str | None = None
    createdAt: str | None = None


class DeliveryList(Out):
    items: list[Delivery]
