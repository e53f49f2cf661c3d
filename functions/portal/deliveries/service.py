"""Outbound deliveries (Slack, n8n, email) that survive an outage.

A side effect that must reach the outside world writes a delivery document,
``deliveries/{key}``, created once per key (the caller derives the key from the
event that caused it, so a trigger delivered twice enqueues nothing new). A
trigger on that document hands it to the ``deliver`` task queue, whose retries
with backoff carry it through outages. A delivery that keeps failing stays as
``failed`` where staff can see it and retry it (``GET /api/deliveries``,
``POST /api/deliveries/{id}/retry``; the staff page "Needs attention" lists them). Only a
``pending`` or ``retrying`` delivery is sent: a ``failed`` one waits for staff, whatever task
arrives for it. A channel that is not configured is recorded as ``skipped``: the portal works
without Slack or n8n and says so.

Slack messages about one client go to the agency's channel (``SLACK_WEBHOOK_URL``) and,
when the client has one (``portal.orgs.settings.slack_webhook``), as a delivery of their
own (``target: "client"``) to the client's channel; each is retried on its own.

Mails (channel ``email``, ``target: "person"``) carry their message in the payload
(``to``, ``subject``, ``text``, ``html``) and go out through SMTP
(``portal.integrations.outbound.email``); without ``SMTP_HOST`` they are ``skipped``.
A mail whose payload says ``secret: true`` (it carries a single-use link) is never listed
with its text, and its text is removed once it is sent or skipped.
"""

from __future__ import annotations

import hashlib
from typing import Any

import httpx

from .. import config, db, logs
from ..errors import Conflict, NotFound
from ..identity import Caller
from ..integrations import outbound
from ..policy import Action
from . import MAX_ATTEMPTS

CHANNELS = ("slack", "n8n", "email")
TARGETS = ("agency", "client", "person")
REDACTED = "(removed: it held a single-use link)"


def _redacted(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload without the text of a mail that carries a secret."""
    if not payload.get("secret"):
        return payload
    return {**payload, **{k: REDACTED for k in ("text", "html") if k in payload}}


def key_for(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def enqueue(
    channel: str, kind: str, payload: dict[str, Any], key: str, org_id: str | None = None, *, target: str = "agency"
) -> bool:
    """Record a delivery once per ``key``; returns False when it already existed.
    ``target`` "client" sends a Slack message to the client's own channel."""
    from google.api_core.exceptions import AlreadyExists

    try:
        db.delivery(key).create(_record(channel, kind, payload, org_id, target))
    except AlreadyExists:
        return False
    return True


def _record(channel: str, kind: str, payload: dict[str, Any], org_id: str | None, target: str) -> dict[str, Any]:
    from google.cloud import firestore

    assert channel in CHANNELS and target in TARGETS
    return {
        "channel": channel, "kind": kind, "payload": payload, "orgId": org_id, "status": "pending",
        "attempts": 0, "lastError": None, "createdAt": firestore.SERVER_TIMESTAMP,
        "updatedAt": firestore.SERVER_TIMESTAMP, "target": target,
    }  # fmt: skip


def enqueue_in(
    writer: Any, channel: str, kind: str, payload: dict[str, Any], key: str, org_id: str | None, *, target: str
) -> None:
    """Record a delivery in ``writer`` (a batch or a transaction), with the effect that
    causes it: the commit fails (AlreadyExists) when the delivery already exists."""
    writer.create(db.delivery(key), _record(channel, kind, payload, org_id, target))


def enqueue_slack(kind: str, text: str, key: str, org_id: str, *, to_client: bool) -> None:
    """A Slack message about ``org_id``: to the agency's channel and, with ``to_client``
    and a channel set for the client, to the client's channel too."""
    from ..orgs import settings

    enqueue("slack", kind, {"text": text}, key_for(key, "slack"), org_id)
    if to_client and settings.slack_webhook(org_id):
        enqueue("slack", kind, {"text": text}, key_for(key, "slack", "client"), org_id, target="client")


def dispatch(delivery_id: str) -> None:
    """Hand a delivery to the task queue (called by the trigger on new deliveries and
    by a staff retry). Without the Cloud Tasks API (no emulator, no project) it is
    delivered inline, once."""
    from firebase_admin import functions

    from .. import authn

    try:
        queue = functions.task_queue("deliver", app=authn.admin_app())
        queue.enqueue({"data": {"deliveryId": delivery_id}})  # the callable body shape tasks expect
    except Exception as exc:  # queue unavailable: deliver now, the record keeps any failure
        logs.warning("task queue unavailable, delivering inline", error=repr(exc), deliveryId=delivery_id)
        attempt(delivery_id, final=True)


def _send(data: dict[str, Any], transport: httpx.BaseTransport | None) -> str:
    channel, payload = str(data["channel"]), dict(data.get("payload") or {})
    if channel == "slack":
        to_client = data.get("target") == "client" and data.get("orgId")
        if to_client:
            from ..orgs import settings

            url = settings.slack_webhook(str(data["orgId"]))
        else:
            url = config.env("SLACK_WEBHOOK_URL") or None
        if not url:
            return "skipped"
        try:
            outbound.send_slack(url, str(payload.get("text", "")), transport=transport)
        except (outbound.Retry, outbound.GiveUp) as exc:
            if to_client:
                settings.record_worked(str(data["orgId"]), "slack", error=str(exc))
            raise
        if to_client:
            settings.record_worked(str(data["orgId"]), "slack")
        return "delivered"
    if channel == "email":
        smtp = outbound.smtp_settings()
        if smtp is None:
            return "skipped"
        outbound.send_email(smtp, str(payload.get("to", "")), str(payload.get("subject", "")),
                            str(payload.get("text", "")), str(payload.get("html", "")))  # fmt: skip
        return "delivered"
    url, secret = config.env("N8N_EVENTS_URL"), config.secret("N8N_EVENTS_SECRET")
    if not url or not secret:
        return "skipped"
    outbound.send_n8n(url, secret, payload, transport=transport)
    return "delivered"


def attempt(delivery_id: str, *, final: bool = False, transport: httpx.BaseTransport | None = None) -> str:
    """Try one delivery. Raises :class:`outbound.Retry` when the task queue should try
    again; marks it ``failed`` when it cannot succeed or ``final`` (the last attempt)."""
    from google.cloud import firestore

    ref = db.delivery(delivery_id)
    snap = ref.get()
    if not snap.exists:  # deleted since it was queued: nothing to send, and retrying cannot help
        logs.warning("delivery no longer exists", deliveryId=delivery_id)
        return "gone"
    data = snap.to_dict() or {}
    if data.get("status") in ("delivered", "skipped", "failed"):  # failed: only a staff retry sends it again
        return str(data["status"])
    attempts = int(data.get("attempts", 0)) + 1
    update: dict[str, Any] = {"attempts": attempts, "updatedAt": firestore.SERVER_TIMESTAMP}
    try:
        status = _send(data, transport)
        update.update({"status": status, "lastError": None})
        if (data.get("payload") or {}).get("secret"):
            update["payload"] = _redacted(dict(data["payload"]))
        ref.update(update)
        return status
    except outbound.Retry as exc:
        last = final or attempts >= MAX_ATTEMPTS
        update.update({"status": "failed" if last else "retrying", "lastError": str(exc)})
        ref.update(update)
        logs.warning("delivery failed", deliveryId=delivery_id, attempts=attempts, error=str(exc))
        if last:
            return "failed"
        raise
    except outbound.GiveUp as exc:
        update.update({"status": "failed", "lastError": str(exc)})
        ref.update(update)
        logs.error("delivery given up", deliveryId=delivery_id, error=str(exc))
        return "failed"


def list_deliveries(caller: Caller, status: str | None, limit: int = 50) -> list[dict[str, Any]]:
    """Deliveries for staff, newest first (failed ones to retry by hand)."""
    from google.cloud import firestore

    db.grant(caller, Action.DELIVERIES_MANAGE)
    query: Any = db.deliveries()
    if status:
        query = query.where(filter=db.eq("status", status))
    query = query.order_by("createdAt", direction=firestore.Query.DESCENDING).limit(limit)
    return [_out(snap.id, snap.to_dict() or {}) for snap in query.stream()]


SUMMARY_CHARS = 200


def _out(delivery_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """A delivery as staff see it: what it says in a line (a Slack message's text, a mail's
    subject; an n8n event is named by its kind) and a mail's recipient, never a secret's text."""
    payload: dict[str, Any] = data["payload"] if isinstance(data.get("payload"), dict) else {}
    email = data.get("channel") == "email"
    summary = payload.get("subject") if email else payload.get("text") if data.get("channel") == "slack" else None
    return {"id": delivery_id, **db.to_json({**data, "payload": _redacted(payload)}),
            "summary": str(summary)[:SUMMARY_CHARS] if summary else None,
            "recipient": payload.get("to") if email else None}  # fmt: skip


def retry(caller: Caller, delivery_id: str) -> dict[str, Any]:
    """Staff send a failed delivery again (its attempts start over)."""
    from google.cloud import firestore

    db.grant(caller, Action.DELIVERIES_MANAGE)
    ref = db.delivery(delivery_id)
    snap = ref.get()
    if not snap.exists:
        raise NotFound("Delivery not found.")
    if snap.get("status") != "failed":
        raise Conflict("Only failed deliveries can be retried.")
    ref.update({"status": "pending", "attempts": 0, "updatedAt": firestore.SERVER_TIMESTAMP})
    dispatch(delivery_id)
    return _out(delivery_id, ref.get().to_dict() or {})
