"""What needs staff's attention: failed deliveries, Whop events and meetings no client was found
for (the demo's, from ``portal.seed.seed_attention`` and ``seed_bookings``), counted on the staff
dashboard at a cost that does not grow with them, listed for staff only, and settled by their
actions (a retry, a link, an assignment), after which the counts say so."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from helpers import bearer, settle, wait_for

from portal import db
from portal.dashboard import service as dashboard
from portal.deliveries import service as deliveries
from portal.identity import Caller, Role
from portal.seed import DEMO_FAILED_DELIVERY, DEMO_UNMATCHED_EVENT, DEMO_UNMATCHED_MEMBERSHIP

pytestmark = pytest.mark.usefixtures("world")
OPS, ADMIN, OWNER = "ops@agency.test", "admin@agency.test", "owner@acme.test"
NOTHING = {"failedDeliveries": 0, "unmatchedBilling": 0, "unmatchedBookings": 0}


@pytest.fixture
def waiting(world: dict) -> dict:
    """The demo's failed Slack message, its Whop event for an unknown membership and its
    meeting with a stranger, written as the outbox, Whop's webhook and the calendar leave them
    (with the triggers on: a failed delivery's creation sends nothing)."""
    from portal.seed import seed_attention, seed_bookings

    seed_attention()
    seed_bookings()
    return world


def attention(http: httpx.Client, who: str) -> Any:
    r = http.get("/api/dashboard", headers=bearer(who))
    assert r.status_code == 200, r.text
    return r.json()["attention"]


def staff(world: dict, email: str = OPS) -> Caller:
    user = next(u for u in world["users"] if u["email"] == email)
    return Caller(uid=user["uid"], email=email, role=Role(user["role"]), org_id=user["orgId"])


@contextlib.contextmanager
def counted() -> Iterator[dict[str, int]]:
    """Firestore document reads made through the portal's client meanwhile, by billing's rule
    (as bench/dashboard.py counts them): each document looked up or returned, at least one per
    query, one per aggregation of up to 1,000 index entries."""
    api = db.client()._firestore_api
    seen = {"reads": 0, "rpcs": 0}
    names = ("batch_get_documents", "run_query", "run_aggregation_query", "get_document")
    saved = {name: getattr(api, name) for name in names}

    def wrap(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def counting(*args: Any, **kwargs: Any) -> Any:
            seen["rpcs"] += 1
            result = call(*args, **kwargs)
            if name == "get_document":
                seen["reads"] += 1
                return result
            return stream(name, result)

        return counting

    def stream(name: str, responses: Any) -> Iterator[Any]:
        docs = 0
        seen["reads"] += name != "batch_get_documents"
        for response in responses:
            if name == "batch_get_documents" and (response._pb.HasField("found") or response._pb.HasField("missing")):
                seen["reads"] += 1
            elif name == "run_query" and response._pb.HasField("document"):
                docs += 1
                seen["reads"] += docs > 1
            yield response

    for name, call in saved.items():
        setattr(api, name, wrap(name, call))
    try:
        yield seen
    finally:
        for name, call in saved.items():
            setattr(api, name, call)


def test_the_staff_dashboard_counts_what_needs_attention(http: httpx.Client, world: dict) -> None:
    assert attention(http, OPS) == NOTHING
    from portal.seed import seed_attention, seed_bookings

    seed_attention()
    seed_bookings()
    expected = {"failedDeliveries": 1, "unmatchedBilling": 1, "unmatchedBookings": 1}
    assert attention(http, OPS) == expected
    assert attention(http, ADMIN) == expected
    # A client chosen, or a client's own dashboard: no count of the agency's work.
    r = http.get("/api/dashboard", params={"orgId": "acme"}, headers=bearer(OPS))
    assert r.status_code == 200 and r.json()["attention"] is None
    for who in (OWNER, "member@acme.test"):
        body = http.get("/api/dashboard", headers=bearer(who)).json()
        assert body["scope"] == "org" and body["attention"] is None


@pytest.mark.usefixtures("waiting")
def test_the_count_costs_the_same_whatever_waits(world: dict) -> None:
    """Three aggregations: three reads more than before, with one failed delivery or forty."""
    caller = staff(world)
    dashboard.dashboard(caller)  # warm (the organisation cache, the connection)
    with counted() as one:
        assert dashboard.dashboard(caller)["attention"]["failedDeliveries"] == 1
    batch = db.batch()
    for i in range(40):
        batch.set(db.delivery(f"attention-cost-{i:02d}"), {"channel": "n8n", "kind": "test", "status": "failed",
                                                          "attempts": 8, "payload": {}, "createdAt": None})  # fmt: skip
    batch.commit()
    with counted() as many:
        assert dashboard.dashboard(caller)["attention"]["failedDeliveries"] == 41
    assert one == many, (one, many)
    with counted() as before:  # the agency's view without the counts: what it cost before them
        saved = dashboard.attention
        dashboard.attention = lambda caller: {}  # type: ignore[assignment]
        try:
            dashboard.dashboard(caller)
        finally:
            dashboard.attention = saved  # type: ignore[assignment]
    assert one["reads"] == before["reads"] + 3 and one["rpcs"] == before["rpcs"] + 3, (before, one)


@pytest.mark.usefixtures("waiting")
def test_only_staff_list_and_settle_them(http: httpx.Client) -> None:
    for path in ("/api/deliveries", "/api/billing/unmatched", "/api/bookings/unmatched"):
        for who in (OWNER, "member@acme.test", "owner@globex.test"):
            assert http.get(path, headers=bearer(who)).status_code == 403, (path, who)
        assert http.get(path, headers=bearer(OPS)).status_code == 200, path
    assert http.post(f"/api/deliveries/{DEMO_FAILED_DELIVERY}/retry", headers=bearer(OWNER)).status_code == 403
    link = {"orgId": "acme", "membershipId": DEMO_UNMATCHED_MEMBERSHIP}
    assert http.post("/api/billing/link", json=link, headers=bearer(OWNER)).status_code == 403
    assert http.post("/api/billing/link", json=link, headers=bearer(OPS)).status_code == 403  # admins link
    failed = http.get("/api/deliveries", params={"status": "failed"}, headers=bearer(OPS)).json()["items"]
    demo = next(d for d in failed if d["id"] == DEMO_FAILED_DELIVERY)
    assert demo["channel"] == "slack" and demo["target"] == "agency" and demo["orgId"] == "acme"
    assert demo["summary"].startswith(":eyes: Acme Corporation") and demo["recipient"] is None
    assert demo["attempts"] == 8 and demo["lastError"]
    events = http.get("/api/billing/unmatched", headers=bearer(OPS)).json()["items"]
    assert [e["id"] for e in events] == [DEMO_UNMATCHED_EVENT]


@pytest.mark.usefixtures("waiting")
def test_a_failed_delivery_waits_for_a_retry(http: httpx.Client, hooks) -> None:
    """Its creation trigger and any stray task leave it as it is; a retry sends it, and it leaves
    the failed ones (and the count)."""
    settle()
    assert deliveries.attempt(DEMO_FAILED_DELIVERY) == "failed"
    assert db.delivery(DEMO_FAILED_DELIVERY).get().get("status") == "failed"
    assert not [r for r in hooks.received("/slack") if b"Launch film" in r.content]
    r = http.post(f"/api/deliveries/{DEMO_FAILED_DELIVERY}/retry", headers=bearer(OPS))
    assert r.status_code == 200, r.text
    assert r.json()["status"] in ("pending", "delivered")
    assert attention(http, OPS)["failedDeliveries"] == 0
    assert wait_for(lambda: db.delivery(DEMO_FAILED_DELIVERY).get().get("status") == "delivered", timeout=60)
    assert [r for r in hooks.received("/slack") if "Launch film" in r.content.decode()]


@pytest.mark.usefixtures("waiting")
def test_linking_the_membership_settles_its_events(http: httpx.Client, whop) -> None:
    plan = whop.add_plan("plan_retainer0001", price="4500.00", product_title="Creative retainer")
    whop.add_membership(DEMO_UNMATCHED_MEMBERSHIP, plan_id=plan["id"], user_id="user_demoinitech")
    r = http.post("/api/billing/link", json={"orgId": "globex", "membershipId": DEMO_UNMATCHED_MEMBERSHIP},
                  headers=bearer(ADMIN))  # fmt: skip
    assert r.status_code == 200, r.text
    assert http.get("/api/billing/unmatched", headers=bearer(OPS)).json()["items"] == []
    assert attention(http, OPS)["unmatchedBilling"] == 0
    assert http.get("/api/billing", params={"orgId": "globex"}, headers=bearer(OPS)).json()["status"] == "active"
    entries = db.audit_log().where(filter=db.eq("event", "billing.linked")).stream()
    linked = [e.to_dict() for e in entries if e.get("target") == DEMO_UNMATCHED_MEMBERSHIP]
    assert [e["details"] for e in linked] == [{"settledEvents": 1}] and linked[0]["orgId"] == "globex"


@pytest.mark.usefixtures("waiting")
def test_assigning_the_meeting_takes_it_off_the_count(http: httpx.Client) -> None:
    (meeting,) = http.get("/api/bookings/unmatched", headers=bearer(OPS)).json()["items"]
    assert meeting["title"] == "Introductory call"
    r = http.post(f"/api/bookings/unmatched/{meeting['id']}/assign", json={"orgId": "globex"}, headers=bearer(OPS))
    assert r.status_code == 200, r.text
    assert attention(http, OPS) == {"failedDeliveries": 1, "unmatchedBilling": 1, "unmatchedBookings": 0}
