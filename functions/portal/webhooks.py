"""Inbound webhooks signed by a shared secret (n8n, GBU).

The scheme, documented in the README:

    X-Portal-Timestamp: <unix seconds>
    X-Portal-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>

The timestamp must be within five minutes of now (replays of old deliveries are
refused); several ``v1=`` values, comma-separated, allow rotating the secret. The
check runs on the raw bytes before anything is parsed. Each delivery names an
``eventId``; a processed id is remembered in ``processedWebhooks`` in the same
transaction as its effect, so a redelivery changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from . import config, db
from .errors import NotConnected, Unauthenticated

TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers that authenticate ``body`` (for senders and tests)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Portal-Timestamp": ts, "X-Portal-Signature": f"v1={digest}"}


def verify(secret_name: str, integration: str, headers: Any, body: bytes) -> None:
    """Raise unless ``body`` carries a valid, fresh signature with the secret ``secret_name``."""
    secret = config.env(secret_name)
    if not secret:
        raise NotConnected(f"{integration} is not connected: set {secret_name} to receive its webhooks.")
    ts = headers.get("X-Portal-Timestamp") or ""
    given = [p.strip()[3:] for p in (headers.get("X-Portal-Signature") or "").split(",") if p.strip().startswith("v1=")]
    if not ts.isdigit() or not given:
        raise Unauthenticated("Missing webhook signature.", code="bad_signature")
    if abs(time.time() - int(ts)) > TOLERANCE_SECONDS:
        raise Unauthenticated("The webhook timestamp is outside the tolerance.", code="stale_signature")
    expected = sign(secret, body, int(ts))["X-Portal-Signature"][3:]
    if not any(hmac.compare_digest(expected, g) for g in given):
        raise Unauthenticated("The webhook signature does not match.", code="bad_signature")


def processed_ref(source: str, event_id: str) -> Any:
    key = hashlib.sha256(f"{source}:{event_id}".encode()).hexdigest()
    return db.client().collection("processedWebhooks").document(key)


def seen(source: str, event_id: str) -> bool:
    return bool(processed_ref(source, event_id).get().exists)


def remember(tx: Any, source: str, event_id: str, summary: dict[str, Any]) -> None:
    """Record the event inside ``tx``; a concurrent duplicate fails the commit."""
    from google.cloud import firestore

    tx.create(
        processed_ref(source, event_id),
        {"source": source, "eventId": event_id, "summary": summary, "at": firestore.SERVER_TIMESTAMP},
    )


def run_once(source: str, event_id: str, apply: Any) -> dict[str, Any]:
    """``apply()`` unless the event was processed already (then, or when a concurrent
    delivery wins the race, the answer is a duplicate that changed nothing)."""
    from google.api_core.exceptions import AlreadyExists

    if seen(source, event_id):
        return {"ok": True, "duplicate": True}
    try:
        return dict(apply())
    except AlreadyExists:
        return {"ok": True, "duplicate": True}
