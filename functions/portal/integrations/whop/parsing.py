"""Whop's JSON, in both shapes, into the portal's dataclasses (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .models import BillingState, Payment, PaymentStatus, Status, WhopEvent

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
        manage_url=_link(data.get("manage_url")),
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
        receipt_url=_link(data.get("receipt_url")),
    )


def _link(value: Any) -> str | None:
    """A link Whop gave that the portal may show people: an absolute https URL with a
    host, nothing else (no ``javascript:``, no ``data:``, no relative or plain-http links)."""
    if not isinstance(value, str) or len(value) > 2048:
        return None
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    return value.strip() if parts.scheme == "https" and parts.hostname else None


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
        receipt_url=_link(data.get("pay_online_url")),
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
