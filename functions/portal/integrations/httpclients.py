"""One ``httpx.Client`` per adapter (or per process), built on first use and shared by threads.

Building a client costs far more than a request over a kept connection (a TLS context is
made for every client: ``bench/http_clients.py``), and a client is thread-safe, so the
adapters keep one each instead of building one per call. What differs per request (an
access token) is passed with the request, never set on the shared client.

Created lazily, a client is never inherited across ``fork``: a child process that finds one
its parent built makes its own (two processes reading one socket read each other's answers),
and drops the parent's without closing it, which would end the parent's connections.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import httpx

LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=30.0)
"""More connections than the concurrent requests an instance serves (Cloud Run's default is
80), so that a request never queues for one; idle ones are kept for 30 s (httpx: 5 s), so
that requests a few seconds apart reuse them."""

_LOCK = threading.Lock()


def _new_lock() -> None:
    global _LOCK
    _LOCK = threading.Lock()  # a lock some other thread held at fork would stay held in the child


os.register_at_fork(after_in_child=_new_lock)


class SharedClient:
    """An ``httpx.Client`` made with ``options`` (``transport``, ``timeout``...; ``limits``
    defaults to :data:`LIMITS`) on the first :meth:`get` in a process, then reused."""

    def __init__(self, **options: Any) -> None:
        self._options = {"limits": LIMITS, **options}
        self._client: httpx.Client | None = None
        self._pid = 0

    def get(self) -> httpx.Client:
        client, pid = self._client, os.getpid()
        if client is not None and self._pid == pid:
            return client
        with _LOCK:
            if self._client is None or self._pid != pid:
                self._client, self._pid = httpx.Client(**self._options), pid
            return self._client

    def close(self) -> None:
        """Close the client (if this process built it); the next :meth:`get` builds another."""
        with _LOCK:
            client, self._client = self._client, None
            if client is not None and self._pid == os.getpid():
                client.close()
