"""Structured logs: one JSON object per line, with Cloud Logging's field names.

Every line carries ``severity``, ``message``, ``time`` (RFC 3339, UTC) and the ``release``
being served (:func:`portal.config.release`). A line written while a request is handled
also carries the request's id, the client's address and the caller (from
:mod:`portal.context`) and whatever else was bound for the request: the function's name
and the request's trace (:func:`trace_fields`), which Cloud Logging uses to group the
lines of one request under its request log.

A line at ERROR severity is also an error event for Error Reporting: it carries the
``@type`` of a ``ReportedErrorEvent`` (which Error Reporting needs to take a line without a
stack trace) and a ``serviceContext`` naming the function and the release; given the
exception (``exc=``), the line's ``stack_trace`` holds its traceback, which Error Reporting
reads first and groups by.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import time
import traceback
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, TextIO

from . import config, context

_stream: list[TextIO | None] = [None]  # None: whatever sys.stdout is now
_context: ContextVar[dict[str, Any] | None] = ContextVar("log_context", default=None)

TRACE = "logging.googleapis.com/trace"
SPAN = "logging.googleapis.com/spanId"
SAMPLED = "logging.googleapis.com/trace_sampled"
ERROR_EVENT = "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent"
ERROR_SEVERITIES = frozenset({"ERROR", "CRITICAL", "ALERT", "EMERGENCY"})

_CLOUD_TRACE = re.compile(r"^([0-9a-fA-F]{32})(?:/([0-9]{1,20}))?(?:;o=([0-9]+))?$")
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$")


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


def timestamp(at: float | None = None) -> str:
    """``at`` (seconds since the epoch; now when None) in RFC 3339, UTC, to the microsecond."""
    moment = dt.datetime.fromtimestamp(time.time() if at is None else at, dt.UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def trace_fields(headers: Mapping[str, str], project: str) -> dict[str, Any]:
    """The Cloud Logging trace fields of a request: ``logging.googleapis.com/trace``
    (``projects/<project>/traces/<trace id>``), ``.../spanId`` (16 hex digits) and
    ``.../trace_sampled``, from a W3C ``traceparent`` header (``00-<trace>-<span>-<flags>``)
    or else Google's ``X-Cloud-Trace-Context`` (``<trace>/<decimal span>;o=1``). Nothing
    when neither is there or readable, or the project is unknown: a header is a caller's
    word, so whatever it says is only ever a field of the lines or nothing."""
    if not project:
        return {}
    trace = span = None
    sampled: bool | None = None
    parent = _TRACEPARENT.match((headers.get("traceparent") or "").strip())
    if parent and parent[1] != "ff" and parent[2].strip("0") and parent[3].strip("0"):
        trace, span, sampled = parent[2], parent[3], bool(int(parent[4], 16) & 1)
    else:
        cloud = _CLOUD_TRACE.match((headers.get("X-Cloud-Trace-Context") or "").strip())
        if cloud and cloud[1].strip("0"):
            trace = cloud[1].lower()
            number = int(cloud[2]) if cloud[2] else 0
            span = f"{number:016x}" if 0 < number < 2**64 else None
            sampled = cloud[3] == "1" if cloud[3] is not None else None
    if trace is None:
        return {}
    fields: dict[str, Any] = {TRACE: f"projects/{project}/traces/{trace}"}
    if span:
        fields[SPAN] = span
    if sampled is not None:
        fields[SAMPLED] = sampled
    return fields


def stack_trace(exc: BaseException) -> str:
    """The traceback of ``exc`` as Python prints it (which Error Reporting parses)."""
    return "".join(traceback.format_exception(exc))


def log(severity: str, message: str, *, exc: BaseException | None = None, **fields: Any) -> None:
    release = config.release()
    entry: dict[str, Any] = {"severity": severity, "message": message, "time": timestamp(), "release": release}
    request = context.current()
    caller = request.caller
    scoped = {"requestId": request.request_id, "ip": request.ip}
    if caller is not None:
        scoped.update(uid=caller.uid, orgId=caller.org_id, role=caller.role.value)
    entry.update({k: v for k, v in scoped.items() if v is not None})
    entry.update(_context.get() or {})
    entry.update(fields)
    if exc is not None:
        entry.setdefault("error", repr(exc)[:500])
        entry["stack_trace"] = stack_trace(exc)
    if severity in ERROR_SEVERITIES:
        service = entry.get("function") or os.environ.get("K_SERVICE") or "portal"
        entry.setdefault("@type", ERROR_EVENT)
        entry.setdefault("serviceContext", {"service": str(service), "version": release})
    out = _stream[0] or sys.stdout
    out.write(json.dumps(entry, default=str) + "\n")
    out.flush()


def info(message: str, **fields: Any) -> None:
    log("INFO", message, **fields)


def warning(message: str, **fields: Any) -> None:
    log("WARNING", message, **fields)


def error(message: str, *, exc: BaseException | None = None, **fields: Any) -> None:
    """An ERROR line (an error event for Error Reporting); with ``exc``, its traceback."""
    log("ERROR", message, exc=exc, **fields)
