"""Slack incoming webhooks."""

from __future__ import annotations

import json

import httpx

from .errors import GiveUp, Retry
from .http import post, retry_after


def send_slack(url: str, text: str, *, transport: httpx.BaseTransport | None = None) -> None:
    """Post ``text`` to a Slack incoming webhook. Slack answers ``200 ok`` or a
    plain-text error; 404/410 mean the hook is gone, 429 carries Retry-After."""
    response = post(url, json.dumps({"text": text}).encode(), {}, transport)
    if response.status_code == 200:
        return
    reason = response.text.strip()[:200] or str(response.status_code)
    if response.status_code == 429 or response.status_code >= 500:
        raise Retry(f"Slack answered {response.status_code} {reason}", retry_after(response))
    raise GiveUp(f"Slack answered {response.status_code} {reason}")
