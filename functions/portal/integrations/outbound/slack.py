"""Slack incoming webhooks."""

from __future__ import annotations

import json

import httpx

from .errors import GiveUp, Retry
from .http import post, retry_after


def escape_mrkdwn(text: str) -> str:
    """``text`` as Slack shows it literally: ``&``, ``<`` and ``>`` escaped as Slack's mrkdwn
    asks, so no text that came from a person becomes a ``<!channel>`` ping, a mention or a
    link whose label hides where it goes. Emoji codes and URLs written out stay as they are."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def send_slack(url: str, text: str, *, transport: httpx.BaseTransport | None = None) -> None:
    """Post ``text`` to a Slack incoming webhook, escaped (:func:`escape_mrkdwn`: every Slack
    message goes through here). Slack answers ``200 ok`` or a plain-text error; 404/410 mean
    the hook is gone, 429 carries Retry-After."""
    response = post(url, json.dumps({"text": escape_mrkdwn(text)}).encode(), {}, transport)
    if response.status_code == 200:
        return
    reason = response.text.strip()[:200] or str(response.status_code)
    if response.status_code == 429 or response.status_code >= 500:
        raise Retry(f"Slack answered {response.status_code} {reason}", retry_after(response))
    raise GiveUp(f"Slack answered {response.status_code} {reason}")
