"""Structured logs: one JSON object per line, with Cloud Logging's field names.

Every line written while a request is handled carries the request's id, the
client's address and the caller (from :mod:`portal.context`) and whatever else was
bound for the request (the function's name).
"""

from __future__ import annotations

import json
import sys
import time
from contextvars import ContextVar
from typing import Any, TextIO

from . import context

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
    request = context.current()
    caller = request.caller
    scoped = {"requestId": request.request_id, "ip": request.ip}
    if caller is not None:
        scoped.update(uid=caller.uid, orgId=caller.org_id, role=caller.role.value)
    entry.update({k: v for k, v in scoped.items() if v is not None})
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
