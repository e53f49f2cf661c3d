"""The Whop billing adapter, through the real ``whop-sdk`` against the local Whop stand-in."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from standins.whop import WhopStandIn, sign_webhook

from portal.integrations.whop import (
    WhopBilling,
    WhopError,
    WhopEvent,
    WhopNotFound,
    WhopSignatureError,
    WhopUnavailable,
    from_env,
)

SECRET = "ws_5f1c0e3a9b7d4e2f8a6c1b0d9e8f7a6b"
FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


@pytest.fixture
def whop() -> WhopStandIn:
    return WhopStandIn()


@pytest.fixture
def billing(whop: WhopStandIn) -> WhopBilling:
    return WhopBilling(whop.api_key, whop.company_id, transport=whop.transport(), webhook_secret=SECRET)


def days_ago(days: int) -> datetime:
    return datetime(2026, 3, 1, tzinfo=UTC) - timedelta(days=days)


# --- memberships -----------------------------------------------------------------------


def test_membership_reads_every_field(whop: WhopStandIn, billing: WhopBilling) -> None:
    plan = whop.add_plan(price="1500.00", billing_period_days=30, product_title="Brand retainer")
    end = datetime(2026, 4, 1, tzinfo=UTC)
    m = whop.add_membership("mem_acme", plan_id=plan["id"], user_id="user_acme", current_period_end=end)

    state = billing.membership("mem_acme")

    assert state.membership_id == "mem_acme"
    assert state.user_id == "user_acme"
    assert state.company_id == whop.company_id
    assert (state.status, state.raw_status) == ("active", "active")
    assert (state.plan_id, state.plan_name) == (plan["id"], "Brand retainer")
    assert (state.amount, state.currency, state.interval) == (150000, "usd", "month")
    assert state.next_billing_date == state.current_period_end == "2026-04-01T00:00:00+00:00"
    assert state.cancel_at_period_end is False
    assert state.manage_url == m["manage_url"]


def test_requests_carry_the_api_key_and_the_sdk_version_pin(whop: WhopStandIn, billing: WhopBilling) -> None:
    whop.add_membership("mem_1")
    billing.membership("mem_1")
    request = whop.requests[-1]
    assert request.url == "https://api.whop.com/api/v1/memberships/mem_1"
    assert request.headers["authorization"] == f"Bearer {whop.api_key}"
    assert request.headers["api-version-date"]


@pytest.mark.parametrize(
    ("whop_status", "status"),
    [
        ("trialing", "active"),
        ("active", "active"),
        ("canceling", "active"),
        ("completed", "active"),
        ("past_due", "past_due"),
        ("unresolved", "past_due"),
        ("canceled", "canceled"),
        ("expired", "canceled"),
        ("drafted", "canceled"),
        ("something_new", "past_due"),
    ],
)
def test_each_whop_status_maps_explicitly(
    whop: WhopStandIn, billing: WhopBilling, whop_status: str, status: str
) -> None:
    whop.add_membership("mem_1", status=whop_status)
    state = billing.membership("mem_1")
    assert (state.status, state.raw_status) == (status, whop_status)


def test_paused_collection_reads_as_paused(whop: WhopStandIn, billing: WhopBilling) -> None:
    whop.add_membership("mem_1", status="active", most_recent_action="paused_at")
    whop.add_membership("mem_2", status="past_due", payment_collection_paused=True)
    whop.add_membership("mem_3", status="canceled", payment_collection_paused=True)
    assert [billing.membership(m).status for m in ("mem_1", "mem_2", "mem_3")] == ["paused", "paused", "canceled"]


def test_a_membership_ending_has_no_next_billing_date(whop: WhopStandIn, billing: WhopBilling) -> None:
    whop.add_membership("mem_1", cancel_at_period_end=True, status="canceling")
    state = billing.membership("mem_1")
    assert state.cancel_at_period_end is True
    assert state.current_period_end is not None
    assert state.next_billing_date is None


def test_a_status_flip_is_seen_on_the_next_read(whop: WhopStandIn, billing: WhopBilling) -> None:
    whop.add_membership("mem_1")
    whop.set_status("mem_1", "past_due")
    assert billing.membership("mem_1").status == "past_due"


def test_one_time_purchase_has_no_interval(whop: WhopStandIn, billing: WhopBilling) -> None:
    plan = whop.add_plan(price="900.00", billing_period_days=None)
    whop.add_membership("mem_1", plan_id=plan["id"], status="completed")
    state = billing.membership("mem_1")
    assert (state.status, state.interval, state.amount) == ("active", None, 90000)


def test_another_companys_membership_is_not_found(whop: WhopStandIn, billing: WhopBilling) -> None:
    whop.add_membership("mem_other", company_id="biz_someone_else")
    with pytest.raises(WhopNotFound):
        billing.membership("mem_other")


def test_memberships_follow_the_cursor_over_every_page(whop: WhopStandIn, billing: WhopBilling) -> None:
    ids = [whop.add_membership(f"mem_{n}")["id"] for n in range(7)]
    whop.add_membership("mem_elsewhere", company_id="biz_someone_else")

    states = list(billing.memberships())

    assert [s.membership_id for s in states] == ids
    pages = [r for r in whop.requests if r.url.path.endswith("/memberships")]
    assert len(pages) == 4  # page size 2
    assert all(r.url.params["account_id"] == whop.company_id for r in pages)
    assert "after" not in pages[0].url.params
    assert all(r.url.params["after"] for r in pages[1:])


def test_a_company_without_memberships_lists_nothing(billing: WhopBilling) -> None:
    assert list(billing.memberships()) == []


# --- payments --------------------------------------------------------------------------


def test_payments_newest_first_with_receipts(whop: WhopStandIn, billing: WhopBilling) -> None:
    m = whop.add_membership("mem_1")
    for age in (60, 0, 30):
        whop.add_payment(f"pay_{age}", membership_id=m["id"], created_at=days_ago(age))
    whop.add_payment("pay_failed", membership_id=m["id"], status="open", substatus="failed", created_at=days_ago(1))

    payments = billing.payments(membership_id="mem_1", receipts=True)

    assert [p.id for p in payments] == ["pay_0", "pay_failed", "pay_30", "pay_60"]
    assert [p.status for p in payments] == ["paid", "failed", "paid", "paid"]
    assert payments[0].receipt_url == "https://files.whop.example/receipts/pay_0.pdf"
    assert payments[1].receipt_url is None  # nothing was collected, so no receipt
    assert (payments[0].amount, payments[0].currency, payments[0].membership_id) == (150000, "usd", "mem_1")
    assert payments[0].created == days_ago(0).isoformat()


def test_payments_stop_at_the_limit_across_pages(whop: WhopStandIn, billing: WhopBilling) -> None:
    m = whop.add_membership("mem_1")
    for age in range(6):
        whop.add_payment(f"pay_{age}", membership_id=m["id"], created_at=days_ago(age))

    payments = billing.payments(limit=3)

    assert [p.id for p in payments] == ["pay_0", "pay_1", "pay_2"]
    listed = [r for r in whop.requests if r.url.path.endswith("/payments")]
    assert len(listed) == 2
    assert listed[0].url.params["direction"] == "desc"


def test_payments_narrow_to_a_user(whop: WhopStandIn, billing: WhopBilling) -> None:
    mine = whop.add_membership("mem_1", user_id="user_me")
    theirs = whop.add_membership("mem_2", user_id="user_them")
    whop.add_payment("pay_mine", membership_id=mine["id"])
    whop.add_payment("pay_theirs", membership_id=theirs["id"])
    assert [p.id for p in billing.payments(user_id="user_me")] == ["pay_mine"]
    assert {p.id for p in billing.payments()} == {"pay_mine", "pay_theirs"}


# --- failures ----------------------------------------------------------------------------


def test_an_outage_is_unavailable(whop: WhopStandIn, billing: WhopBilling) -> None:
    whop.add_membership("mem_1")
    whop.outage()
    with pytest.raises(WhopUnavailable) as caught:
        billing.membership("mem_1")
    assert caught.value.retry_after is None
    with pytest.raises(WhopUnavailable):
        list(billing.memberships())
    whop.restore()
    assert billing.membership("mem_1").status == "active"


def test_rate_limiting_is_unavailable_with_retry_after(whop: WhopStandIn, billing: WhopBilling) -> None:
    whop.add_membership("mem_1")
    whop.rate_limit(retry_after=7)
    with pytest.raises(WhopUnavailable) as caught:
        billing.payments()
    assert caught.value.retry_after == 7


def test_an_unknown_membership_is_not_found(billing: WhopBilling) -> None:
    with pytest.raises(WhopNotFound):
        billing.membership("mem_missing")


def test_a_wrong_api_key_is_neither_not_found_nor_unavailable(whop: WhopStandIn) -> None:
    whop.add_membership("mem_1")
    billing = WhopBilling("not-the-key", whop.company_id, transport=whop.transport())
    with pytest.raises(WhopError) as caught:
        billing.membership("mem_1")
    assert type(caught.value) is WhopError


@pytest.mark.parametrize("error", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")])
def test_network_failures_are_unavailable(error: Exception) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise error

    billing = WhopBilling("key", "biz_1", transport=httpx.MockTransport(fail))
    with pytest.raises(WhopUnavailable):
        billing.membership("mem_1")


def test_sdk_retries_when_asked(whop: WhopStandIn) -> None:
    whop.add_membership("mem_1")
    whop.outage(requests=1)
    billing = WhopBilling(whop.api_key, whop.company_id, transport=whop.transport(), max_retries=1)
    assert billing.membership("mem_1").status == "active"
    assert len(whop.requests) == 2


def test_the_stand_in_plan_parses_with_the_sdk(whop: WhopStandIn) -> None:
    from whop_sdk import Whop
    from whop_sdk.environment import WhopEnvironment

    plan = whop.add_plan(title="Quarterly", billing_period_days=90)
    client = Whop(
        environment=WhopEnvironment.PRODUCTION,
        token=whop.api_key,
        httpx_client=httpx.Client(transport=whop.transport()),
    )
    fetched = client.plans.retrieve(plan["id"])
    assert (fetched.title, fetched.billing_period) == ("Quarterly", 90)


# --- webhooks ---------------------------------------------------------------------------


def deliver(whop: WhopStandIn, event: str, object_id: str, shape: str = "pinned", **sign: object) -> tuple:
    sent = datetime.fromtimestamp(int(time.time()), tz=UTC)
    payload = whop.webhook_payload(event, object_id, shape=shape, msg_id="msg_0001", sent_at=sent)
    return sign_webhook(SECRET, payload, msg_id="msg_0001", **sign)  # type: ignore[arg-type]


def test_a_signed_delivery_verifies(whop: WhopStandIn, billing: WhopBilling) -> None:
    whop.add_membership("mem_1", user_id="user_1")
    body, headers = deliver(whop, "membership.activated", "mem_1")

    event = billing.parse_webhook(body, headers)

    assert (event.id, event.type, event.membership_id, event.user_id) == (
        "msg_0001",
        "membership.activated",
        "mem_1",
        "user_1",
    )
    assert event.company_id == whop.company_id
    assert event.state is not None and event.state.status == "active"
    assert event.payment is None
    assert event.raw["type"] == "membership.activated"


def test_header_names_are_case_insensitive(whop: WhopStandIn, billing: WhopBilling) -> None:
    whop.add_membership("mem_1")
    body, headers = deliver(whop, "membership.activated", "mem_1")
    shouted = {key.title(): value for key, value in headers.items()}
    assert billing.parse_webhook(body, shouted).id == "msg_0001"


def test_a_bad_signature_is_rejected(whop: WhopStandIn, billing: WhopBilling) -> None:
    whop.add_membership("mem_1")
    body, headers = deliver(whop, "membership.activated", "mem_1")
    forged = WhopBilling("k", whop.company_id, webhook_secret="ws_someone_else")
    with pytest.raises(WhopSignatureError):
        forged.parse_webhook(body, headers)
    with pytest.raises(WhopSignatureError):
        billing.parse_webhook(body.replace(b"active", b"activf"), headers)
    with pytest.raises(WhopSignatureError):
        billing.parse_webhook(body, {**headers, "webhook-signature": "v1,not base64!"})


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_rejected(whop: WhopStandIn, billing: WhopBilling, missing: str) -> None:
    whop.add_membership("mem_1")
    body, headers = deliver(whop, "membership.activated", "mem_1")
    del headers[missing]
    with pytest.raises(WhopSignatureError):
        billing.parse_webhook(body, headers)


@pytest.mark.parametrize("offset", [-600, 600])
def test_a_timestamp_outside_five_minutes_is_rejected(whop: WhopStandIn, billing: WhopBilling, offset: int) -> None:
    whop.add_membership("mem_1")
    body, headers = deliver(whop, "membership.activated", "mem_1", timestamp=int(time.time()) + offset)
    with pytest.raises(WhopSignatureError):
        billing.parse_webhook(body, headers)


def test_a_redelivery_still_verifies(whop: WhopStandIn, billing: WhopBilling) -> None:
    whop.add_membership("mem_1")
    body, headers = deliver(whop, "membership.activated", "mem_1")
    assert billing.parse_webhook(body, headers) == billing.parse_webhook(body, headers)


def test_without_a_secret_nothing_verifies(whop: WhopStandIn) -> None:
    whop.add_membership("mem_1")
    body, headers = deliver(whop, "membership.activated", "mem_1")
    with pytest.raises(WhopSignatureError, match="secret"):
        WhopBilling("k", whop.company_id).parse_webhook(body, headers)


MEMBERSHIP_EVENTS = [
    ("membership.went_valid", "active", "active"),
    ("membership.activated", "trialing", "active"),
    ("membership.went_invalid", "expired", "canceled"),
    ("membership.deactivated", "canceled", "canceled"),
    ("membership.cancel_at_period_end_changed", "canceling", "active"),
    ("membership.updated", "past_due", "past_due"),
]


def both_shapes(whop: WhopStandIn, billing: WhopBilling, event: str, object_id: str) -> tuple[WhopEvent, WhopEvent]:
    sent = datetime.fromtimestamp(int(time.time()), tz=UTC)
    parsed = []
    for shape in ("pinned", "legacy"):
        payload = whop.webhook_payload(event, object_id, shape=shape, msg_id="msg_0042", sent_at=sent)
        parsed.append(billing.parse_webhook(*sign_webhook(SECRET, payload, msg_id="msg_0042")))
    return parsed[0], parsed[1]


@pytest.mark.parametrize(("event", "whop_status", "status"), MEMBERSHIP_EVENTS)
def test_membership_events_read_the_same_in_both_shapes(
    whop: WhopStandIn, billing: WhopBilling, event: str, whop_status: str, status: str
) -> None:
    whop.add_membership(
        "mem_1", user_id="user_1", status=whop_status, cancel_at_period_end=event.endswith("period_end_changed")
    )
    pinned, legacy = both_shapes(whop, billing, event, "mem_1")

    assert pinned == legacy
    assert "user_id" in pinned.raw["data"] and "user" in legacy.raw["data"]
    assert pinned.state is not None
    assert (pinned.type, pinned.state.status, pinned.state.raw_status) == (event, status, whop_status)
    assert (pinned.state.amount, pinned.state.currency, pinned.state.interval) == (150000, "usd", "month")
    renews = status != "canceled" and not pinned.state.cancel_at_period_end
    assert pinned.state.next_billing_date == (pinned.state.current_period_end if renews else None)


def test_paused_membership_reads_the_same_in_both_shapes(whop: WhopStandIn, billing: WhopBilling) -> None:
    whop.add_membership("mem_1", payment_collection_paused=True)
    pinned, legacy = both_shapes(whop, billing, "membership.updated", "mem_1")
    assert pinned == legacy
    assert pinned.state is not None and pinned.state.status == "paused"


PAYMENT_EVENTS = [
    ("payment.succeeded", "paid", "succeeded", "paid"),
    ("payment.failed", "open", "failed", "failed"),
    ("payment.pending", "pending", "pending", "pending"),
]


@pytest.mark.parametrize(("event", "whop_status", "substatus", "status"), PAYMENT_EVENTS)
def test_payment_events_read_the_same_in_both_shapes(
    whop: WhopStandIn, billing: WhopBilling, event: str, whop_status: str, substatus: str, status: str
) -> None:
    whop.add_membership("mem_1", user_id="user_1")
    whop.add_payment("pay_1", membership_id="mem_1", total="1234.56", status=whop_status, substatus=substatus)
    pinned, legacy = both_shapes(whop, billing, event, "pay_1")

    assert pinned == legacy
    assert isinstance(pinned.raw["data"]["total"], dict) and isinstance(legacy.raw["data"]["total"], float)
    assert pinned.payment is not None
    assert (pinned.payment.id, pinned.payment.amount, pinned.payment.currency) == ("pay_1", 123456, "usd")
    assert pinned.payment.status == status
    assert (pinned.membership_id, pinned.user_id, pinned.company_id) == ("mem_1", "user_1", whop.company_id)
    assert pinned.state is None


@pytest.mark.parametrize(
    ("event", "status"),
    [
        ("invoice.paid", "paid"),
        ("invoice.past_due", "failed"),
        ("invoice.voided", "void"),
        ("invoice.created", "pending"),
    ],
)
def test_invoice_events_become_payments_with_a_pay_link(
    whop: WhopStandIn, billing: WhopBilling, event: str, status: str
) -> None:
    whop.add_membership("mem_1", user_id="user_1")
    whop.add_payment("pay_1", membership_id="mem_1", total="99.00")
    pinned, legacy = both_shapes(whop, billing, event, "pay_1")

    assert pinned == legacy
    assert pinned.payment is not None
    assert (pinned.payment.amount, pinned.payment.status) == (9900, status)
    assert pinned.payment.receipt_url == "https://whop.com/invoices/inv_1/pay"
    assert (pinned.user_id, pinned.company_id) == ("user_1", whop.company_id)


def test_the_oldest_legacy_shape_with_action_and_unix_times_reads_too(billing: WhopBilling) -> None:
    payload = {
        "action": "membership.went_valid",
        "data": {
            "id": "mem_old",
            "status": "active",
            "user": {"id": "user_old"},
            "plan": {"id": "plan_old", "renewal_price": "19.99", "base_currency": "usd", "billing_period": 365},
            "product": {"id": "pass_old", "name": "Yearly"},
            "cancel_at_period_end": False,
            "renewal_period_end": 1767225600,
        },
    }
    event = billing.parse_webhook(*sign_webhook(SECRET, payload, msg_id="msg_old"))
    assert event.state is not None
    assert (event.type, event.user_id, event.state.plan_name) == ("membership.went_valid", "user_old", "Yearly")
    assert (event.state.amount, event.state.interval) == (1999, "year")
    assert event.state.next_billing_date == "2026-01-01T00:00:00+00:00"
    assert event.occurred_at is not None


# --- configuration ------------------------------------------------------------------------


def test_from_env_without_a_key_means_not_connected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WHOP_API_KEY", raising=False)
    monkeypatch.setenv("WHOP_COMPANY_ID", "biz_1")
    assert from_env() is None


def test_from_env_builds_the_adapter(monkeypatch: pytest.MonkeyPatch, whop: WhopStandIn) -> None:
    monkeypatch.setenv("WHOP_API_KEY", whop.api_key)
    monkeypatch.setenv("WHOP_COMPANY_ID", whop.company_id)
    monkeypatch.setenv("WHOP_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("WHOP_BASE_URL", "https://sandbox-api.whop.com/api/v1/")
    whop.add_membership("mem_1")
    billing = from_env(transport=whop.transport())
    assert billing is not None
    assert billing.membership("mem_1").membership_id == "mem_1"
    assert whop.requests[-1].url.host == "sandbox-api.whop.com"


def test_importing_the_adapter_does_not_import_the_sdk() -> None:
    code = "import sys, portal.integrations.whop; print('whop_sdk' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=FUNCTIONS, capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://whop.com/hub/mem_1", "https://whop.com/hub/mem_1"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("http://whop.com/hub", None),
        ("//evil.example/x", None),
        ("/relative", None),
        ("https://", None),
        (42, None),
        ("https://whop.com/" + "x" * 3000, None),
    ],
)
def test_links_from_whop_are_absolute_https_or_dropped(given: object, kept: str | None) -> None:
    from portal.integrations.whop import parsing

    assert parsing.state_from_membership({"id": "mem_1", "status": "active", "manage_url": given}).manage_url == kept
    assert parsing.payment_from_receipt({"id": "pay_1", "status": "paid", "receipt_url": given}).receipt_url == kept
