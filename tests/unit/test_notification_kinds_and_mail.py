"""The registry of notification kinds, the mails they become and the SMTP channel,
without the emulators (SMTP through an injected fake)."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest

from portal.integrations import outbound
from portal.integrations.outbound.email import SmtpSettings
from portal.notifications import kinds, mail


def test_every_kind_has_a_default_channel_and_an_audience() -> None:
    expected = {"approval_needed", "approval_decided", "approval_reminder", "payment_overdue", "message", "mention",
                "client_posted", "file_uploaded", "meeting", "project_status", "milestone_completed"}  # fmt: skip
    expected |= {"contract_to_sign"}  # a contract GBU sent for the client's signature
    assert set(kinds.KINDS) == expected
    for kind in kinds.KINDS.values():
        assert kind.default in kinds.CHANNELS and kind.audience in ("clients", "staff", "both") and kind.label
    assert {k.id for k in kinds.KINDS.values() if k.batched} == {"message", "mention", "client_posted"}
    client = {k.id for k in kinds.for_role(staff=False)}
    staff = {k.id for k in kinds.for_role(staff=True)}
    assert "client_posted" in staff - client and "payment_overdue" in client - staff
    assert "contract_to_sign" in client - staff and kinds.channel("contract_to_sign", None) == "email"
    assert {"approval_decided", "message", "file_uploaded", "meeting", "project_status", "milestone_completed"} <= (
        client & staff
    )


def test_the_channel_is_the_preference_else_the_default() -> None:
    assert kinds.channel("approval_needed", None) == "email"
    assert kinds.channel("approval_needed", {"approval_needed": "digest"}) == "digest"
    assert kinds.channel("approval_needed", {"approval_needed": "pigeon"}) == "email"
    assert kinds.channel("something_new", {"something_new": "email"}) == "in_app"


def test_a_mail_carries_the_text_escaped_and_a_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_URL", "https://portal.example.com")
    item = {"kind": "message", "title": "Ana wrote <b>", "body": "See <script>alert(1)</script>\nthanks",
            "link": "/messages/t1"}  # fmt: skip
    one = mail.compose([item])
    assert one["subject"] == "Ana wrote <b>"
    assert (
        "See <script>alert(1)</script>\nthanks" in one["text"]
        and "https://portal.example.com/messages/t1" in one["text"]
    )
    assert "<script>" not in one["html"] and "&lt;script&gt;alert(1)&lt;/script&gt;" in one["html"]
    assert "Ana wrote &lt;b&gt;" in one["html"] and 'href="https://portal.example.com/messages/t1"' in one["html"]
    assert "https://portal.example.com/notifications/settings" in one["text"]
    # A link that is not the portal's own path leads to the portal, not elsewhere.
    odd = mail.compose([{**item, "link": "https://evil.example/x"}])
    assert "evil.example" not in odd["text"] and "evil.example" not in odd["html"]
    several = mail.compose([item, {**item, "title": "Second"}], heading="2 new messages in the portal")
    assert several["subject"] == "2 new messages in the portal" and "Second" in several["text"]


class FakeSmtp:
    sent: list[Any] = []

    def __init__(self, fail: Exception | None = None) -> None:
        self.fail = fail
        self.logged_in: tuple[str, str] | None = None

    def __enter__(self) -> FakeSmtp:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def login(self, user: str, password: str) -> None:
        self.logged_in = (user, password)

    def send_message(self, message: Any) -> None:
        if self.fail:
            raise self.fail
        FakeSmtp.sent.append(message)


def test_send_email_plain_and_html() -> None:
    FakeSmtp.sent = []
    fake = FakeSmtp()
    settings = SmtpSettings(host="smtp.example.com", user="portal", password="pw", sender="Portal <p@example.com>")
    outbound.send_email(settings, "ana@client.test", "Hello\r\nBcc: x@evil.test", "plain", "<p>rich</p>",
                        connect=lambda s: fake)  # fmt: skip
    message = FakeSmtp.sent[0]
    assert message["To"] == "ana@client.test" and message["From"] == "Portal <p@example.com>"
    assert "\n" not in message["Subject"] and message["Bcc"] is None
    assert message.get_body(("plain",)).get_content().strip() == "plain"
    assert message.get_body(("html",)).get_content().strip() == "<p>rich</p>"
    assert fake.logged_in == ("portal", "pw")


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (smtplib.SMTPResponseException(451, b"try later"), outbound.Retry),
        (smtplib.SMTPResponseException(550, b"no such user"), outbound.GiveUp),
        (smtplib.SMTPRecipientsRefused({"a@b.test": (550, b"no")}), outbound.GiveUp),
        (smtplib.SMTPServerDisconnected("gone"), outbound.Retry),
        (ConnectionRefusedError("refused"), outbound.Retry),
    ],
)
def test_send_email_failures(error: Exception, outcome: type[Exception]) -> None:
    with pytest.raises(outcome):
        outbound.send_email(SmtpSettings(host="h"), "a@b.test", "s", "t", "", connect=lambda s: FakeSmtp(error))


def test_a_bad_address_is_given_up() -> None:
    with pytest.raises(outbound.GiveUp):
        outbound.send_email(SmtpSettings(host="h"), "not-an-address", "s", "t", "", connect=lambda s: FakeSmtp())


def test_smtp_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY"):
        monkeypatch.delenv(name, raising=False)
    assert outbound.smtp_settings() is None
    monkeypatch.setenv("SMTP_HOST", "smtp.example.com")
    monkeypatch.setenv("SMTP_SECURITY", "ssl")
    found = outbound.smtp_settings()
    assert found is not None and found.port == 465 and found.security == "ssl"
    monkeypatch.setenv("SMTP_PORT", "2525")
    assert outbound.smtp_settings().port == 2525  # type: ignore[union-attr]
