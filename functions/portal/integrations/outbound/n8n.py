"""Events to n8n: HTTPS POSTs signed with the portal's scheme (``signatures.PORTAL``),
the one n8n's own webhooks to the portal use."""

from __future__ import annotations

import json
from typing import Any

import httpx

from .. import signatures
from .errors import GiveUp, Retry
from .http import post, retry_after


def send_n8n(url: str, secret: str, event: dict[str, Any], *, transport: httpx.BaseTransport | None = None) -> None:
    """POST an event to n8n, signed like the portal's inbound webhooks."""
    body = json.dumps(event, separators=(",", ":"), default=str).encode()
    response = post(url, body, signatures.PORTAL.sign(secret, body), transport)
    if 200 <= response.status_code < 300:
        return
    if response.status_code in (408, 425, 429) or response.status_code >= 500:
        raise Retry(f"n8n answered {response.status_code}", retry_after(response))
    raise GiveUp(f"n8n answered {response.status_code} {response.text.strip()[:200]}")
