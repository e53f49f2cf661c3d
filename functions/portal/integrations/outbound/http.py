"""HTTP for the outbound channels: a POST whose network failures mean :class:`Retry`.

The POSTs share one ``httpx`` client per process (built on first use; its connections to
Slack and n8n are kept between deliveries). A given ``transport`` (tests) gets a client of
its own for the call, which costs little: only a client over the network makes a TLS context.
"""

from __future__ import annotations

import httpx

from ..httpclients import SharedClient
from .errors import Retry

TIMEOUT = 10.0
_CLIENT = SharedClient(timeout=TIMEOUT)


def post(url: str, body: bytes, headers: dict[str, str], transport: httpx.BaseTransport | None) -> httpx.Response:
    all_headers = {"Content-Type": "application/json", **headers}
    try:
        if transport is None:
            return _CLIENT.get().post(url, content=body, headers=all_headers)
        with httpx.Client(transport=transport, timeout=TIMEOUT) as client:
            return client.post(url, content=body, headers=all_headers)
    except httpx.HTTPError as exc:
        raise Retry(f"{type(exc).__name__}: {exc}") from None


def retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
