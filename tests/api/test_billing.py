"""Billing synced from Whop, through the real functions, against the Whop stand-in
(dev/standins/whop.py) served over HTTP, with Whop's own webhook signatures."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

import httpx
import pytest
from helpers import bearer, error_code, settle, wait_for
from standins.whop import sign_webhook

from portal import db
from portal.billing import service as billing
from portal.deliveries import service as deliveries

pytestmark = pytest.mark.usefixtures("world")
ACME, GLOBEX = "mem_acme00000001", "mem_globex000001"


@pytest.fixture
def company(world: dict, whop, hooks) -> object:
    plan = whop.add_plan("plan_retainer0001", price="4500.00", product_title="Creative retainer")
    now = dt.datetime.now(dt.UTC)
    for membership_id in (ACME, GLOBEX):
        whop.add_membership(membership_id, plan_id=plan["id"], user_id=f"user_{membership_id[4:]}")
        for months in (2, 1):
            whop.add_payment(
                membership_id=membership_id, total="4500.00", created_at=now - dt.timedelta(days=30 * months)
            )
    return whop


@pytest.fixture
def linked(company, http: httpx.Client) -> object:
    for org, membership_id in (("acme", ACME), ("globex", GLOBEX)):
        r = http.post(
            "/api/billing/link", json={"orgId": org, "membershipId": membership_id}, headers=bearer("admin@agency.test")
        )
        assert r.status_code == 200, r.text
    return company


def deliver_webhook(
    http: httpx.Client,
    whop,
    event_type: str,
    object_id: str,
    *,
    msg_id: str,
    shape: str = "pinned",
    sent_at: dt.datetime | None = None,
    secret: str | None = None,
    timestamp: int | None = None,
) -> httpx.Response:
    payload = whop.webhook_payload(
        event_type, object_id, shape=shape, msg_id=msg_id, sent_at=sent_at or dt.datetime.now(dt.UTC)
    )
    body, headers = sign_webhook(
        secret or os.environ["WHOP_WEBHOOK_SECRET"], payload, msg_id=msg_id, timestamp=timestamp
    )
    return http.post("/api/webhooks/whop", content=body, headers=headers)


@pytest.mark.usefixtures("linked")
def test_owner_and_staff_see_billing_members_do_not(http: httpx.Client) -> None:
    r = http.get("/api/billing", headers=bearer("owner@acme.test"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["connected"] and body["linked"] and body["status"] == "active"
    assert body["plan"]["amount"] == 450000 and body["plan"]["currency"] == "usd"
    assert body["plan"]["name"] == "Creative retainer"
    assert len(body["payments"]) == 2
    assert body["payments"][0]["created"] > body["payments"][1]["created"]
    assert all(p["receipt_url"] for p in body["payments"])
    assert body["syncedAt"] and body["stale"] is False and body["alert"] is None
    assert http.get("/api/billing", headers=bearer("member@acme.test")).status_code == 403
    assert http.get("/api/billing", params={"orgId": "acme"}, headers=bearer("owner@globex.test")).status_code == 404
    assert (
        http.get("/api/billing", params={"orgId": "acme"}, headers=bearer("ops@agency.test")).json()["status"]
        == "active"
    )
    assert http.get("/api/billing").status_code == 401


def test_only_admins_link_and_sync(http: httpx.Client, company) -> None:
    body = {"orgId": "acme", "membershipId": ACME}
    for who in ("ops@agency.test", "owner@acme.test"):
        assert http.post("/api/billing/link", json=body, headers=bearer(who)).status_code == 403
        assert http.post("/api/billing/sync", json={}, headers=bearer(who)).status_code == 403
    assert (
        http.post(
            "/api/billing/link", json={"orgId": "acme", "membershipId": "../x"}, headers=bearer("admin@agency.test")
        ).status_code
        == 400
    )
    assert (
        http.post(
            "/api/billing/link", json={"orgId": "agency", "membershipId": ACME}, headers=bearer("admin@agency.test")
        ).status_code
        == 403
    )


@pytest.mark.usefixtures("linked")
@pytest.mark.parametrize("shape", ["pinned", "legacy"])
def test_membership_events_in_both_shapes(http: httpx.Client, linked, shape: str) -> None:
    linked.set_status(ACME, "canceled")
    r = deliver_webhook(http, linked, "membership.deactivated", ACME, msg_id=f"msg_{shape}_1", shape=shape)
    assert r.status_code == 200, r.text
    assert r.json()["matched"] is True
    assert http.get("/api/billing", headers=bearer("owner@acme.test")).json()["status"] == "canceled"
    linked.set_status(ACME, "active")
    deliver_webhook(http, linked, "membership.activated", ACME, msg_id=f"msg_{shape}_2", shape=shape)
    assert http.get("/api/billing", headers=bearer("owner@acme.test")).json()["status"] == "active"


@pytest.mark.usefixtures("linked")
@pytest.mark.parametrize(
    ("status", "substatus", "event"), [("paid", "succeeded", "payment.succeeded"), ("open", "failed", "payment.failed")]
)
def test_payment_events_land_in_the_history(
    http: httpx.Client, linked, status: str, substatus: str, event: str
) -> None:
    payment = linked.add_payment(
        membership_id=ACME, total="4500.00", status=status, substatus=substatus, created_at=dt.datetime.now(dt.UTC)
    )
    assert deliver_webhook(http, linked, event, payment["id"], msg_id=f"msg_{event}").status_code == 200
    body = http.get("/api/billing", headers=bearer("owner@acme.test")).json()
    assert body["payments"][0]["id"] == payment["id"]
    assert body["lastPayment"]["id"] == payment["id"]


@pytest.mark.usefixtures("linked")
def test_bad_and_stale_signatures_write_nothing(http: httpx.Client, linked) -> None:
    linked.set_status(ACME, "past_due")
    r = deliver_webhook(http, linked, "membership.deactivated", ACME, msg_id="msg_bad", secret="ws_wrong")
    assert r.status_code == 401 and error_code(r) == "bad_signature"
    r = deliver_webhook(
        http, linked, "membership.deactivated", ACME, msg_id="msg_old", timestamp=int(time.time()) - 3600
    )
    assert r.status_code == 401
    r = http.post("/api/webhooks/whop", content=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 401
    assert http.get("/api/billing", headers=bearer("owner@acme.test")).json()["status"] == "active"
    assert not list(db.client().collection("processedWebhooks").stream())


@pytest.mark.usefixtures("linked")
def test_replays_and_out_of_order_events_never_go_back(http: httpx.Client, linked) -> None:
    now = dt.datetime.now(dt.UTC)
    linked.set_status(ACME, "canceled")
    newer = deliver_webhook(http, linked, "membership.deactivated", ACME, msg_id="msg_new", sent_at=now)
    assert newer.json()["applied"] is True
    linked.set_status(ACME, "active")
    older = deliver_webhook(
        http, linked, "membership.activated", ACME, msg_id="msg_older", sent_at=now - dt.timedelta(minutes=5)
    )
    assert older.status_code == 200 and older.json()["applied"] is False
    assert http.get("/api/billing", headers=bearer("owner@acme.test")).json()["status"] == "canceled"
    replay = deliver_webhook(http, linked, "membership.deactivated", ACME, msg_id="msg_new", sent_at=now)
    assert replay.json()["duplicate"] is True


@pytest.mark.usefixtures("linked")
def test_unknown_types_are_acknowledged_and_unknown_customers_kept_for_staff(http: httpx.Client, linked) -> None:
    stranger = linked.add_membership("mem_stranger0001", plan_id="plan_retainer0001", user_id="user_x")
    r = deliver_webhook(http, linked, "membership.activated", stranger["id"], msg_id="msg_stranger")
    assert r.status_code == 200 and r.json()["matched"] is False
    parked = db.client().document("unmatchedBillingEvents/msg_stranger").get()
    assert parked.exists and parked.get("membershipId") == "mem_stranger0001"
    listed = http.get("/api/billing/unmatched", headers=bearer("ops@agency.test"))
    assert listed.status_code == 200 and [e["id"] for e in listed.json()["items"]] == ["msg_stranger"]
    assert http.get("/api/billing/unmatched", headers=bearer("owner@acme.test")).status_code == 403
    payload = {
        "id": "msg_unknown",
        "type": "course.completed",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
        "data": {"id": "x"},
    }
    body, headers = sign_webhook(os.environ["WHOP_WEBHOOK_SECRET"], payload, msg_id="msg_unknown")
    r = http.post("/api/webhooks/whop", content=body, headers=headers)
    assert r.status_code == 200, r.text


@pytest.mark.usefixtures("linked")
def test_polling_reconciles_and_survives_an_outage(linked) -> None:
    linked.set_status(GLOBEX, "past_due")
    result = billing.sync_all(respect_backoff=True)
    assert set(result["synced"]) == {"acme", "globex"}
    assert db.client().document("orgs/globex/billing/current").get().get("status") == "past_due"
    linked.outage()
    down = billing.sync_all(respect_backoff=True)
    assert down["failed"] and not down["synced"]
    state = db.client().document("orgs/acme/billing/current").get().to_dict()
    assert state["status"] == "active" and state["stale"] is True and state["lastError"]
    assert billing.sync_all(respect_backoff=True).get("skipped") == "backing off"
    linked.restore()
    assert set(billing.sync_all(respect_backoff=False)["synced"]) == {"acme", "globex"}
    assert db.client().document("orgs/acme/billing/current").get().get("stale") is False


@pytest.mark.usefixtures("linked")
def test_rate_limited_sync_keeps_the_last_state(http: httpx.Client, linked) -> None:
    linked.rate_limit(retry_after=30, requests=5)
    r = http.post("/api/billing/sync", json={"orgId": "acme"}, headers=bearer("admin@agency.test"))
    assert r.status_code == 200 and r.json()["failed"]
    body = http.get("/api/billing", headers=bearer("owner@acme.test")).json()
    assert body["status"] == "active" and body["stale"] is True and body["syncAgeSeconds"] is not None


@pytest.mark.usefixtures("linked")
def test_past_due_alerts_once_then_clears(http: httpx.Client, linked, hooks) -> None:
    linked.set_status(ACME, "past_due")
    deliver_webhook(http, linked, "membership.deactivated", ACME, msg_id="msg_pd1")
    deliver_webhook(http, linked, "membership.deactivated", ACME, msg_id="msg_pd1")  # redelivery
    dash = http.get("/api/dashboard", headers=bearer("owner@acme.test")).json()
    assert dash["billingAlert"]["kind"] == "past_due"
    assert dash["nextActions"][0]["kind"] == "payment_overdue"
    assert http.get("/api/dashboard", headers=bearer("member@acme.test")).json()["billingAlert"] is None

    def slack() -> list:  # Acme's only: an earlier test's late trigger (Globex past due) may still be arriving
        return [r for r in hooks.received("/slack") if "Acme" in r.content.decode()]

    def n8n() -> list:
        return [r for r in hooks.received("/n8n") if json.loads(r.content).get("orgId") == "acme"]

    assert wait_for(lambda: slack() and n8n(), timeout=60)
    settle()
    assert len(slack()) == 1
    assert len(n8n()) == 1 and b'"payment_overdue"' in n8n()[0].content and n8n()[0].headers["x-portal-signature"]
    notes = [n.to_dict() for n in db.client().collection("orgs/acme/notifications").stream()]
    assert [n["kind"] for n in notes] == ["payment_overdue"]
    staff = http.get("/api/dashboard", headers=bearer("ops@agency.test")).json()
    assert any(a["kind"] == "payment_overdue" and a["orgId"] == "acme" for a in staff["nextActions"])
    linked.set_status(ACME, "active")
    deliver_webhook(http, linked, "membership.activated", ACME, msg_id="msg_paid")
    assert http.get("/api/dashboard", headers=bearer("owner@acme.test")).json()["billingAlert"] is None


def test_a_failing_channel_is_retried_then_kept_for_staff(http: httpx.Client, hooks, standins) -> None:
    hooks.fail("/slack", 503, times=2, text="service_unavailable")
    key = deliveries.key_for("test", "slack")
    deliveries.enqueue("slack", "test", {"text": "hello"}, key)  # the trigger hands it to the queue as well
    status = None
    for _ in range(3):
        try:
            status = deliveries.attempt(key)
            break
        except deliveries.outbound.Retry:
            continue
    assert status == "delivered" or db.client().document(f"deliveries/{key}").get().get("status") == "delivered"
    gone = deliveries.key_for("gone", "slack")
    hooks.fail("/slack", 410, times=50, text="no_service")
    deliveries.enqueue("slack", "test", {"text": "to a deleted hook"}, gone)
    assert wait_for(lambda: db.client().document(f"deliveries/{gone}").get().get("status") == "failed", timeout=60)
    listed = http.get("/api/deliveries", params={"status": "failed"}, headers=bearer("ops@agency.test")).json()
    assert gone in [d["id"] for d in listed["items"]]
    assert http.get("/api/deliveries", headers=bearer("owner@acme.test")).status_code == 403
    hooks.reset()
    r = http.post(f"/api/deliveries/{gone}/retry", headers=bearer("ops@agency.test"))
    assert r.status_code == 200, r.text
    assert wait_for(lambda: db.client().document(f"deliveries/{gone}").get().get("status") == "delivered", timeout=60)
    assert http.post(f"/api/deliveries/{gone}/retry", headers=bearer("ops@agency.test")).status_code == 409
