"""Whop billing adapter: memberships, payments and signed webhooks, through ``whop-sdk``.

The core asks "billing" three things: where does this client's membership stand, what has
been paid, and what just happened (a webhook). This module answers them in plain
dataclasses that know nothing of Whop's wire formats:

* ``BillingState``: one membership, its status normalised to ``active | past_due |
  canceled | paused`` (Whop's own value is kept in ``raw_status``).
* ``Payment``: one charge, amounts in integer minor units (cents for USD).
* ``WhopEvent``: one verified webhook delivery.

Whop sends webhooks in two shapes and both are accepted. An endpoint not pinned to an API
version date gets the legacy shape (nested ``user``/``plan``/``company`` objects, float
amounts, ``renewal_period_end``, ``company_id`` on the envelope); a pinned one gets
``*_id`` fields, money objects (``{"amount": "10.00", "currency": "usd", "decimals": 2}``),
``current_period_end`` and ``account_id``. The API itself is read through the SDK, which
pins its own version date, so API answers always arrive in the pinned shape.

``whop_sdk`` is imported inside the functions that need it, never at module import, so a
cold start that never touches billing never pays for it.
"""

from __future__ import annotations

import email.utils
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal, TypeVar

import httpx

DEFAULT_BASE_URL = "https://api.whop.com/api/v1"
PAGE_SIZE = 50
DEFAULT_TIMEOUT_SECONDS = 10.0

Status = Literal["active", "past_due", "canceled", "paused"]
PaymentStatus = Literal["paid", "pending", "failed", "refunded", "void"]

# Whop's membership statuses (whop_sdk.types.MembershipStatus) mapped explicitly.
# ``completed`` is a one-time purchase that keeps access; ``canceling`` still has access
# until the period ends (``cancel_at_period_end`` says so); ``unresolved`` is a payment
# under dispute or resolution, so it needs attention like a failed renewal; ``drafted`` is
# a checkout that never completed, so it grants nothing.
MEMBERSHIP_STATUSES: dict[str, Status] = {
    "trialing": "active",
    "active": "active",
    "canceling": "active",
    "completed": "active",
    "past_due": "past_due",
    "unresolved": "past_due",
    "canceled": "canceled",
    "expired": "canceled",
    "drafted": "canceled",
}
# A status Whop adds later is shown as needing attention: it neither claims the client is
# paid up nor treats them as gone (which could trigger irreversible clean-ups).
UNKNOWN_MEMBERSHIP_STATUS: Status = "past_due"

# Receipt statuses (whop_sdk.types.ReceiptStatus) and the finer ``substatus``.
PAYMENT_STATUSES: dict[str, PaymentStatus] = {
    "paid": "paid",
    "pending": "pending",
    "authorized": "pending",
    "draft": "pending",
    "open": "pending",
    "uncollectible": "failed",
    "unresolved": "failed",
    "past_due": "failed",
    "void": "void",
}
REFUNDED_SUBSTATUSES = frozenset({"refunded", "partially_refunded", "auto_refunded"})
FAILED_SUBSTATUSES = frozenset({"failed", "past_due", "blocked", "uncollectible"})

# ISO 4217 currencies without a minor unit, for legacy float amounts that carry no
# ``decimals`` of their own. Everything else is taken to have two decimals.
ZERO_DECIMAL_CURRENCIES = frozenset({"jpy", "krw", "vnd", "clp", "isk", "ugx", "xaf", "xof", "pyg"})

INTERVALS = {1: "day", 7: "week", 30: "month", 31: "month", 90: "quarter", 365: "year"}


class WhopError(Exception):
    """Whop refused or could not answer a request (the base of the errors below)."""


class WhopUnavailable(WhopError):
    """Whop is down, slow, unreachable or rate limiting: try again later.

    ``retry_after`` is the number of seconds Whop asked us to wait, when it said.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WhopNotFound(WhopError):
    """The membership (or other object) does not exist for this company."""


class WhopSignatureError(WhopError):
    """A webhook delivery is not provably from Whop: reject it (HTTP 400/401)."""


@dataclass(frozen=True)
class BillingState:
    """Where one Whop membership stands, in the portal's words.

    ``amount`` is in integer minor units of ``currency`` (1500.00 USD is ``150000``):
    the renewal price, or the up-front price of a membership that does not renew.
    ``next_billing_date`` is only set when the membership will actually renew;
    ``current_period_end`` is when the paid period ends either way. Dates are ISO 8601, UTC.
    """

    membership_id: str
    user_id: str | None
    company_id: str | None
    status: Status
    raw_status: str
    plan_id: str | None
    plan_name: str | None
    amount: int | None
    currency: str | None
    interval: str | None
    current_period_end: str | None
    next_billing_date: str | None
    cancel_at_period_end: bool
    manage_url: str | None


@dataclass(frozen=True)
class Payment:
    """One charge (or invoice), newest information first; ``amount`` in minor units."""

    id: str
    created: str | None
    amount: int | None
    currency: str | None
    status: PaymentStatus
    raw_status: str
    membership_id: str | None = None
    user_id: str | None = None
    receipt_url: str | None = None


@dataclass(frozen=True)
class WhopEvent:
    """One verified webhook delivery. ``id`` is the ``webhook-id`` header: Whop delivers at
    least once, so the caller remembers processed ids and ignores repeats."""

    id: str
    type: str
    occurred_at: str | None
    membership_id: str | None
    user_id: str | None
    company_id: str | None
    state: BillingState | None
    payment: Payment | None
    raw: dict[str, Any] = field(compare=False, repr=False)


# --- reading Whop's JSON (both shapes) -------------------------------------------------


def _id_of(value: Any) -> str | None:
    """An id given either as a string or as a nested ``{"id": ...}`` object."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _obj(value: Any) -> Mapping[str, Any]:
    """A nested object, or an empty one when the field is absent or only an id."""
    return value if isinstance(value, Mapping) else {}


def _first(*values: Any) -> Any:
    """The first value that is not None."""
    return next((value for value in values if value is not None), None)


def _iso(value: Any) -> str | None:
    """An ISO 8601 UTC string from an ISO string, Unix seconds or a datetime."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
            moment = datetime.fromtimestamp(float(value), tz=UTC)
        else:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _decimals(currency: str | None) -> int:
    return 0 if (currency or "").lower() in ZERO_DECIMAL_CURRENCIES else 2


def _minor_units(amount: Decimal, decimals: int) -> int:
    return int((amount * (Decimal(10) ** decimals)).to_integral_value(rounding=ROUND_HALF_UP))


def _money(value: Any, currency: str | None) -> tuple[int | None, str | None]:
    """(minor units, currency) from a pinned money object or a legacy float/string amount."""
    if isinstance(value, Mapping) and "amount" in value:
        currency = str(value.get("currency") or currency or "") or None
        decimals = value.get("decimals")
        value = value["amount"]
    else:
        decimals = None
    if value is None or isinstance(value, bool):
        return None, currency
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None, currency
    places = int(decimals) if isinstance(decimals, int) else _decimals(currency)
    return _minor_units(amount, places), (currency.lower() if currency else None)


def _interval(days: Any) -> str | None:
    """``month``, ``year``... from a billing period in days; None for one-time purchases."""
    if not isinstance(days, int | float) or isinstance(days, bool) or days <= 0:
        return None
    return INTERVALS.get(int(days), f"{int(days)} days")


def _membership_status(data: Mapping[str, Any]) -> Status:
    raw = str(data.get("status") or "")
    status = MEMBERSHIP_STATUSES.get(raw, UNKNOWN_MEMBERSHIP_STATUS)
    paused = bool(data.get("payment_collection_paused")) or data.get("most_recent_action") == "paused_at"
    return "paused" if paused and status != "canceled" else status


def state_from_membership(data: Mapping[str, Any], company_id: str | None = None) -> BillingState:
    """A ``BillingState`` from a membership object in either shape (API or webhook)."""
    plan, product = _obj(data.get("plan")), _obj(data.get("product"))
    currency = _first(data.get("currency"), plan.get("base_currency"), plan.get("currency"))
    price = _first(data.get("renewal_price"), plan.get("renewal_price"), data.get("initial_price"))
    amount, currency = _money(price, currency)
    status = _membership_status(data)
    cancel_at_period_end = bool(data.get("cancel_at_period_end"))
    period_end = _iso(_first(data.get("current_period_end"), data.get("renewal_period_end")))
    renews = status != "canceled" and not cancel_at_period_end
    return BillingState(
        membership_id=str(data.get("id") or ""),
        user_id=_first(_id_of(data.get("user_id")), _id_of(data.get("user"))),
        company_id=_first(_id_of(data.get("account")), _id_of(data.get("company")), company_id),
        status=status,
        raw_status=str(data.get("status") or ""),
        plan_id=_first(_id_of(data.get("plan_id")), _id_of(data.get("plan"))),
        plan_name=_first(product.get("title"), product.get("name"), plan.get("title")),
        amount=amount,
        currency=currency,
        interval=_interval(_first(data.get("billing_period_days"), plan.get("billing_period"))),
        current_period_end=period_end,
        next_billing_date=period_end if renews else None,
        cancel_at_period_end=cancel_at_period_end,
        manage_url=data.get("manage_url") or None,
    )


def _payment_status(raw: str, substatus: str) -> PaymentStatus:
    if substatus in REFUNDED_SUBSTATUSES:
        return "refunded"
    if substatus in FAILED_SUBSTATUSES and raw != "paid":
        return "failed"
    return PAYMENT_STATUSES.get(raw, "pending")


def payment_from_receipt(data: Mapping[str, Any]) -> Payment:
    """A ``Payment`` from a payment object in either shape (API or webhook)."""
    currency = data.get("currency")
    amount, currency = _money(_first(data.get("total"), data.get("final_amount"), data.get("subtotal")), currency)
    raw = str(data.get("status") or "")
    return Payment(
        id=str(data.get("id") or ""),
        created=_iso(data.get("created_at")),
        amount=amount,
        currency=currency,
        status=_payment_status(raw, str(data.get("substatus") or "")),
        raw_status=raw,
        membership_id=_first(_id_of(data.get("membership_id")), _id_of(data.get("membership"))),
        user_id=_first(_id_of(data.get("user_id")), _id_of(data.get("user"))),
        receipt_url=data.get("receipt_url") or None,
    )


def payment_from_invoice(data: Mapping[str, Any]) -> Payment:
    """A ``Payment`` from an invoice (``invoice.*`` events); its URL is where to pay it."""
    plan = _obj(data.get("current_plan"))
    items = data.get("line_items") or []
    total = sum((Decimal(str(item.get("total") or 0)) for item in items if isinstance(item, Mapping)), Decimal(0))
    amount, currency = _money(total if items else None, plan.get("currency"))
    raw = str(data.get("status") or "")
    return Payment(
        id=str(data.get("id") or ""),
        created=_iso(data.get("created_at")),
        amount=amount,
        currency=currency,
        status=PAYMENT_STATUSES.get(raw, "pending"),
        raw_status=raw,
        membership_id=_id_of(data.get("membership_id")),
        user_id=_first(_id_of(data.get("user_id")), _id_of(data.get("user"))),
        receipt_url=data.get("pay_online_url") or None,
    )


def event_from_payload(payload: Mapping[str, Any], headers: Mapping[str, str]) -> WhopEvent:
    """Normalise an already verified webhook body (either shape) into a ``WhopEvent``."""
    lowered = {key.lower(): value for key, value in headers.items()}
    kind = str(payload.get("type") or payload.get("action") or "")
    data = _obj(payload.get("data")) or _obj(payload.get("body"))
    company_id = _first(
        _id_of(payload.get("account_id")), _id_of(payload.get("company_id")), _id_of(payload.get("company"))
    )
    state = state_from_membership(data, company_id) if kind.startswith("membership.") else None
    payment = None
    if kind.startswith("payment."):
        payment = payment_from_receipt(data)
    elif kind.startswith("invoice."):
        payment = payment_from_invoice(data)
    company = _first(
        state.company_id if state else None,
        _id_of(data.get("account_id")),
        _id_of(data.get("company")),
        company_id,
    )
    return WhopEvent(
        id=lowered.get("webhook-id") or str(payload.get("id") or ""),
        type=kind,
        occurred_at=_iso(_first(payload.get("timestamp"), lowered.get("webhook-timestamp"))),
        membership_id=state.membership_id if state else (payment.membership_id if payment else None),
        user_id=state.user_id if state else (payment.user_id if payment else None),
        company_id=company,
        state=state,
        payment=payment,
        raw=dict(payload),
    )


# --- errors from the SDK and the network ----------------------------------------------


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or an HTTP date), if Whop said."""
    value = _header(headers, "retry-after")
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    parsed = email.utils.parsedate_tz(value)
    return max(0.0, email.utils.mktime_tz(parsed) - time.time()) if parsed else None


def _translate(error: Exception) -> WhopError:
    """The portal's error for an SDK or httpx exception."""
    from whop_sdk.core.api_error import ApiError
    from whop_sdk.core.parse_error import ParsingError

    if isinstance(error, httpx.TimeoutException):
        return WhopUnavailable("Whop did not answer in time")
    if isinstance(error, httpx.TransportError):
        return WhopUnavailable(f"Whop is unreachable: {error}")
    if isinstance(error, ParsingError):
        return WhopError("Whop answered in a shape the SDK does not understand")
    if not isinstance(error, ApiError):
        return WhopError(str(error))
    code = error.status_code or 0
    if code == 404:
        return WhopNotFound("Whop has no such object for this company")
    if code == 429:
        wait = retry_after_seconds(error.headers)
        return WhopUnavailable("Whop is rate limiting the portal", retry_after=wait)
    if code >= 500 or code == 408:
        return WhopUnavailable(f"Whop is unavailable (HTTP {code})")
    return WhopError(f"Whop refused the request (HTTP {code})")


T = TypeVar("T")


def _call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call the SDK, turning its exceptions into the portal's."""
    from whop_sdk.core.api_error import ApiError
    from whop_sdk.core.parse_error import ParsingError

    try:
        return fn(*args, **kwargs)
    except (ApiError, ParsingError, httpx.HTTPError) as error:
        raise _translate(error) from error


def _as_dict(model: Any) -> dict[str, Any]:
    """The JSON-shaped dict of an SDK model (aliases as on the wire, extras kept)."""
    return dict(model.dict()) if hasattr(model, "dict") else dict(model)


# --- the adapter ------------------------------------------------------------------------


class WhopBilling:
    """Whop behind the portal's billing port.

    ``transport`` replaces the network (tests pass a stand-in's ``httpx.MockTransport``);
    ``max_retries`` is the SDK's own retry of 429/5xx/connection errors, off by default
    because it sleeps (up to a minute on ``Retry-After``) inside the caller's request:
    the portal retries through the scheduled poll and Whop's own redeliveries instead.
    """

    def __init__(
        self,
        api_key: str,
        company_id: str,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        webhook_secret: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        max_retries: int = 0,
    ) -> None:
        self.company_id = company_id
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._api_key = api_key
        self._transport = transport
        self._webhook_secret = webhook_secret
        self._timeout = timeout
        self._max_retries = max_retries
        self._sdk: Any = None

    def _client(self) -> Any:
        """The SDK client, built on first use around an httpx client with our transport."""
        if self._sdk is None:
            from whop_sdk import Whop
            from whop_sdk.environment import WhopEnvironment

            http = httpx.Client(transport=self._transport, timeout=self._timeout, follow_redirects=True)
            environment = WhopEnvironment(api=self.base_url, vault=WhopEnvironment.PRODUCTION.vault)
            self._sdk = Whop(
                environment=environment, token=self._api_key, httpx_client=http, max_retries=self._max_retries
            )
        return self._sdk

    def _pages(self, list_fn: Callable[..., Any], **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paginated list, page by page (``page_info.end_cursor``)."""
        cursor: str | None = None
        while True:
            page = _call(list_fn, first=PAGE_SIZE, after=cursor, **params)
            yield from (_as_dict(item) for item in page.items or [])
            info = page.response.page_info
            if not info.has_next_page or not info.end_cursor or info.end_cursor == cursor:
                return
            cursor = info.end_cursor

    def membership(self, membership_id: str) -> BillingState:
        """The billing state of one membership; ``WhopNotFound`` if it is not this company's."""
        data = _as_dict(_call(self._client().memberships.retrieve, membership_id))
        state = state_from_membership(data)
        if state.company_id and state.company_id != self.company_id:
            raise WhopNotFound("Whop has no such membership for this company")
        return state

    def memberships(self) -> Iterator[BillingState]:
        """Every membership of the company, following the cursor across all pages."""
        client = self._client()
        for data in self._pages(client.memberships.list, account_id=self.company_id):
            yield state_from_membership(data, self.company_id)

    def payments(
        self,
        membership_id: str | None = None,
        user_id: str | None = None,
        limit: int = 50,
        *,
        receipts: bool = False,
    ) -> list[Payment]:
        """The company's payments, newest first, at most ``limit``, optionally narrowed to one
        membership or user. With ``receipts`` each paid one gets a receipt link
        (``payments.generate_pdf``: one request per payment, links expire)."""
        client = self._client()
        found: list[Payment] = []
        pages = self._pages(
            client.payments.list,
            account_id=self.company_id,
            membership_id=membership_id,
            user_id=user_id,
            order="created_at",
            direction="desc",
        )
        for data in pages:
            found.append(payment_from_receipt(data))
            if len(found) >= limit:
                break
        found.sort(key=lambda payment: payment.created or "", reverse=True)
        return [self._with_receipt(payment) for payment in found] if receipts else found

    def receipt_url(self, payment_id: str) -> str:
        """A short-lived link to the payment's receipt PDF."""
        return str(_call(self._client().payments.generate_pdf, payment_id).url)

    def _with_receipt(self, payment: Payment) -> Payment:
        if payment.status not in ("paid", "refunded") or payment.receipt_url:
            return payment
        return replace(payment, receipt_url=self.receipt_url(payment.id))

    def parse_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> WhopEvent:
        """Verify a delivery with the SDK's Standard Webhooks check, then normalise it.

        Raises ``WhopSignatureError`` when a header is missing, the signature does not match
        the raw body, the timestamp is more than five minutes off, or no secret is set. A
        redelivery (same ``webhook-id``) verifies again: deduplication is the caller's job.
        """
        return event_from_payload(self._verify(raw_body, headers), headers)

    def _verify(self, raw_body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
        from whop_sdk.lib.verify_webhook import WebhookVerificationError, unwrap

        if not self._webhook_secret:
            raise WhopSignatureError("no Whop webhook secret is configured: cannot verify deliveries")
        lowered = {key.lower(): value for key, value in headers.items()}
        try:
            return unwrap(raw_body, headers=lowered, key=self._webhook_secret)
        except WebhookVerificationError as error:
            raise WhopSignatureError(f"Whop webhook rejected: {error}") from error
        except ValueError as error:
            raise WhopError(f"Whop webhook body is not a JSON object: {error}") from error


def from_env(transport: httpx.BaseTransport | None = None) -> WhopBilling | None:
    """A ``WhopBilling`` from ``WHOP_API_KEY``, ``WHOP_COMPANY_ID``, ``WHOP_WEBHOOK_SECRET``
    and optional ``WHOP_BASE_URL``; None when no API key is set (billing not connected)."""
    api_key = os.environ.get("WHOP_API_KEY", "").strip()
    if not api_key:
        return None
    return WhopBilling(
        api_key,
        os.environ.get("WHOP_COMPANY_ID", "").strip(),
        base_url=os.environ.get("WHOP_BASE_URL", "").strip() or None,
        transport=transport,
        webhook_secret=os.environ.get("WHOP_WEBHOOK_SECRET", "").strip() or None,
    )
