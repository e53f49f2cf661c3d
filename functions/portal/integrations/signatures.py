"""Inbound webhook signatures: one small interface, one class per scheme.

A :class:`Scheme` checks a delivery's raw bytes and headers against a shared secret
before anything is parsed, and raises :class:`SignatureError` (with the API's error
code) when they do not match. :func:`verify` is what a webhook route calls: it reads
the secret from the environment (no secret: the integration is not connected, 503) and
turns a refusal into a 401.

The schemes in use or coming:

- :data:`PORTAL` (n8n, GBU, and what the portal sends to n8n)::

      X-Portal-Timestamp: <unix seconds>
      X-Portal-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>

  within five minutes of now; several comma-separated ``v1=`` values allow rotating
  the secret.
- :data:`WHOP`: Standard Webhooks (``webhook-id``, ``webhook-timestamp``,
  ``webhook-signature: v1,<base64>``) keyed with the secret's own bytes, as Whop signs.
- :data:`CAL_COM`: ``X-Cal-Signature-256: <hex HMAC-SHA256(secret, raw body)>``.
- :data:`CALENDLY`: ``Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex
  HMAC-SHA256(secret, "<t>.<raw body>")>``, within five minutes.
- :data:`GOOGLE_CHANNEL`: Google push notifications carry the token the channel was
  opened with in ``X-Goog-Channel-Token``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .. import config
from ..errors import NotConnected, Unauthenticated

TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """The delivery is not signed with the secret; ``code`` is the API's error code."""

    def __init__(self, message: str, code: str = "bad_signature") -> None:
        super().__init__(message)
        self.code = code


class Scheme(Protocol):
    def check(self, secret: str, headers: Mapping[str, str], body: bytes) -> None:
        """Return if ``body`` with ``headers`` is signed with ``secret``; else raise
        :class:`SignatureError`."""
        ...

    def sign(self, secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        """The headers a sender adds (for the portal's own deliveries and for tests)."""
        ...


def _header(headers: Mapping[str, str], name: str) -> str:
    """A header, whatever its case (request headers are case-insensitive, dicts are not)."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return (value or "").strip()


def _hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _matches(expected: str, given: list[str]) -> bool:
    return any(hmac.compare_digest(expected, g) for g in given)


_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")


def _fresh(timestamp: str, clock: Callable[[], float]) -> None:
    # ASCII digits only, and few enough to be a time: str.isdigit() also takes other
    # scripts' digits, and int() refuses strings of thousands of digits.
    if not _UNIX_SECONDS.fullmatch(timestamp):
        raise SignatureError("Missing webhook signature.")
    if abs(clock() - int(timestamp)) > TOLERANCE_SECONDS:
        raise SignatureError("The webhook timestamp is outside the tolerance.", code="stale_signature")


@dataclass(frozen=True)
class PortalHmac:
    """The portal's own scheme: a timestamped hex HMAC-SHA256 in ``X-Portal-*`` headers."""

    clock: Callable[[], float] = field(default=time.time, compare=False)

    def sign(self, secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        ts = str(int(self.clock()) if timestamp is None else timestamp)
        return {"X-Portal-Timestamp": ts, "X-Portal-Signature": f"v1={_hex_hmac(secret, ts.encode() + b'.' + body)}"}

    def check(self, secret: str, headers: Mapping[str, str], body: bytes) -> None:
        ts = _header(headers, "X-Portal-Timestamp")
        given = [
            p.strip()[3:] for p in _header(headers, "X-Portal-Signature").split(",") if p.strip().startswith("v1=")
        ]
        if not ts.isdigit() or not given:
            raise SignatureError("Missing webhook signature.")
        _fresh(ts, self.clock)
        if not _matches(_hex_hmac(secret, ts.encode() + b"." + body), given):
            raise SignatureError("The webhook signature does not match.")


@dataclass(frozen=True)
class StandardWebhooks:
    """Standard Webhooks (https://www.standardwebhooks.com), checked by its reference
    library. ``literal_key``: the HMAC key is the secret's own bytes (Whop), rather than
    the base64 after ``whsec_`` that the specification describes."""

    literal_key: bool = False

    def _webhook(self, secret: str) -> Any:
        from standardwebhooks import Webhook

        # The library base64-decodes its key: encoding the literal secret cancels that out.
        return Webhook(base64.b64encode(secret.encode()).decode() if self.literal_key else secret)

    def sign(self, secret: str, body: bytes, timestamp: int | None = None, msg_id: str | None = None) -> dict[str, str]:
        import datetime as dt
        import secrets

        ts = int(time.time()) if timestamp is None else timestamp
        msg_id = msg_id or f"msg_{secrets.token_hex(12)}"
        signature = self._webhook(secret).sign(msg_id, dt.datetime.fromtimestamp(ts, dt.UTC), body.decode())
        return {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": signature}

    def check(self, secret: str, headers: Mapping[str, str], body: bytes) -> None:
        from standardwebhooks import WebhookVerificationError

        if not secret:
            raise SignatureError("No webhook secret is configured: cannot verify deliveries.")
        try:
            self._webhook(secret).verify(body, {k.lower(): v for k, v in headers.items()}, json_parse=False)
        except WebhookVerificationError as exc:
            code = "stale_signature" if "timestamp too" in str(exc) else "bad_signature"
            raise SignatureError(f"The webhook signature was refused: {exc}", code=code) from exc
        except Exception as exc:  # a malformed header escapes the library as ValueError or binascii.Error
            raise SignatureError(f"The webhook signature headers are malformed: {exc}") from exc


@dataclass(frozen=True)
class HexHmac:
    """An untimed hex HMAC-SHA256 of the raw body in one header (Cal.com)."""

    header: str

    def sign(self, secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        return {self.header: _hex_hmac(secret, body)}

    def check(self, secret: str, headers: Mapping[str, str], body: bytes) -> None:
        given = _header(headers, self.header).lower().removeprefix("sha256=")
        if not given:
            raise SignatureError("Missing webhook signature.")
        if given == "no-secret-provided":  # Cal.com's value when its webhook has no secret
            raise SignatureError("The webhook is not signed: give it a secret in the provider's settings.")
        if not _matches(_hex_hmac(secret, body), [given]):
            raise SignatureError("The webhook signature does not match.")


@dataclass(frozen=True)
class TimestampedHexHmac:
    """``t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`` in one header
    (Calendly); several ``v1`` values allow rotating the secret."""

    header: str
    clock: Callable[[], float] = field(default=time.time, compare=False)

    def sign(self, secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        ts = str(int(self.clock()) if timestamp is None else timestamp)
        return {self.header: f"t={ts},v1={_hex_hmac(secret, ts.encode() + b'.' + body)}"}

    def check(self, secret: str, headers: Mapping[str, str], body: bytes) -> None:
        parts = [p.strip().partition("=") for p in _header(headers, self.header).split(",")]
        ts = next((v for k, _, v in parts if k == "t"), "")
        given = [v for k, _, v in parts if k == "v1" and v]
        if not ts or not given:
            raise SignatureError("Missing webhook signature.")
        _fresh(ts, self.clock)
        if not _matches(_hex_hmac(secret, ts.encode() + b"." + body), given):
            raise SignatureError("The webhook signature does not match.")


@dataclass(frozen=True)
class ChannelToken:
    """A shared token echoed in a header (Google push notification channels)."""

    header: str

    def sign(self, secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        return {self.header: secret}

    def check(self, secret: str, headers: Mapping[str, str], body: bytes) -> None:
        given = _header(headers, self.header)
        if not given:
            raise SignatureError("Missing channel token.")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            raise SignatureError("The channel token does not match.")


PORTAL = PortalHmac()
WHOP = StandardWebhooks(literal_key=True)
CAL_COM = HexHmac("X-Cal-Signature-256")
CALENDLY = TimestampedHexHmac("Calendly-Webhook-Signature")
GOOGLE_CHANNEL = ChannelToken("X-Goog-Channel-Token")


def verify(scheme: Scheme, secret_name: str, integration: str, headers: Any, body: bytes) -> None:
    """Raise unless ``body`` is signed by ``integration`` with the secret named
    ``secret_name``: NotConnected without the secret, Unauthenticated on a bad signature."""
    secret = config.secret(secret_name)
    if not secret:
        raise NotConnected(f"{integration} is not connected: set {secret_name} to receive its webhooks.")
    try:
        scheme.check(secret, headers, body)
    except SignatureError as exc:
        raise Unauthenticated(str(exc), code=exc.code) from None
