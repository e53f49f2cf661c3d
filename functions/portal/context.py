"""The request being served: its id, the client's address and the caller.

The pipeline sets it for each request; audit entries and log lines read it, so no
service passes ``ip`` or ``request_id`` along. Outside a request (admin CLI,
triggers, scheduled and task functions) it is empty, or whatever the runner sets.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from .identity import Caller


@dataclass(frozen=True)
class RequestContext:
    request_id: str | None = None
    ip: str | None = None
    caller: Caller | None = None


_EMPTY = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("request_context", default=_EMPTY)


def current() -> RequestContext:
    return _current.get()


def update(**fields: Any) -> None:
    """Add what became known about the request (the ip, then the caller)."""
    _current.set(dataclasses.replace(_current.get(), **fields))


@contextlib.contextmanager
def serving(**fields: Any) -> Iterator[RequestContext]:
    """Run a block with a fresh context of its own, restored afterwards."""
    token = _current.set(RequestContext(**fields))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
