"""The mails notifications become: plain text and HTML (every value escaped), each
item with its text (the comment or message itself) and a link to it in the portal.

Pure functions of what the notifications hold, so what a person is mailed is exactly
what their own feed shows them: never another organisation's data, never anything the
notification does not carry."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from .. import config
from .kinds import KINDS


def _url(link: str) -> str:
    base = config.portal_url()
    return base + link if link.startswith("/") else base + "/"


def _item_text(item: dict[str, Any]) -> str:
    lines = [str(item.get("title") or "")]
    if item.get("body"):
        lines.append(str(item["body"]))
    lines.append(_url(str(item.get("link") or "/")))
    return "\n".join(lines)


def _item_html(item: dict[str, Any]) -> str:
    title = html.escape(str(item.get("title") or ""))
    body = html.escape(str(item.get("body") or "")).replace("\n", "<br>")
    url = html.escape(_url(str(item.get("link") or "/")), quote=True)
    kind = KINDS.get(str(item.get("kind")))
    label = html.escape(kind.label if kind else "Notification")
    return (
        f'<div style="margin:0 0 20px">'
        f'<p style="margin:0;color:#555;font-size:12px">{label}</p>'
        f'<p style="margin:4px 0;font-weight:bold">{title}</p>'
        + (f'<p style="margin:4px 0;white-space:pre-wrap">{body}</p>' if body else "")
        + f'<p style="margin:4px 0"><a href="{url}">Open in the portal</a></p></div>'
    )


def _footer_text() -> str:
    return f"\n--\nChoose what you are mailed about: {_url('/notifications/settings')}\n"


def _footer_html() -> str:
    url = html.escape(_url("/notifications/settings"), quote=True)
    return f'<hr><p style="color:#555;font-size:12px"><a href="{url}">Choose what you are mailed about</a></p>'


def html_page(subject: str, body: str) -> str:
    """The HTML of a portal mail: its subject as the heading (escaped here), then ``body``
    (markup the caller escaped)."""
    return (
        '<!doctype html><html><body style="font-family:sans-serif;max-width:600px">'
        f'<h1 style="font-size:18px">{html.escape(subject)}</h1>{body}</body></html>'
    )


def compose(items: Sequence[dict[str, Any]], *, heading: str | None = None) -> dict[str, str]:
    """A mail of one or several notifications: ``{"subject", "text", "html"}``."""
    assert items, "nothing to mail"
    if len(items) == 1 and heading is None:
        subject = str(items[0].get("title") or "Notification")
    else:
        subject = heading or f"{len(items)} new notifications"
    text = "\n\n".join(_item_text(i) for i in items) + _footer_text()
    body = "".join(_item_html(i) for i in items)
    page = html_page(subject, body + _footer_html())
    if heading is not None:
        text = f"{heading}\n\n{text}"
    return {"subject": subject[:200], "text": text, "html": page}
