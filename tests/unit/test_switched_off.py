"""An optional integration whose secret is ``off`` is not connected, exactly as when the secret
is unset: a deployment must give every declared secret a value, and ``make deploy`` creates the
missing optional ones as ``off``. A placeholder would be taken as real; ``off`` never is."""

from __future__ import annotations

import pytest

from portal import config
from portal.assistant import settings as assistant
from portal.errors import NotConnected
from portal.integrations import signatures
from portal.integrations.calendar.adapter import Calendar
from portal.integrations.drive.adapter import Drive
from portal.integrations.outbound import email
from portal.integrations.whop import client as whop


@pytest.mark.parametrize("value", ["off", "OFF", " off "])
def test_off_reads_as_unset(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("N8N_WEBHOOK_SECRET", value)
    assert config.secret("N8N_WEBHOOK_SECRET") == ""
    monkeypatch.setenv("N8N_WEBHOOK_SECRET", "s3cret")
    assert config.secret("N8N_WEBHOOK_SECRET") == "s3cret"


def test_each_integration_is_not_connected_when_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("N8N_WEBHOOK_SECRET", "WHOP_API_KEY", "WHOP_WEBHOOK_SECRET", "OPENAI_API_KEY", "SMTP_PASSWORD",
                 "DRIVE_SERVICE_ACCOUNT_JSON", "GOOGLE_CALENDAR_SERVICE_ACCOUNT_JSON"):  # fmt: skip
        monkeypatch.setenv(name, "off")
    monkeypatch.setenv("DRIVE_ROOT_FOLDER_ID", "root")
    with pytest.raises(NotConnected):
        signatures.verify(signatures.PORTAL, "N8N_WEBHOOK_SECRET", "n8n", {}, b"{}")
    assert whop.from_env() is None
    assert not assistant.configured()
    assert config.drive_root_folder_id() == ""
    with pytest.raises(NotConnected):
        Drive.from_config()
    with pytest.raises(NotConnected):
        Calendar.from_config()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    settings = email.smtp_settings()
    assert settings is not None and settings.password == ""


def test_the_required_secret_cannot_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FIREBASE_AUTH_EMULATOR_HOST", "FUNCTIONS_EMULATOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SESSION_SECRET", "off")
    with pytest.raises(RuntimeError, match="SESSION_SECRET"):
        config.csrf_secret()
