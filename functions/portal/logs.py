"""Structured logs: one JSON object per line, with Cloud Logging's field names.

Request-scoped fields (request id, uid, orgId) are kept in context variables and
added to every line written while a request is handled.
"""

from __future__ import annotations

import json
import sys
import time
from contextvars import ContextVar
from typing import Any, TextIO

_stream: list[TextIO | None] = [None]  # None: whatever sys.stdout is now
_context: ContextVar[dict[str, Any] | None] = ContextVar("log_context", default=None)


def bind(**fields: Any) -> None:
    """Add fields to every log line of the current request."""
    current = dict(_context.get() or {})
    current.update({k: v for k, v in fields.items() if v is not None})
    _context.set(current)


def to_stream(stream: TextIO) -> None:
    """Write log lines to ``stream`` (the CLI keeps stdout for its own output)."""
    _stream[0] = stream


def reset() -> None:
    _context.set({})


def log(severity: str, message: str, **fields: Any) -> None:
    entry: dict[str, Any] = {"severity": severity, "message": message, "time": time.time()}
    entry.update(_context.get() or {})
    entry.update(fields)
    out = _stream[0] or sys.stdout
    out.write(json.dumps(entry, default=str) + "\n")
    out.flush()


def info(message: str, **fields: Any) -> None:
    log("INFO", message, **fields)


def warning(message: str, **fields: Any) -> None:
    log("WARNING", message, **fields)


def error(message: str, **fields: Any) -> None:
    log("ERROR", message, **fields)
