"""A stand-in for Whop's REST API (v1) and webhook signing, as an ``httpx.MockTransport``.

What it speaks, taken from ``whop_sdk`` 2.6.0 (the Fern-generated client) and Whop's docs:

* base ``https://api.whop.com/api/v1``; ``Authorization: Bearer <api key>`` (401 otherwise);
  the SDK also sends ``Api-Version-Date`` and the answers below are in that pinned shape;
* ``GET /memberships?account_id=&statuses=&first=&after=`` and ``GET /memberships/{id}``;
* ``GET /payments?account_id=&membership_id=&user_id=&order=&direction=&first=&after=``
  (newest first) and ``POST /payments/{id}/generate_pdf`` (``{"url", "expires_at"}``);
* ``GET /plans/{id}``;
* lists answer ``{"data": [...], "page_info": {"end_cursor", "start_cursor",
  "has_next_page", "has_previous_page"}}``, at most ``page_size`` items a page;
* 404 for unknown ids, 503 during an outage, 429 with ``Retry-After`` when rate limiting.

Webhooks follow Standard Webhooks as Whop signs them: HMAC-SHA256 keyed with the literal
bytes of the secret Whop shows (``ws_...``), over ``{webhook-id}.{webhook-timestamp}.{body}``,
sent as ``webhook-signature: v1,<base64>``. The payload builders produce both shapes an
endpoint can receive: pinned (``*_id`` fields, money objects, ``current_period_end``,
``account_id``) and legacy (nested ``user``/``plan``/``company``, float amounts,
``renewal_period_end``, ``company_id``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import httpx

API_PREFIX = "/api/v1/"
API_VERSION_DATE = "2026-10-15-1"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_ids = itertools.count(1)


def _new_id(prefix: str) -> str:
    return f"{prefix}_{next(_ids):014d}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def money(amount: str, currency: str = "usd") -> dict[str, Any]:
    """A pinned money object, as Whop sends it."""
    decimals = 0 if currency == "jpy" else 2
    return {"amount": amount, "currency": currency, "decimals": decimals, "display_decimals": decimals}


def _error(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json={"error": {"type": kind, "message": message}}, headers=headers)


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"idx:{index}".encode()).decode()


def _index(cursor: str) -> int:
    return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)[1])


class WhopStandIn:
    """An in-memory Whop company with memberships, payments and plans behind the real API."""

    def __init__(
        self,
        *,
        api_key: str = "whop-test-key",
        company_id: str = "biz_standin000001",
        page_size: int = 2,
    ) -> None:
        self.api_key = api_key
        self.company_id = company_id
        self.page_size = page_size
        self.plans: dict[str, dict[str, Any]] = {}
        self.memberships: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.requests: list[httpx.Request] = []
        self._failures: list[httpx.Response] = []
        self._down = False

    # --- the store -------------------------------------------------------------------

    def add_plan(
        self,
        plan_id: str | None = None,
        *,
        title: str = "Monthly retainer",
        price: str = "1500.00",
        currency: str = "usd",
        billing_period_days: int | None = 30,
        product_title: str = "Studio retainer",
    ) -> dict[str, Any]:
        """A plan (Whop's "variant") with its product; memberships take their price from it."""
        plan_id = plan_id or _new_id("plan")
        now = _iso(EPOCH)
        plan = {
            "id": plan_id,
            "title": title,
            "account": {"id": self.company_id, "title": "Studio", "route": "studio"},
            "adaptive_pricing_enabled": False,
            "billing_period": billing_period_days,
            "collect_tax": False,
            "created_at": now,
            "updated_at": now,
            "currency": currency,
            "custom_fields": [],
            "formatted_price": f"{price} {currency.upper()}",
            "initial_price": float(price),
            "initial_price_due": money(price, currency),
            "renewal_price": float(price) if billing_period_days else 0.0,
            "plan_type": "renewal" if billing_period_days else "one_time",
            "purchase_url": f"https://whop.com/checkout/{plan_id}",
            "release_method": "buy_now",
            "tax_type": "unspecified",
            "unlimited_stock": True,
            "visibility": "visible",
            "product": {"id": f"prod_{plan_id[5:]}", "title": product_title},
        }
        self.plans[plan_id] = plan
        return plan

    def add_membership(
        self,
        membership_id: str | None = None,
        *,
        plan_id: str | None = None,
        user_id: str | None = None,
        status: str = "active",
        cancel_at_period_end: bool = False,
        current_period_end: datetime | None = None,
        company_id: str | None = None,
        created_at: datetime | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A membership in the pinned API shape (what ``GET /memberships/{id}`` answers)."""
        plan = self.plans[plan_id] if plan_id else self.add_plan()
        membership_id = membership_id or _new_id("mem")
        created = created_at or EPOCH
        period_end = current_period_end or (created + timedelta(days=30))
        renews = bool(plan["billing_period"])
        company = company_id or self.company_id
        membership = {
            "id": membership_id,
            "account": {"id": company, "title": "Studio", "route": "studio", "logo_url": None},
            "billing_period_days": plan["billing_period"],
            "cancel_at_period_end": cancel_at_period_end,
            "canceled_at": None,
            "created_at": _iso(created),
            "updated_at": _iso(created),
            "current_period_start": _iso(period_end - timedelta(days=30)),
            "current_period_end": _iso(period_end),
            "initial_price": plan["initial_price_due"],
            "renewal_price": plan["initial_price_due"] if renews else None,
            "manage_url": f"https://whop.com/billing/manage/{membership_id}",
            "member_id": _new_id("mber"),
            "metadata": {},
            "plan_id": plan["id"],
            "product": {"id": plan["product"]["id"], "title": plan["product"]["title"], "logo_url": None},
            "product_id": plan["product"]["id"],
            "status": status,
            "user_id": user_id or _new_id("user"),
        }
        membership.update(extra)
        self.memberships[membership_id] = membership
        return membership

    def add_payment(
        self,
        payment_id: str | None = None,
        *,
        membership_id: str,
        total: str = "1500.00",
        status: str = "paid",
        substatus: str = "succeeded",
        created_at: datetime | None = None,
    ) -> dict[str, Any]:
        """A payment (receipt) against a membership, in the pinned API shape."""
        membership = self.memberships[membership_id]
        currency = membership["initial_price"]["currency"]
        created = created_at or EPOCH
        payment_id = payment_id or _new_id("pay")
        payment = {
            "id": payment_id,
            "account_id": membership["account"]["id"],
            "amount_after_fees": money(str(Decimal(total) * Decimal("0.97")), currency),
            "auto_refunded": False,
            "billing_reason": "subscription_cycle",
            "created_at": _iso(created),
            "updated_at": _iso(created),
            "paid_at": _iso(created) if status == "paid" else None,
            "currency": currency,
            "holds": [],
            "line_items": [],
            "payment_rule_matches": [],
            "payments_failed": 0 if status == "paid" else 1,
            "refundable": status == "paid",
            "retryable": status == "open",
            "voidable": False,
            "three_ds_verified": False,
            "tax_refunded_amount": money("0.00", currency),
            "membership_id": membership_id,
            "member_id": membership["member_id"],
            "plan_id": membership["plan_id"],
            "product_id": membership["product_id"],
            "status": status,
            "substatus": substatus,
            "subtotal": money(total, currency),
            "total": money(total, currency),
            "user": {
                "id": membership["user_id"],
                "username": "client",
                "name": "A Client",
                "profile_picture": {"url": "https://whop.com/avatar.png"},
            },
        }
        self.payments[payment_id] = payment
        return payment

    def set_status(self, membership_id: str, status: str, **changes: Any) -> dict[str, Any]:
        """Flip a membership's status (and any other fields), as Whop would on an event."""
        membership = self.memberships[membership_id]
        membership.update(status=status, **changes)
        return membership

    # --- failure modes ----------------------------------------------------------------

    def outage(self, requests: int | None = None) -> None:
        """Answer 503 to the next ``requests`` requests, or to all until ``restore()``."""
        if requests is None:
            self._down = True
        else:
            self._failures.extend(_error(503, "service_unavailable", "Whop is down") for _ in range(requests))

    def rate_limit(self, retry_after: int = 7, requests: int = 1) -> None:
        """Answer 429 with ``Retry-After`` to the next ``requests`` requests."""
        headers = {"Retry-After": str(retry_after)}
        self._failures.extend(_error(429, "rate_limited", "Slow down", headers) for _ in range(requests))

    def restore(self) -> None:
        """End an outage and forget pending failures."""
        self._down = False
        self._failures.clear()

    # --- the API ----------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        """The ``httpx`` transport to hand to the adapter."""
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as Whop's API would."""
        self.requests.append(request)
        if self._down:
            return _error(503, "service_unavailable", "Whop is down")
        if self._failures:
            return self._failures.pop(0)
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(401, "unauthorized", "Invalid API key")
        if not request.url.path.startswith(API_PREFIX):
            return _error(404, "not_found", "No such route")
        path = request.url.path[len(API_PREFIX) :]
        query = parse_qs(request.url.query.decode())
        for pattern, method, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if match and request.method == method:
                return handler(query, *match.groups())
        return _error(404, "not_found", "No such route")

    def _routes(self) -> list[tuple[str, str, Callable[..., httpx.Response]]]:
        return [
            (r"memberships", "GET", self._list_memberships),
            (r"memberships/([^/]+)", "GET", self._get_membership),
            (r"payments", "GET", self._list_payments),
            (r"payments/([^/]+)/generate_pdf", "POST", self._generate_pdf),
            (r"plans/([^/]+)", "GET", self._get_plan),
        ]

    def _page(self, items: list[dict[str, Any]], query: dict[str, list[str]]) -> httpx.Response:
        try:
            start = _index(query["after"][0]) + 1 if "after" in query else 0
            size = min(int(query.get("first", [self.page_size])[0]), self.page_size)
        except (ValueError, IndexError, UnicodeDecodeError):
            return _error(400, "bad_request", "Invalid pagination parameters")
        chunk = items[start : start + size]
        end = start + len(chunk) - 1
        info = {
            "start_cursor": _cursor(start) if chunk else None,
            "end_cursor": _cursor(end) if chunk else None,
            "has_next_page": end + 1 < len(items),
            "has_previous_page": start > 0,
        }
        return httpx.Response(200, json={"data": chunk, "page_info": info})

    def _list_memberships(self, query: dict[str, list[str]]) -> httpx.Response:
        account = query.get("account_id", [self.company_id])[0]
        wanted = set(query.get("statuses", [])) | set(query.get("status", []))
        items = [
            m
            for m in self.memberships.values()
            if m["account"]["id"] == account and (not wanted or m["status"] in wanted)
        ]
        return self._page(items, query)

    def _get_membership(self, query: dict[str, list[str]], membership_id: str) -> httpx.Response:
        membership = self.memberships.get(membership_id)
        if membership is None:
            return _error(404, "not_found", f"Membership {membership_id} not found")
        return httpx.Response(200, json=membership)

    def _list_payments(self, query: dict[str, list[str]]) -> httpx.Response:
        filters = {key: query[key][0] for key in ("account_id", "membership_id") if key in query}
        user = query.get("user_id", [None])[0]
        items = [
            p
            for p in self.payments.values()
            if all(p.get(key) == value for key, value in filters.items()) and (not user or p["user"]["id"] == user)
        ]
        ascending = query.get("direction", ["desc"])[0] == "asc"
        items.sort(key=lambda p: p["created_at"], reverse=not ascending)
        return self._page(items, query)

    def _generate_pdf(self, query: dict[str, list[str]], payment_id: str) -> httpx.Response:
        if payment_id not in self.payments:
            return _error(404, "not_found", f"Payment {payment_id} not found")
        expires = _iso(datetime.now(tz=UTC) + timedelta(minutes=15))
        url = f"https://files.whop.example/receipts/{payment_id}.pdf"
        return httpx.Response(200, json={"url": url, "expires_at": expires})

    def _get_plan(self, query: dict[str, list[str]], plan_id: str) -> httpx.Response:
        plan = self.plans.get(plan_id)
        if plan is None:
            return _error(404, "not_found", f"Plan {plan_id} not found")
        return httpx.Response(200, json=plan)

    # --- webhook payloads ---------------------------------------------------------------

    def webhook_payload(
        self, event_type: str, object_id: str, *, shape: str = "pinned", msg_id: str, sent_at: datetime
    ) -> dict[str, Any]:
        """The body Whop would deliver for ``event_type`` about a stored membership, payment
        or (for ``invoice.*``) the membership's latest payment, in the ``pinned`` or
        ``legacy`` shape."""
        data = self._webhook_data(event_type, object_id, shape)
        envelope: dict[str, Any] = {
            "id": msg_id,
            "api_version": "v1",
            "timestamp": _iso(sent_at),
            "type": event_type,
            "data": data,
        }
        if shape == "pinned":
            envelope.update(api_version_date=API_VERSION_DATE, account_id=self.company_id)
        else:
            envelope["company_id"] = self.company_id
        return envelope

    def _webhook_data(self, event_type: str, object_id: str, shape: str) -> dict[str, Any]:
        legacy = shape == "legacy"
        if event_type.startswith("membership."):
            membership = self.memberships[object_id]
            return legacy_membership(membership, self.plans[membership["plan_id"]]) if legacy else dict(membership)
        if event_type.startswith("payment."):
            payment = self.payments[object_id]
            return legacy_payment(payment, self.memberships[payment["membership_id"]]) if legacy else dict(payment)
        if event_type.startswith("invoice."):
            return invoice_for(self.payments[object_id], self.memberships, event_type)
        raise ValueError(f"no payload builder for {event_type}")


# --- payload shapes ----------------------------------------------------------------------


def _float(money_object: dict[str, Any] | None) -> float | None:
    return float(money_object["amount"]) if money_object else None


def legacy_membership(membership: dict[str, Any], plan: dict[str, Any]) -> dict[str, Any]:
    """A membership as an unpinned endpoint receives it: nested objects, ``renewal_period_end``.

    The nested ``plan`` carries its prices as plain numbers with ``base_currency`` and
    ``billing_period`` (days), as the older deliveries did."""
    currency = membership["initial_price"]["currency"]
    price = _float(membership["renewal_price"]) or _float(membership["initial_price"])
    return {
        "id": membership["id"],
        "status": membership["status"],
        "created_at": membership["created_at"],
        "updated_at": membership["updated_at"],
        "manage_url": membership["manage_url"],
        "member": {"id": membership["member_id"]},
        "user": {"id": membership["user_id"], "username": "client", "name": "A Client"},
        "renewal_period_start": membership["current_period_start"],
        "renewal_period_end": membership["current_period_end"],
        "cancel_at_period_end": membership["cancel_at_period_end"],
        "canceled_at": membership["canceled_at"],
        "currency": currency,
        "company": {"id": membership["account"]["id"], "title": membership["account"]["title"]},
        "plan": {
            "id": plan["id"],
            "renewal_price": price,
            "initial_price": _float(membership["initial_price"]),
            "base_currency": currency,
            "billing_period": plan["billing_period"],
        },
        "product": dict(membership["product"]),
        "license_key": None,
        "metadata": {},
        "payment_collection_paused": bool(membership.get("payment_collection_paused")),
    }


def legacy_payment(payment: dict[str, Any], membership: dict[str, Any]) -> dict[str, Any]:
    """A payment as an unpinned endpoint receives it: float amounts, nested objects."""
    return {
        "id": payment["id"],
        "status": payment["status"],
        "substatus": payment["substatus"],
        "created_at": payment["created_at"],
        "paid_at": payment["paid_at"],
        "plan": {"id": payment["plan_id"]},
        "product": {"id": payment["product_id"], "title": membership["product"]["title"]},
        "user": {key: payment["user"][key] for key in ("id", "username", "name")},
        "membership": {"id": membership["id"], "status": membership["status"]},
        "company": {"id": payment["account_id"], "title": "Studio", "route": "studio"},
        "currency": payment["currency"],
        "total": _float(payment["total"]),
        "subtotal": _float(payment["subtotal"]),
        "usd_total": _float(payment["total"]),
        "amount_after_fees": _float(payment["amount_after_fees"]),
        "refunded_amount": 0.0,
        "payments_failed": payment["payments_failed"],
        "billing_reason": payment["billing_reason"],
    }


INVOICE_STATUSES = {
    "invoice.created": "open",
    "invoice.paid": "paid",
    "invoice.past_due": "past_due",
    "invoice.voided": "void",
    "invoice.marked_uncollectible": "uncollectible",
}


def invoice_for(payment: dict[str, Any], memberships: dict[str, Any], event_type: str) -> dict[str, Any]:
    """An invoice (the ``invoice.*`` data object; one shape in both modes) for a payment."""
    membership = memberships[payment["membership_id"]]
    status = INVOICE_STATUSES.get(event_type, "open")
    invoice_id = "inv_" + payment["id"][4:]
    return {
        "id": invoice_id,
        "number": "0001",
        "status": status,
        "created_at": payment["created_at"],
        "updated_at": payment["updated_at"],
        "collection_method": "send_invoice",
        "charge_buyer_fee": False,
        "payment_processing": False,
        "fetch_invoice_token": "tok",
        "company": {"id": payment["account_id"]},
        "current_plan": {
            "id": payment["plan_id"],
            "currency": payment["currency"],
            "formatted_price": payment["total"]["amount"],
        },
        "product": {"id": payment["product_id"], "title": membership["product"]["title"]},
        "user": {"id": payment["user"]["id"], "username": "client"},
        "line_items": [
            {
                "label": "Retainer",
                "position": 0,
                "quantity": 1,
                "unit_price": _float(payment["total"]),
                "total": _float(payment["total"]),
            }
        ],
        "payment": {"id": payment["id"]} if status == "paid" else None,
        "pay_online_url": f"https://whop.com/invoices/{invoice_id}/pay",
    }


# --- signing --------------------------------------------------------------------------


def sign_webhook(
    secret: str, payload: dict[str, Any], *, msg_id: str, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The raw body and Standard Webhooks headers Whop would send for ``payload``.

    Whop keys the HMAC with the literal bytes of the secret it shows (prefix included),
    which is why its SDKs base64-encode the secret before handing it to a Standard Webhooks
    verifier. This is the scheme written out, independent of the SDK, so the tests check the
    SDK's verification against it rather than against itself."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    sent = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"{msg_id}.{sent}.".encode() + body, hashlib.sha256).digest()
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": sent,
        "webhook-signature": f"v1,{base64.b64encode(digest).decode()}",
        "content-type": "application/json",
    }
    return body, headers
