"""Where the browser reports its errors, without emulators: the ``errorTracking`` part of
``GET /api/auth/config``, and the Content-Security-Policy that lets it reach the ingest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portal.auth import session

ROOT = Path(__file__).resolve().parents[2]


def test_the_browser_reports_nowhere_unless_given_its_own_dsn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENTRY_BROWSER_DSN", raising=False)
    monkeypatch.setenv("SENTRY_DSN", "https://backend@o1.ingest.sentry.io/1")  # the functions' own: not the browser's
    assert session.web_config()["errorTracking"] is None
    monkeypatch.setenv("SENTRY_BROWSER_DSN", "none")
    assert session.web_config()["errorTracking"] is None


def test_the_browser_dsn_comes_with_the_release_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENTRY_BROWSER_DSN", "https://browserkey@o1.ingest.sentry.io/2")
    monkeypatch.delenv("PORTAL_RELEASE", raising=False)
    tracking = session.web_config()["errorTracking"]
    assert tracking["dsn"] == "https://browserkey@o1.ingest.sentry.io/2"
    assert tracking["release"] == "dev" and tracking["environment"] == session.web_config()["firebase"]["projectId"]
    monkeypatch.setenv("PORTAL_RELEASE", "v42")
    assert session.web_config()["errorTracking"]["release"] == "v42"


def test_the_emulators_policy_allows_the_local_ingest_stand_in() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import emulator_config

    config = emulator_config.development_config(json.loads((ROOT / "firebase.json").read_text()))
    app = next(b for b in config["hosting"]["headers"] if b.get("source") == "**")
    (csp,) = (h["value"] for h in app["headers"] if h["key"] == "Content-Security-Policy")
    assert f"http://127.0.0.1:{emulator_config.ERROR_INGEST_PORT}" in csp and "https://*.ingest.sentry.io" in csp
