"""The daily backup starts one managed export of the whole database into a dated folder,
and does nothing when no bucket is configured."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from portal import backups, config


class _Admin:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def export_documents(self, request: dict[str, Any]) -> Any:
        self.requests.append(request)
        return SimpleNamespace(operation=SimpleNamespace(name="operations/x"))


def test_export_to_a_dated_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKUP_BUCKET", "my-portal-backups/firestore/")
    monkeypatch.setenv("GCLOUD_PROJECT", "my-portal")
    config.project_id.cache_clear()
    admin = _Admin()
    prefix = backups.export(admin=admin, now=dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC))
    assert prefix == "gs://my-portal-backups/firestore/2026-11-25T0200Z"
    config.project_id.cache_clear()
    assert admin.requests == [{"name": "projects/my-portal/databases/(default)", "output_uri_prefix": prefix}]


def test_no_bucket_no_backup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BACKUP_BUCKET", raising=False)
    admin = _Admin()
    assert backups.export(admin=admin) is None
    assert admin.requests == []
