"""What the Google adapters (Drive, Calendar) share: the bundled discovery documents, moved
to a local stand-in's address when one is configured, the credentials a key setting names,
and the discovery-based client built from both. Nothing heavy is imported at module import.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
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


def service(document: dict[str, Any], credentials: Any, *, http: Any = None, timeout: int = 30) -> Any:
    """The discovery-based client for ``document``; ``http`` an httplib2-compatible object (tests)."""
    import httplib2
    from googleapiclient.discovery import build_from_document

    transport = http or httplib2.Http(timeout=timeout)
    if credentials is not None:
        import google_auth_httplib2

        transport = google_auth_httplib2.AuthorizedHttp(credentials, http=transport)
    return build_from_document(document, http=transport)
