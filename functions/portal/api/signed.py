"""What the routes of inbound webhooks signed with a shared secret (n8n, GBU) share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .web import Ctx

SIGNED = (
    "Signed with the integration's shared secret: `X-Portal-Timestamp: <unix seconds>` and "
    '`X-Portal-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`, within 5 minutes. '
    "Idempotent by `eventId`: a redelivery answers `duplicate: true` and changes nothing."
)
"""The description of such a webhook in the OpenAPI document."""


def signed_by(secret_name: str, integration: str) -> Callable[[Ctx], Any]:
    """An operation's ``verify``: the raw request carries a fresh signature made with the secret."""

    def verify(ctx: Ctx) -> None:
        from .. import webhooks

        webhooks.verify(secret_name, integration, ctx.request.headers, ctx.raw_body)

    return verify
