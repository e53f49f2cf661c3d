"""Inbound webhooks, applied once: the ledger every webhook goes through.

A delivery is checked first (its signature scheme lives in
:mod:`portal.integrations.signatures`; ``verify`` and ``sign`` below are the portal's
own scheme). Then :func:`apply_once` applies it: each delivery names an event id, the
ledger keeps ``processedWebhooks/{sha256(source:eventId)}``, and the effect records
its :class:`Delivery` with ``tx.create`` in the same transaction as the change. So a
redelivery, before or during the first one's transaction, changes nothing and is
answered ``{"ok": true, "duplicate": true}``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import db
from .errors import NotConnected
from .integrations import signatures

__all__ = ["Delivery", "NotConnected", "apply_once", "sign", "verify"]

DUPLICATE = {"ok": True, "duplicate": True}


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers that authenticate ``body`` with the portal's scheme (for senders and tests)."""
    return signatures.PORTAL.sign(secret, body, timestamp)


def verify(secret_name: str, integration: str, headers: Any, body: bytes) -> None:
    """Raise unless ``body`` carries a valid, fresh portal signature with the secret ``secret_name``."""
    signatures.verify(signatures.PORTAL, secret_name, integration, headers, body)


@dataclass(frozen=True)
class Delivery:
    """One inbound event of ``source``, by the id its sender gave it."""

    source: str
    event_id: str

    @property
    def key(self) -> str:
        """The ledger's deterministic id for this event (also a seed for ids derived from it)."""
        return hashlib.sha256(f"{self.source}:{self.event_id}".encode()).hexdigest()

    def seen(self) -> bool:
        return bool(db.processed_webhook(self.key).get().exists)

    def record(self, tx: Any, summary: dict[str, Any]) -> None:
        """Record the event inside ``tx``; a concurrent duplicate fails the commit
        (``AlreadyExists``), and :func:`apply_once` answers it as a duplicate."""
        from google.cloud import firestore

        tx.create(
            db.processed_webhook(self.key),
            {"source": self.source, "eventId": self.event_id, "summary": summary, "at": firestore.SERVER_TIMESTAMP},
        )


def apply_once(source: str, event_id: str, apply: Callable[[Delivery], dict[str, Any]]) -> dict[str, Any]:
    """Apply the event ``event_id`` of ``source`` once.

    ``apply(delivery)`` makes the effect and calls ``delivery.record(tx, summary)`` in the
    transaction that makes it, and returns what to answer besides ``ok`` and
    ``duplicate``. An event already recorded, or recorded concurrently, is answered as
    a duplicate without applying anything."""
    from google.api_core.exceptions import AlreadyExists

    delivery = Delivery(source, event_id)
    if delivery.seen():
        return dict(DUPLICATE)
    try:
        result = apply(delivery)
    except AlreadyExists:  # processed concurrently
        return dict(DUPLICATE)
    return {"ok": True, "duplicate": False, **result}
