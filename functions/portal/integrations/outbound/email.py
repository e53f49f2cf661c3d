"""Mail over SMTP: plain text with an HTML alternative.

Settings come from the environment (``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_USER``,
``SMTP_FROM``, ``SMTP_SECURITY``) and the secret ``SMTP_PASSWORD``; without
``SMTP_HOST`` mail is not connected (:func:`smtp_settings` is None). ``connect`` swaps
the network for a stand-in in tests. A refused recipient or a permanent (5xx) answer
means :class:`GiveUp`; the server being unreachable or a temporary (4xx) answer,
:class:`Retry`."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from ... import config
from .errors import GiveUp, Retry

TIMEOUT = 20.0


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = "Client portal <portal@localhost>"
    security: str = "starttls"
    """``starttls`` (port 587), ``ssl`` (implicit TLS, port 465) or ``none`` (a local relay)."""


def smtp_settings() -> SmtpSettings | None:
    host = config.env("SMTP_HOST")
    if not host:
        return None
    security = config.env("SMTP_SECURITY", "starttls").lower()
    if security not in ("starttls", "ssl", "none"):
        security = "starttls"
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    return SmtpSettings(
        host=host,
        port=config.env_int("SMTP_PORT", default_port),
        user=config.env("SMTP_USER"),
        password=config.secret("SMTP_PASSWORD"),
        sender=config.env("SMTP_FROM") or "Client portal <portal@localhost>",
        security=security,
    )


def build_message(sender: str, to: str, subject: str, text: str, html: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject.replace("\r", " ").replace("\n", " ")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="portal")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT, context=ssl.create_default_context())
    client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
    if settings.security == "starttls":
        client.starttls(context=ssl.create_default_context())
    return client


def send_email(
    settings: SmtpSettings,
    to: str,
    subject: str,
    text: str,
    html: str,
    *,
    connect: Callable[[SmtpSettings], smtplib.SMTP] | None = None,
) -> None:
    """Send one mail to ``to``."""
    if not to or "@" not in to or "\n" in to or "\r" in to:
        raise GiveUp(f"not a mail address: {to!r}")
    message = build_message(settings.sender, to, subject, text, html)
    try:
        with (connect or _connect)(settings) as client:
            if settings.user:
                client.login(settings.user, settings.password)
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise GiveUp(f"recipient refused: {exc.recipients}") from None
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise Retry(f"SMTP answered {exc.smtp_code}") from None
        raise GiveUp(f"SMTP answered {exc.smtp_code} {exc.smtp_error!r}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise Retry(f"{type(exc).__name__}: {exc}") from None
