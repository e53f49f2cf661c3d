"""The two ways an outbound send fails."""

from __future__ import annotations


class Retry(Exception):
    """Try again later (after ``retry_after`` seconds, when the other side said)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GiveUp(Exception):
    """Retrying cannot help: the hook is gone or the payload is refused."""
