"""The Whop adapter's errors, and the translation of the SDK's and the network's into them.

``whop_sdk`` is imported only when an error has to be translated."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping

import httpx


class WhopError(Exception):
    """Whop refused or could not answer a request (the base of the errors below)."""


class WhopUnavailable(WhopError):
    """Whop is down, slow, unreachable or rate limiting: try again later.

    ``retry_after`` is the number of seconds Whop asked us to wait, when it said.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WhopNotFound(WhopError):
    """The membership (or other object) does not exist for this company."""


class WhopSignatureError(WhopError):
    """A webhook delivery is not provably from Whop: reject it (HTTP 400/401)."""


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or an HTTP date), if Whop said."""
    value = _header(headers, "retry-after")
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    parsed = email.utils.parsedate_tz(value)
    return max(0.0, email.utils.mktime_tz(parsed) - time.time()) if parsed else None


def translate(error: Exception) -> WhopError:
    """The portal's error for an SDK or httpx exception."""
    from whop_sdk.core.api_error import ApiError
    from whop_sdk.core.parse_error import ParsingError

    if isinstance(error, httpx.TimeoutException):
        return WhopUnavailable("Whop did not answer in time")
    if isinstance(error, httpx.TransportError):
        return WhopUnavailable(f"Whop is unreachable: {error}")
    if isinstance(error, ParsingError):
        return WhopError("Whop answered in a shape the SDK does not understand")
    if not isinstance(error, ApiError):
        return WhopError(str(error))
    code = error.status_code or 0
    if code == 404:
        return WhopNotFound("Whop has no such object for this company")
    if code == 429:
        wait = retry_after_seconds(error.headers)
        return WhopUnavailable("Whop is rate limiting the portal", retry_after=wait)
    if code >= 500 or code == 408:
        return WhopUnavailable(f"Whop is unavailable (HTTP {code})")
    return WhopError(f"Whop refused the request (HTTP {code})")
