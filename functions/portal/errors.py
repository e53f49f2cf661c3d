"""Errors the portal reports to callers, each with its HTTP status and a stable code."""

from __future__ import annotations

from typing import Any


class PortalError(Exception):
    """Base class: an error whose message is safe to show to the caller."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return {"error": body}


class BadRequest(PortalError):
    status, code = 400, "bad_request"


class Unauthenticated(PortalError):
    status, code = 401, "unauthenticated"


class Forbidden(PortalError):
    status, code = 403, "forbidden"


class NotFound(PortalError):
    status, code = 404, "not_found"


class MethodNotAllowed(PortalError):
    status, code = 405, "method_not_allowed"


class Conflict(PortalError):
    status, code = 409, "conflict"


class Gone(PortalError):
    status, code = 410, "gone"


class PayloadTooLarge(PortalError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(PortalError):
    status, code = 415, "unsupported_media_type"


class RangeNotSatisfiable(PortalError):
    """A ``Range`` outside the body; the response names the body's size."""

    status, code = 416, "range_not_satisfiable"

    def __init__(self, size: int) -> None:
        super().__init__("The requested range is not satisfiable.")
        self.size = size


class BadGateway(PortalError):
    """An upstream service (an integration) failed in a way retrying now will not fix."""

    status, code = 502, "upstream_error"


class NotConnected(PortalError):
    """An integration has no credentials: the portal runs and says so."""

    status, code = 503, "integration_not_connected"


class Unavailable(PortalError):
    """The portal itself cannot serve now (its database is unreachable)."""

    status, code = 503, "unavailable"


class RateLimited(PortalError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
