"""Billing, synced from Whop: webhooks, the polling fallback, and what clients see.

State per client organisation:
- ``orgs/{orgId}/billing/current``: status, plan, next billing date, last payment, the
  link to pay or update the card, ``syncedAt``, ``stale`` (the last sync failed; the
  last known state stays), ``lastEventAt`` (newer state never yields to older events);
- ``orgs/{orgId}/billing/current/payments/{paymentId}``: the payment history;
- ``whopMemberships/{membershipId}``: which organisation a membership belongs to.

Whop is the ``integrations.whop`` adapter, built from the environment; without an API
key billing is "not connected" and the rest of the portal works as before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from .. import db, logs, webhooks
from ..audit import service as audit
from ..errors import BadGateway, BadRequest, NotConnected, NotFound, PortalError
from ..identity import Caller, OrgKind
from ..integrations import whop
from ..policy import Action

HISTORY = 24
_ADAPTER: list[Any] = []


def adapter() -> whop.WhopBilling | None:
    """The Whop adapter from the environment (None: not connected), one per process while the
    settings stay the same. Tests may install one with :func:`use_adapter`."""
    if _ADAPTER:
        return _ADAPTER[0]
    return whop.shared_from_env()


def use_adapter(instance: whop.WhopBilling | None) -> None:
    _ADAPTER.clear()
    if instance is not None:
        _ADAPTER.append(instance)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _billing_ref(org_id: str) -> Any:
    return db.system(org_id).billing()


def _state_fields(state: whop.BillingState) -> dict[str, Any]:
    return {
        "membershipId": state.membership_id,
        "customerId": state.user_id,
        "status": state.status,
        "whopStatus": state.raw_status,
        "plan": {"id": state.plan_id, "name": state.plan_name, "amount": state.amount, "currency": state.currency,
                 "interval": state.interval},
        "nextBillingDate": state.next_billing_date,
        "currentPeriodEnd": state.current_period_end,
        "cancelAtPeriodEnd": state.cancel_at_period_end,
        "manageUrl": state.manage_url,
    }  # fmt: skip


def _payment_fields(payment: whop.Payment) -> dict[str, Any]:
    return {k: v for k, v in asdict(payment).items() if k != "raw_status"} | {"whopStatus": payment.raw_status}


# --- linking --------------------------------------------------------------------------


PARKED_PER_LINK = 200
"""The most parked events one link settles (more than a membership's events between two polls)."""


def link(caller: Caller | None, org_id: str, membership_id: str) -> dict[str, Any]:
    """Link a client organisation to its Whop membership (admin or the admin CLI), then sync.
    The events parked for that membership (:func:`unmatched`) are settled with it: the sync
    that follows, and the scheduled poll should Whop be down now, read the membership's
    current state and payments, which those events only told of."""
    from google.cloud import firestore

    grant = db.trusted_grant(Action.BILLING_SYNC, org_id) if caller is None else db.grant(
        caller, Action.BILLING_SYNC, org_id)  # fmt: skip
    if grant.org.kind != OrgKind.CLIENT:
        raise BadRequest("Only client organisations are billed.")
    index = db.whop_membership(membership_id)
    existing = index.get()
    if existing.exists and existing.get("orgId") != org_id:
        raise BadRequest("This membership is linked to another organisation.", code="membership_taken")
    parked = db.unmatched_billing_events().where(filter=db.eq("membershipId", membership_id))
    settled = [s.reference for s in parked.limit(PARKED_PER_LINK).select([]).stream()]
    batch = db.batch()
    batch.set(index, {"orgId": org_id, "linkedAt": firestore.SERVER_TIMESTAMP})
    batch.set(grant.doc(), {"whop": {"membershipId": membership_id}}, merge=True)
    for ref in settled:
        batch.delete(ref)
    batch.commit()
    audit.record("billing.linked", actor=caller, actor_label=None if caller else "cli", org_id=org_id,
                 target=membership_id, details={"settledEvents": len(settled)} if settled else None)  # fmt: skip
    client = adapter()
    return sync_org(org_id, client, actor=caller) if client else {"orgId": org_id, "linked": True, "connected": False}


# --- polling ----------------------------------------------------------------------------


def sync_org(org_id: str, client: whop.WhopBilling, *, actor: Caller | None = None) -> dict[str, Any]:
    """Fetch one organisation's membership and payments and store them. When Whop is down
    the last known state stays, marked stale, and :class:`whop.WhopUnavailable` is raised."""
    from google.cloud import firestore

    org = db.system(org_id).doc().get()
    membership_id = ((org.to_dict() or {}).get("whop") or {}).get("membershipId") if org.exists else None
    if not membership_id:
        raise NotFound("This organisation is not linked to a Whop membership.", code="not_linked")
    ref = _billing_ref(org_id)
    fetched_at = _now()
    try:
        state = client.membership(membership_id)
        payments = client.payments(membership_id=membership_id, limit=HISTORY, receipts=True)
    except whop.WhopError as exc:
        current = ref.get()
        since = (current.to_dict() or {}).get("staleSince") if current.exists else None
        ref.set({"stale": True, "staleSince": since or fetched_at, "lastError": str(exc)[:300]}, merge=True)
        logs.warning("whop sync failed", orgId=org_id, error=str(exc))
        if isinstance(exc, whop.WhopUnavailable):
            raise
        if isinstance(exc, whop.WhopNotFound):
            raise NotFound(f"Whop has no membership {membership_id} for this company.", code="whop_not_found") from None
        raise BadGateway(f"Whop refused the request: {exc}") from None
    before = ref.get(["status"]) if actor is None else None
    batch = db.batch()
    batch.set(ref, {**_state_fields(state), "lastPayment": _payment_fields(payments[0]) if payments else None,
                    "syncedAt": firestore.SERVER_TIMESTAMP, "lastEventAt": fetched_at, "stale": False,
                    "staleSince": None, "lastError": None, "source": "poll"}, merge=True)  # fmt: skip
    for payment in payments:
        batch.set(db.payments(ref).document(payment.id), _payment_fields(payment), merge=True)
    batch.commit()
    was = (before.to_dict() or {}).get("status") if before is not None and before.exists else None
    if actor is not None or was != state.status:  # the scheduled poll: only when it changed something
        audit.record("billing.synced", actor=actor, actor_label=None if actor else "scheduled", org_id=org_id,
                     target=membership_id, details={"status": state.status, "was": was,
                                                    "payments": len(payments)})  # fmt: skip
    return {"orgId": org_id, "linked": True, "connected": True, "status": state.status}


def sync_all(*, respect_backoff: bool, actor: Caller | None = None) -> dict[str, Any]:
    """Poll Whop for every linked organisation (the scheduled fallback for missed
    webhooks). After a failure the job backs off exponentially (5 min doubling, at
    most 6 h); ``respect_backoff`` False (an admin's "sync now") ignores that."""
    from google.cloud import firestore

    client = adapter()
    if client is None:
        return {"connected": False, "synced": [], "failed": []}
    state_ref = db.billing_sync_state()
    state = state_ref.get().to_dict() or {}
    if respect_backoff and state.get("nextAttemptAfter") and state["nextAttemptAfter"] > _now():
        return {"connected": True, "skipped": "backing off", "nextAttemptAfter": db.to_json(state["nextAttemptAfter"])}
    linked = db.client_orgs().stream()
    synced, failed = [], []
    for org in linked:
        if not ((org.to_dict() or {}).get("whop") or {}).get("membershipId"):
            continue
        try:
            sync_org(org.id, client, actor=actor)
            synced.append(org.id)
        except whop.WhopUnavailable as exc:
            failed.append({"orgId": org.id, "error": str(exc)[:200]})
            break  # Whop is down or limiting us: stop now, keep the rest for later
        except PortalError as exc:  # this membership is gone or refused: the others go on
            failed.append({"orgId": org.id, "error": exc.message[:200]})
    failures = int(state.get("consecutiveFailures", 0)) + 1 if failed else 0
    delay = min(5 * 2 ** (failures - 1), 360) if failures else 0
    state_ref.set({"lastRunAt": firestore.SERVER_TIMESTAMP, "consecutiveFailures": failures,
                   "nextAttemptAfter": _now() + dt.timedelta(minutes=delay) if failures else None})  # fmt: skip
    return {"connected": True, "synced": synced, "failed": failed}


def sync(caller: Caller, org_id: str | None) -> dict[str, Any]:
    """``POST /api/billing/sync`` (admin): one organisation, or all."""
    db.grant(caller, Action.BILLING_SYNC, org_id)
    client = adapter()
    if client is None:
        raise NotConnected("Whop is not connected: set WHOP_API_KEY and WHOP_COMPANY_ID.")
    if not org_id:
        return sync_all(respect_backoff=False, actor=caller)
    try:
        return {"connected": True, "synced": [sync_org(org_id, client, actor=caller)["orgId"]], "failed": []}
    except whop.WhopUnavailable as exc:
        return {"connected": True, "synced": [], "failed": [{"orgId": org_id, "error": str(exc)[:200]}]}


# --- webhooks ------------------------------------------------------------------------


def verify_webhook(raw: bytes, headers: Any) -> whop.WhopEvent:
    """Verify a Whop delivery (Standard Webhooks, with the SDK) before anything else."""
    from ..errors import Unauthenticated

    client = adapter()
    if client is None:
        raise NotConnected("Whop is not connected: set WHOP_API_KEY and WHOP_WEBHOOK_SECRET.")
    try:
        return client.parse_webhook(raw, {k: v for k, v in headers.items()})
    except whop.WhopSignatureError as exc:
        raise Unauthenticated(str(exc), code="bad_signature") from None
    except whop.WhopError as exc:
        raise BadRequest(str(exc), code="invalid_body") from None


def _parse_time(value: str | None) -> dt.datetime:
    if not value:
        return _now()
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _now()
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def apply_event(event: whop.WhopEvent) -> dict[str, Any]:
    """Apply a verified event once. Older events never overwrite newer state; unknown
    event types are acknowledged; events for unknown memberships are kept for staff."""
    return webhooks.apply_once("whop", event.id, lambda delivery: _apply(event, delivery))


def _apply(event: whop.WhopEvent, delivery: webhooks.Delivery) -> dict[str, Any]:
    from google.cloud import firestore

    membership_id = event.membership_id or (event.state.membership_id if event.state else None) or (
        event.payment.membership_id if event.payment else None)  # fmt: skip
    index = db.whop_membership(membership_id).get() if membership_id else None
    occurred = _parse_time(event.occurred_at)
    summary = {"type": event.type, "membershipId": membership_id}
    if index is None or not index.exists:

        def park(tx: Any) -> None:
            delivery.record(tx, summary)
            if event.state or event.payment:
                tx.set(db.unmatched_billing_events().document(event.id),
                       {**summary, "userId": event.user_id, "occurredAt": occurred, "raw": event.raw,
                        "receivedAt": firestore.SERVER_TIMESTAMP})  # fmt: skip

        db.transact(park)
        logs.warning("whop event for an unknown membership", eventId=event.id, membershipId=membership_id)
        return {"matched": False}
    org_id = str(index.get("orgId"))
    ref = _billing_ref(org_id)

    def run(tx: Any) -> bool:
        current = ref.get(transaction=tx)
        last = (current.to_dict() or {}).get("lastEventAt") if current.exists else None
        newer = last is None or occurred >= last
        delivery.record(tx, summary)
        update: dict[str, Any] = {}
        if event.state is not None and newer:
            update.update(_state_fields(event.state))
            update["lastEventAt"] = occurred
        if event.payment is not None:
            tx.set(db.payments(ref).document(event.payment.id), _payment_fields(event.payment), merge=True)
            last_paid = (current.to_dict() or {}).get("lastPayment") if current.exists else None
            if not last_paid or (event.payment.created or "") >= (last_paid.get("created") or ""):
                update["lastPayment"] = _payment_fields(event.payment)
        if update:
            tx.set(ref, {**update, "source": "webhook", "updatedAt": firestore.SERVER_TIMESTAMP}, merge=True)
            audit.record("billing.webhook_applied", actor_label="whop", org_id=org_id, target=membership_id,
                         details={"eventId": event.id, "type": event.type, "status": update.get("status")},
                         transaction=tx)  # fmt: skip
        return newer

    newer = db.transact(run)
    return {"matched": True, "applied": newer and event.state is not None}


# --- reading ---------------------------------------------------------------------------


def unmatched(caller: Caller, limit: int = 100) -> list[dict[str, Any]]:
    """Whop events for memberships no organisation is linked to, newest first (staff):
    linking the membership to its organisation (:func:`link`) settles them."""
    from google.cloud import firestore

    db.grant(caller, Action.BILLING_REVIEW)
    query = db.unmatched_billing_events().order_by("receivedAt", direction=firestore.Query.DESCENDING)
    return [{"id": s.id, **db.to_json({k: v for k, v in (s.to_dict() or {}).items() if k != "raw"})}
            for s in query.limit(limit).stream()]  # fmt: skip


def alert_for(data: dict[str, Any]) -> dict[str, Any] | None:
    """The billing alert a client sees, if any."""
    if data.get("status") != "past_due":
        return None
    return {
        "kind": "past_due",
        "severity": "overdue",
        "message": "A payment is past due. Please update your payment method to keep work going.",
        "manageUrl": data.get("manageUrl"),
        "since": data.get("pastDueSince"),
    }


def get_billing(caller: Caller, org_id: str | None) -> dict[str, Any]:
    """``GET /api/billing``: client owners (or members granted billing) and staff."""
    from google.cloud import firestore

    grant = db.grant(caller, Action.BILLING_READ, org_id)
    ref = grant.billing()
    snap = ref.get()
    data = db.to_json(snap.to_dict() or {}) if snap.exists else {}
    history = db.payments(ref).order_by("created", direction=firestore.Query.DESCENDING).limit(HISTORY)
    payments = [db.to_json(p.to_dict() or {}) for p in history.stream()] if snap.exists else []
    synced = data.get("syncedAt")
    age = None
    if synced:
        age = int((_now() - _parse_time(synced)).total_seconds())
    return {
        "orgId": grant.org.id,
        "connected": adapter() is not None,
        "linked": bool(data.get("membershipId")),
        "status": data.get("status"),
        "plan": data.get("plan"),
        "nextBillingDate": data.get("nextBillingDate"),
        "currentPeriodEnd": data.get("currentPeriodEnd"),
        "cancelAtPeriodEnd": bool(data.get("cancelAtPeriodEnd")),
        "lastPayment": data.get("lastPayment"),
        "payments": payments,
        "manageUrl": data.get("manageUrl"),
        "syncedAt": synced,
        "syncAgeSeconds": age,
        "stale": bool(data.get("stale")),
        "staleSince": data.get("staleSince"),
        "alert": alert_for(data),
    }
