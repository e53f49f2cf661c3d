"""Billing rules that need no emulator: not connected, alerts, the outbound channels."""

from __future__ import annotations

import httpx
import pytest

from portal import webhooks
from portal.billing import service as billing
from portal.errors import NotConnected
from portal.integrations import outbound


def test_without_whop_credentials_billing_says_it_is_not_connected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WHOP_API_KEY", raising=False)
    billing.use_adapter(None)
    assert billing.adapter() is None
    with pytest.raises(NotConnected):
        billing.verify_webhook(b"{}", {})


def test_the_alert_is_for_past_due_only() -> None:
    assert billing.alert_for({"status": "active"}) is None
    alert = billing.alert_for({"status": "past_due", "manageUrl": "https://pay"})
    assert alert is not None and alert["manageUrl"] == "https://pay"


def _answer(status: int, text: str = "", headers: dict | None = None) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, text=text, headers=headers or {}))


def test_slack_answers_map_to_retry_or_give_up() -> None:
    outbound.send_slack("https://hooks.slack.test/x", "hi", transport=_answer(200, "ok"))
    with pytest.raises(outbound.Retry) as exc:
        outbound.send_slack(
            "https://hooks.slack.test/x", "hi", transport=_answer(429, "rate_limited", {"Retry-After": "30"})
        )
    assert exc.value.retry_after == 30
    with pytest.raises(outbound.Retry):
        outbound.send_slack("https://hooks.slack.test/x", "hi", transport=_answer(503))
    for gone in (404, 410):
        with pytest.raises(outbound.GiveUp):
            outbound.send_slack("https://hooks.slack.test/x", "hi", transport=_answer(gone, "no_service"))
    with pytest.raises(outbound.GiveUp):
        outbound.send_slack("https://hooks.slack.test/x", "hi", transport=_answer(400, "invalid_payload"))


def test_n8n_events_are_signed_and_failures_classified(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    outbound.send_n8n("https://n8n.test/hook", "secret", {"event": "x"}, transport=httpx.MockTransport(record))
    request = seen[0]
    webhooks_headers = {
        "X-Portal-Timestamp": request.headers["x-portal-timestamp"],
        "X-Portal-Signature": request.headers["x-portal-signature"],
    }
    monkeypatch.setenv("T_N8N", "secret")  # the name verify() reads the secret from
    webhooks.verify("T_N8N", "n8n", webhooks_headers, request.content)
    with pytest.raises(outbound.Retry):
        outbound.send_n8n("https://n8n.test/hook", "s", {}, transport=_answer(502))
    with pytest.raises(outbound.GiveUp):
        outbound.send_n8n("https://n8n.test/hook", "s", {}, transport=_answer(401))

    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with pytest.raises(outbound.Retry):
        outbound.send_n8n("https://n8n.test/hook", "s", {}, transport=httpx.MockTransport(boom))
