"""The inbound signature schemes behind one interface (integrations.signatures)."""

from __future__ import annotations

import time

import pytest

from portal.errors import NotConnected, Unauthenticated
from portal.integrations import signatures
from portal.integrations.signatures import SignatureError

BODY = b'{"eventId":"e-1","type":"project.status"}'
SCHEMES = {
    "portal": signatures.PORTAL,
    "whop": signatures.WHOP,
    "standard": signatures.StandardWebhooks(),
    "cal.com": signatures.CAL_COM,
    "calendly": signatures.CALENDLY,
    "google": signatures.GOOGLE_CHANNEL,
}
SECRET = {"standard": "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM="}
OTHER = {"standard": "whsec_b3RoZXI="}


@pytest.mark.parametrize("name", SCHEMES)
def test_each_scheme_accepts_what_it_signs_and_refuses_a_changed_body_or_secret(name: str) -> None:
    scheme, secret = SCHEMES[name], SECRET.get(name, "s3cret")
    headers = scheme.sign(secret, BODY)
    scheme.check(secret, headers, BODY)
    scheme.check(secret, {k.lower(): v for k, v in headers.items()}, BODY)  # header names in any case
    if name != "google":  # a channel token does not cover the body
        with pytest.raises(SignatureError):
            scheme.check(secret, headers, BODY + b" ")
    with pytest.raises(SignatureError):
        scheme.check(OTHER.get(name, "other"), headers, BODY)


@pytest.mark.parametrize("name", SCHEMES)
def test_each_scheme_refuses_a_delivery_without_its_headers(name: str) -> None:
    with pytest.raises(SignatureError) as caught:
        SCHEMES[name].check(SECRET.get(name, "s3cret"), {}, BODY)
    assert caught.value.code == "bad_signature"


@pytest.mark.parametrize("name", ["portal", "whop", "calendly"])
@pytest.mark.parametrize("offset", [-600, 600])
def test_timed_schemes_refuse_a_stale_timestamp(name: str, offset: int) -> None:
    scheme = SCHEMES[name]
    headers = scheme.sign("s3cret", BODY, int(time.time()) + offset)
    with pytest.raises(SignatureError) as caught:
        scheme.check("s3cret", headers, BODY)
    assert caught.value.code == "stale_signature"


def test_portal_and_calendly_accept_any_of_several_signatures_while_a_secret_rotates() -> None:
    ts = int(time.time())
    old, new = signatures.PORTAL.sign("old", BODY, ts), signatures.PORTAL.sign("new", BODY, ts)
    both = {**new, "X-Portal-Signature": f"{old['X-Portal-Signature']}, {new['X-Portal-Signature']}"}
    signatures.PORTAL.check("new", both, BODY)
    header = "Calendly-Webhook-Signature"
    c_old, c_new = signatures.CALENDLY.sign("old", BODY, ts), signatures.CALENDLY.sign("new", BODY, ts)
    signatures.CALENDLY.check("new", {header: f"{c_old[header]},{c_new[header].split(',')[1]}"}, BODY)


def test_the_portal_scheme_is_the_documented_hmac() -> None:
    import hashlib
    import hmac

    headers = signatures.PORTAL.sign("s3cret", BODY, 1_700_000_000)
    digest = hmac.new(b"s3cret", b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert headers == {"X-Portal-Timestamp": "1700000000", "X-Portal-Signature": f"v1={digest}"}


def test_cal_com_is_the_hex_hmac_of_the_body() -> None:
    import hashlib
    import hmac

    digest = hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest()
    signatures.CAL_COM.check("s3cret", {"X-Cal-Signature-256": digest}, BODY)


def test_a_malformed_standard_webhooks_signature_is_a_refusal_not_a_crash() -> None:
    headers = {**signatures.WHOP.sign("ws_secret", BODY), "webhook-signature": "v1,not base64!"}
    with pytest.raises(SignatureError):
        signatures.WHOP.check("ws_secret", headers, BODY)


def test_verify_reads_the_secret_and_answers_in_the_apis_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_CAL_SECRET", raising=False)
    with pytest.raises(NotConnected):
        signatures.verify(signatures.CAL_COM, "X_CAL_SECRET", "Cal.com", {}, BODY)
    monkeypatch.setenv("X_CAL_SECRET", "s3cret")
    signatures.verify(signatures.CAL_COM, "X_CAL_SECRET", "Cal.com", signatures.CAL_COM.sign("s3cret", BODY), BODY)
    with pytest.raises(Unauthenticated) as caught:
        signatures.verify(signatures.CAL_COM, "X_CAL_SECRET", "Cal.com", {"X-Cal-Signature-256": "00"}, BODY)
    assert caught.value.code == "bad_signature"


def test_every_slack_message_is_escaped_for_mrkdwn() -> None:
    import json

    import httpx

    from portal.integrations.outbound import send_slack
    from portal.integrations.outbound.slack import escape_mrkdwn

    assert escape_mrkdwn("<!channel> & <https://evil.test|your invoice> :eyes:") == (
        "&lt;!channel&gt; &amp; &lt;https://evil.test|your invoice&gt; :eyes:"
    )
    sent: list[dict] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, text="ok")

    send_slack("https://hooks.slack.test/x", "Hi <@U123> & <!here>", transport=httpx.MockTransport(handle))
    assert sent == [{"text": "Hi &lt;@U123&gt; &amp; &lt;!here&gt;"}]
