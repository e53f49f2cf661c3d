"""A local SMTP server that keeps every mail, and a page to read them.

- ``MailStore`` keeps what arrives (parsed: from, to, subject, the plain text and HTML
  parts); :class:`SmtpStandIn` is an aiosmtpd server that hands every mail to it.
- :meth:`MailStore.handle` answers HTTP (``httpx``-style, for :func:`server.serve`):
  ``GET /`` a plain page listing the mails (every value escaped), ``GET /messages`` the
  same as JSON, ``GET /messages/{n}.html`` one mail's HTML part as it was sent (served
  with a policy that runs no script), ``DELETE /messages`` forgets them.
- ``python -m standins.smtp`` (from ``dev/``) serves SMTP on 127.0.0.1:1025 and the page on
  http://127.0.0.1:8025 for ``make dev``.
"""

from __future__ import annotations

import datetime as dt
import email
import html
import threading
from email import policy
from typing import Any

import httpx

SMTP_PORT = 1025
WEB_PORT = 8025


class MailStore:
    def __init__(self) -> None:
        self.mails: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def keep(self, sender: str, recipients: list[str], raw: bytes) -> None:
        message = email.message_from_bytes(raw, policy=policy.default)
        text = message.get_body(preferencelist=("plain",))
        rich = message.get_body(preferencelist=("html",))
        with self.lock:
            self.mails.append({
                "from": sender, "to": list(recipients), "subject": str(message.get("Subject", "")),
                "headers": {k: str(v) for k, v in message.items()},
                "text": text.get_content() if text is not None else "",
                "html": rich.get_content() if rich is not None else "",
                "receivedAt": dt.datetime.now(dt.UTC).isoformat(),
            })  # fmt: skip

    def all(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(m) for m in self.mails]

    def to(self, address: str) -> list[dict[str, Any]]:
        return [m for m in self.all() if address in m["to"]]

    def reset(self) -> None:
        with self.lock:
            self.mails.clear()

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.rstrip("/") or "/"
        if request.method == "DELETE" and path == "/messages":
            self.reset()
            return httpx.Response(204)
        if request.method != "GET":
            return httpx.Response(405)
        mails = self.all()
        if path == "/messages":
            return httpx.Response(200, json=mails)
        if path.startswith("/messages/") and path.endswith(".html"):
            try:
                found = mails[int(path[len("/messages/") : -len(".html")])]
            except (ValueError, IndexError):
                return httpx.Response(404, text="no such mail")
            csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
            return httpx.Response(200, text=found["html"], headers={"Content-Type": "text/html; charset=utf-8",
                                                                    "Content-Security-Policy": csp})  # fmt: skip
        if path == "/":
            return httpx.Response(200, text=self.page(mails), headers={"Content-Type": "text/html; charset=utf-8"})
        return httpx.Response(404, text="not found")

    @staticmethod
    def page(mails: list[dict[str, Any]]) -> str:
        rows = []
        for n, mail in reversed(list(enumerate(mails))):
            rows.append(
                f"<article><h2>{html.escape(mail['subject'])}</h2>"
                f"<p>To {html.escape(', '.join(mail['to']))} · from {html.escape(mail['from'])} · "
                f'{html.escape(mail["receivedAt"])} · <a href="/messages/{n}.html">HTML part</a></p>'
                f"<pre>{html.escape(mail['text'])}</pre></article>"
            )
        body = "".join(rows) or "<p>No mail yet.</p>"
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mail stand-in</title></head>'
            f"<body><h1>Mail the portal sent ({len(mails)})</h1>"
            f'<p><a href="/messages">JSON</a></p>{body}</body></html>'
        )


class SmtpStandIn:
    """An SMTP server on 127.0.0.1:``port`` that keeps every mail in ``store``."""

    def __init__(self, store: MailStore, port: int = SMTP_PORT) -> None:
        from aiosmtpd.controller import Controller

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                store.keep(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content)
                return "250 Message accepted"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def main() -> None:
    import time

    from .server import serve

    store = MailStore()
    SmtpStandIn(store)
    serve(store.handle, WEB_PORT)
    print(f"Mail stand-in: SMTP on 127.0.0.1:{SMTP_PORT}, read the mails at http://127.0.0.1:{WEB_PORT}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
