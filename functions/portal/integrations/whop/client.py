"""Whop behind the billing port: the SDK client, built on first use around an injected
httpx transport, and the adapter built from the environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any, TypeVar

import httpx

from ... import config
from .. import signatures
from ..httpclients import SharedClient
from .errors import WhopError, WhopNotFound, WhopSignatureError, translate
from .models import BillingState, Payment, WhopEvent
from .parsing import event_from_payload, payment_from_receipt, state_from_membership

DEFAULT_BASE_URL = "https://api.whop.com/api/v1"
PAGE_SIZE = 50
DEFAULT_TIMEOUT_SECONDS = 10.0

T = TypeVar("T")


def _call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call the SDK, turning its exceptions into the portal's."""
    from whop_sdk.core.api_error import ApiError
    from whop_sdk.core.parse_error import ParsingError

    try:
        return fn(*args, **kwargs)
    except (ApiError, ParsingError, httpx.HTTPError) as error:
        raise translate(error) from error


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
        self._http = SharedClient(transport=transport, timeout=timeout, follow_redirects=True)
        self._webhook_secret = webhook_secret
        self._max_retries = max_retries
        self._sdk: tuple[httpx.Client, Any] | None = None

    def _client(self) -> Any:
        """The SDK client, built on first use around the adapter's httpx client (one per adapter
        and process, shared by threads; the SDK sends the API key with each request)."""
        http = self._http.get()
        sdk = self._sdk
        if sdk is None or sdk[0] is not http:  # first use, or a forked child with a client of its own
            from whop_sdk import Whop
            from whop_sdk.environment import WhopEnvironment

            environment = WhopEnvironment(api=self.base_url, vault=WhopEnvironment.PRODUCTION.vault)
            sdk = self._sdk = (
                http,
                Whop(environment=environment, token=self._api_key, httpx_client=http, max_retries=self._max_retries),
            )
        return sdk[1]

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
        """Verify a delivery (Standard Webhooks, ``signatures.WHOP``), then normalise it.

        Raises ``WhopSignatureError`` when a header is missing, the signature does not match
        the raw body, the timestamp is more than five minutes off, or no secret is set. A
        redelivery (same ``webhook-id``) verifies again: deduplication is the caller's job.
        """
        return event_from_payload(self._verify(raw_body, headers), headers)

    def _verify(self, raw_body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
        import json

        if not self._webhook_secret:
            raise WhopSignatureError("no Whop webhook secret is configured: cannot verify deliveries")
        try:
            signatures.WHOP.check(self._webhook_secret, headers, raw_body)
        except signatures.SignatureError as error:
            raise WhopSignatureError(f"Whop webhook rejected: {error}") from error
        try:
            event = json.loads(raw_body)
        except ValueError as error:
            raise WhopError(f"Whop webhook body is not JSON: {error}") from error
        if not isinstance(event, dict):
            raise WhopError(f"Whop webhook body is not a JSON object, but {type(event).__name__}")
        return event


_ENV = ("WHOP_API_KEY", "WHOP_COMPANY_ID", "WHOP_BASE_URL", "WHOP_WEBHOOK_SECRET")
_SHARED: list[tuple[tuple[str, ...], WhopBilling | None]] = []


def from_env(transport: httpx.BaseTransport | None = None) -> WhopBilling | None:
    """A ``WhopBilling`` from ``WHOP_API_KEY``, ``WHOP_COMPANY_ID``, ``WHOP_WEBHOOK_SECRET``
    and optional ``WHOP_BASE_URL``; None when no API key is set (billing not connected)."""
    api_key, webhook_secret = config.secret("WHOP_API_KEY"), config.secret("WHOP_WEBHOOK_SECRET")
    company_id, base_url = config.env("WHOP_COMPANY_ID").strip(), config.env("WHOP_BASE_URL").strip()
    if not api_key:
        return None
    return WhopBilling(
        api_key,
        company_id,
        base_url=base_url or None,
        transport=transport,
        webhook_secret=webhook_secret or None,
    )


def shared_from_env() -> WhopBilling | None:
    """What :func:`from_env` builds, kept for as long as those settings stay the same: the
    process's requests share one adapter, so one SDK client and its kept connections."""
    settings = tuple(os.environ.get(name, "").strip() for name in _ENV)
    kept = _SHARED[0] if _SHARED else None
    if kept is not None and kept[0] == settings:
        return kept[1]
    adapter = from_env()
    _SHARED[:] = [(settings, adapter)]
    return adapter
