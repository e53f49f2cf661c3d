"""Whop billing adapter: memberships, payments and signed webhooks, through ``whop-sdk``.

The core asks "billing" three things: where does this client's membership stand, what has
been paid, and what just happened (a webhook). This module answers them in plain
dataclasses that know nothing of Whop's wire formats:

* ``BillingState``: one membership, its status normalised to ``active | past_due |
  canceled | paused`` (Whop's own value is kept in ``raw_status``).
* ``Payment``: one charge, amounts in integer minor units (cents for USD).
* ``WhopEvent``: one verified webhook delivery.

Whop sends webhooks in two shapes and both are accepted. An endpoint not pinned to an API
version date gets the legacy shape (nested ``user``/``plan``/``company`` objects, float
amounts, ``renewal_period_end``, ``company_id`` on the envelope); a pinned one gets
``*_id`` fields, money objects (``{"amount": "10.00", "currency": "usd", "decimals": 2}``),
``current_period_end`` and ``account_id``. The API itself is read through the SDK, which
pins its own version date, so API answers always arrive in the pinned shape.

``whop_sdk`` is imported inside the functions that need it, never at module import, so a
cold start that never touches billing never pays for it.

The package:

* ``models``: the plain dataclasses above and the statuses;
* ``parsing``: Whop's JSON (both webhook shapes, API answers) into those dataclasses;
* ``errors``: the adapter's exceptions and the translation of the SDK's and the network's;
* ``client``: :class:`WhopBilling` (the SDK behind the billing port), :func:`from_env` and
  :func:`shared_from_env` (the one the process's requests share).

Webhook signatures are Standard Webhooks, checked with ``integrations.signatures.WHOP``.
"""

from __future__ import annotations

from .client import WhopBilling, from_env, shared_from_env
from .errors import WhopError, WhopNotFound, WhopSignatureError, WhopUnavailable, retry_after_seconds
from .models import BillingState, Payment, PaymentStatus, Status, WhopEvent
from .parsing import event_from_payload, payment_from_invoice, payment_from_receipt, state_from_membership

__all__ = [
    "BillingState",
    "Payment",
    "PaymentStatus",
    "Status",
    "WhopBilling",
    "WhopError",
    "WhopEvent",
    "WhopNotFound",
    "WhopSignatureError",
    "WhopUnavailable",
    "event_from_payload",
    "from_env",
    "payment_from_invoice",
    "payment_from_receipt",
    "retry_after_seconds",
    "shared_from_env",
    "state_from_membership",
]
