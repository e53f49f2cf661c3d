"""HTTP for the outbound channels: a POST whose network failures mean :class:`Retry`."""

from __future__ import annotations

import httpx

from .errors import Retry

TIMEOUT = 10.0


def post(url: str, body: bytes, headers: dict[str, str], transport: httpx.BaseTransport | None) -> httpx.Response:
    try:
        with httpx.Client(transport=transport, timeout=TIMEOUT) as client:
            return client.post(url, content=body, headers={"Content-Type": "application/json", **headers})
    except httpx.HTTPError as exc:
        raise Retry(f"{type(exc).__name__}: {exc}") from None


def retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
