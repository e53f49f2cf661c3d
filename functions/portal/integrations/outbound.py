"""Outbound channels: Slack incoming webhooks and n8n (signed HTTPS POSTs).

Each ``send`` either returns (delivered), raises :class:`Retry` (try again later,
maybe after ``retry_after`` seconds) or raises :class:`GiveUp` (retrying cannot
help: the hook is gone, the payload is refused). ``transport`` swaps the network for
a stand-in in tests.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from .. import webhooks

TIMEOUT = 10.0


class Retry(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GiveUp(Exception):
    pass


def _post(url: str, body: bytes, headers: dict[str, str], transport: httpx.BaseTransport | None) -> httpx.Response:
    try:
        with httpx.Client(transport=transport, timeout=TIMEOUT) as client:
            return client.post(url, content=body, headers={"Content-Type": "application/json", **headers})
    except httpx.HTTPError as exc:
        raise Retry(f"{type(exc).__name__}: {exc}") from None


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def send_slack(url: str, text: str, *, transport: httpx.BaseTransport | None = None) -> None:
    """Post ``text`` to a Slack incoming webhook. Slack answers ``200 ok`` or a
    plain-text error; 404/410 mean the hook is gone, 429 carries Retry-After."""
    response = _post(url, json.dumps({"text": text}).encode(), {}, transport)
    if response.status_code == 200:
        return
    reason = response.text.strip()[:200] or str(response.status_code)
    if response.status_code == 429 or response.status_code >= 500:
        raise Retry(f"Slack answered {response.status_code} {reason}", _retry_after(response))
    raise GiveUp(f"Slack answered {response.status_code} {reason}")


def send_n8n(url: str, secret: str, event: dict[str, Any], *, transport: httpx.BaseTransport | None = None) -> None:
    """POST an event to n8n, signed like the portal's inbound webhooks (``webhooks.sign``)."""
    body = json.dumps(event, separators=(",", ":"), default=str).encode()
    response = _post(url, body, webhooks.sign(secret, body), transport)
    if 200 <= response.status_code < 300:
        return
    if response.status_code in (408, 425, 429) or response.status_code >= 500:
        raise Retry(f"n8n answered {response.status_code}", _retry_after(response))
    raise GiveUp(f"n8n answered {response.status_code} {response.text.strip()[:200]}")
