"""What the Google adapters (Drive, Calendar) share: the bundled discovery documents, moved
to a local stand-in's address when one is configured, the credentials a key setting names,
and the discovery-based client built from both, which threads may share (each request goes
over its thread's own transport). Nothing heavy is imported at module import.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any


@cache
def _bundled_document(name: str) -> str:
    from importlib import resources

    return (resources.files("googleapiclient") / "discovery_cache" / "documents" / f"{name}.json").read_text()


def discovery_document(name: str, root_url: str | None = None) -> dict[str, Any]:
    """The bundled discovery document ``name`` (``"drive.v3"``), moved to ``root_url`` when given."""
    doc: dict[str, Any] = json.loads(_bundled_document(name))
    if root_url:
        root = root_url.rstrip("/") + "/"
        doc["rootUrl"] = root
        doc["mtlsRootUrl"] = root
        doc["baseUrl"] = root + doc["servicePath"]
    return doc


def credentials(key: str, api_url: str | None, scopes: Sequence[str]) -> Any:
    """Credentials for a key setting: a service account's JSON key; with a stand-in's address
    any bearer token; otherwise (``"default"``) the runtime's own service account."""
    key = key.strip()
    if key.startswith("{"):
        from google.oauth2 import service_account

        return service_account.Credentials.from_service_account_info(json.loads(key), scopes=list(scopes))
    if api_url:
        from google.oauth2.credentials import Credentials

        return Credentials(token="stand-in")  # noqa: S106 - not a secret
    import google.auth

    found, _ = google.auth.default(scopes=list(scopes))
    return found


class PerThreadHttp:
    """An httplib2 transport per thread (and per process), made by ``make`` on a thread's first
    request. ``httplib2.Http`` is not thread-safe: threads sharing one send requests over the
    same connection and read each other's answers, or wait for an answer another thread read
    (google-api-python-client's "Thread safety" page). A thread keeps its own, and with it its
    kept-alive connection; a forked child makes new ones instead of sharing its parent's sockets."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._local = threading.local()

    def get(self) -> Any:
        held: tuple[int, Any] | None = getattr(self._local, "held", None)
        if held is None or held[0] != os.getpid():
            held = self._local.held = (os.getpid(), self._make())
        return held[1]


def service(document: dict[str, Any], credentials: Any, *, http: Any = None, timeout: int = 30) -> Any:
    """The discovery-based client for ``document``, built once and safe to share between threads:
    each request is built on the calling thread's own authorised ``httplib2.Http`` (the library's
    ``requestBuilder`` hook), so a request is executed on the thread that built it, as the adapters
    do. ``http``: an httplib2-compatible object every request uses as it is (tests, one thread at
    a time)."""
    from googleapiclient.discovery import build_from_document
    from googleapiclient.http import HttpRequest

    if http is not None:
        return build_from_document(document, http=_authorized(http, credentials))

    def new_http() -> Any:
        import httplib2

        return _authorized(httplib2.Http(timeout=timeout), credentials)

    per_thread = PerThreadHttp(new_http)

    def request_builder(_shared: Any, *args: Any, **kwargs: Any) -> HttpRequest:
        return HttpRequest(per_thread.get(), *args, **kwargs)

    return build_from_document(document, http=per_thread.get(), requestBuilder=request_builder)


def _authorized(http: Any, credentials: Any) -> Any:
    if credentials is None:
        return http
    import google_auth_httplib2

    return google_auth_httplib2.AuthorizedHttp(credentials, http=http)
