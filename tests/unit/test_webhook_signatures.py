from __future__ import annotations

import time

import pytest

from portal import webhooks
from portal.errors import Unauthenticated


def test_sign_and_verify_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_SECRET", "s3cret")
    body = b'{"a": 1}'
    webhooks.verify("X_SECRET", "X", webhooks.sign("s3cret", body), body)


def test_rotation_accepts_any_listed_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_SECRET", "new")
    body = b"{}"
    ts = int(time.time())
    old, new = webhooks.sign("old", body, ts), webhooks.sign("new", body, ts)
    headers = {
        "X-Portal-Timestamp": str(ts),
        "X-Portal-Signature": f"{old['X-Portal-Signature']}, {new['X-Portal-Signature']}",
    }
    webhooks.verify("X_SECRET", "X", headers, body)


def test_a_changed_body_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_SECRET", "s3cret")
    with pytest.raises(Unauthenticated):
        webhooks.verify("X_SECRET", "X", webhooks.sign("s3cret", b"{}"), b'{"a":1}')


def test_without_a_secret_the_integration_says_it_is_not_connected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_SECRET", raising=False)
    with pytest.raises(webhooks.NotConnected) as exc:
        webhooks.verify("X_SECRET", "n8n", {}, b"{}")
    assert exc.value.status == 503 and "not connected" in exc.value.message
