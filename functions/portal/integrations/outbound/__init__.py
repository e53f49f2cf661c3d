"""Outbound channels: one module per channel, the same contract for each.

A channel's ``send`` either returns (delivered), raises :class:`Retry` (try again
later, maybe after ``retry_after`` seconds) or raises :class:`GiveUp` (retrying cannot
help: the hook is gone, the payload is refused). ``transport`` swaps the network for a
stand-in in tests. The delivery outbox (``portal.deliveries``) calls them from its task
queue; a new channel (e-mail over SMTP, a calendar, a file store) is one more module
here with a ``send`` of the same shape.

- ``slack``: Slack incoming webhooks;
- ``n8n``: signed HTTPS POSTs to n8n (the portal's own signature scheme);
- ``email``: mail over SMTP (notifications, digests).
"""

from __future__ import annotations

from .email import SmtpSettings, send_email, smtp_settings
from .errors import GiveUp, Retry
from .n8n import send_n8n
from .slack import send_slack

__all__ = ["GiveUp", "Retry", "SmtpSettings", "send_email", "send_n8n", "send_slack", "smtp_settings"]
