"""The "Needs attention" page in a real browser: staff find it from the dashboard's count, see
the demo's failed Slack message, its Whop event for a membership no client is linked to and its
meeting with a stranger, and settle each (the retry reaches the Slack stand-in, the link syncs
from the Whop stand-in); every section then says nothing waits. Axe passes at desktop and phone
width, and nothing scrolls sideways at 390 px. A client has no such page: no navigation entry,
and the address answers "No access"."""

from __future__ import annotations

import re

import pytest
from e2e.axe import PHONE, check_a11y, resized
from e2e.test_shell import sign_in
from helpers import wait_for
from playwright.sync_api import Page, expect

from portal.seed import DEMO_UNMATCHED_MEMBERSHIP


@pytest.fixture
def waiting(world: dict, whop, hooks) -> object:
    """The demo's failed delivery, Whop event and unmatched meeting; the Whop stand-in knows the
    membership (as the demo's does), so linking it syncs."""
    from portal.seed import seed_attention, seed_bookings

    plan = whop.add_plan("plan_retainer0001", price="4500.00", product_title="Creative retainer")
    whop.add_membership(DEMO_UNMATCHED_MEMBERSHIP, plan_id=plan["id"], user_id="user_demoinitech")
    seed_attention()
    seed_bookings()
    return hooks


def no_sideways_scroll(page: Page, what: str) -> None:
    """At phone width neither the page nor any section of it is wider than its box."""
    before = page.viewport_size
    resized(page, PHONE)
    try:
        wide = page.evaluate(
            """() => [document.documentElement, ...document.querySelectorAll('#main section, #main li, #main dl')]
                .filter((el) => el.scrollWidth > el.clientWidth + 1)
                .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}>${el.clientWidth}`)"""
        )
        assert wide == [], f"{what} is wider than its box at 390 px: {wide}"
    finally:
        if before:
            resized(page, before)


def test_staff_settle_what_needs_attention(page: Page, waiting) -> None:
    hooks = waiting
    sign_in(page, "admin@agency.test")
    card = page.get_by_test_id("attention-card")
    expect(card).to_have_attribute("data-total", "3")
    expect(card.get_by_test_id("attention-count-failedDeliveries")).to_have_text("1 failed delivery")
    expect(card.get_by_test_id("attention-count-unmatchedBilling")).to_have_text("1 Whop event without a client")
    expect(card.get_by_test_id("attention-count-unmatchedBookings")).to_have_text("1 meeting without a client")
    check_a11y(page, "the staff dashboard with its attention card")
    card.get_by_role("link", name="Open Needs attention").click()
    expect(page).to_have_url(re.compile(r"/attention$"))
    expect(page.get_by_test_id("page-title")).to_have_text("Needs attention")
    expect(page.get_by_test_id("nav-attention")).to_have_attribute("aria-current", "page")

    delivery = page.get_by_test_id("attention-delivery").filter(has_text="Launch film")
    expect(delivery).to_have_count(1)
    expect(delivery).to_contain_text("Slack channel")
    expect(delivery).to_contain_text("Acme Corporation")
    expect(delivery).to_contain_text("Slack answered 503")
    event = page.get_by_test_id("attention-whop-event")
    expect(event).to_have_count(1)
    expect(event).to_contain_text(DEMO_UNMATCHED_MEMBERSHIP)
    expect(event).to_contain_text("membership.activated")
    meeting = page.get_by_test_id("attention-meeting").filter(has_text="Introductory call")
    expect(meeting).to_have_count(1)
    expect(meeting).to_contain_text("pat@unknown-studio.test")
    # Headings for each section and item; every button names the item it acts on.
    for name in ("Failed deliveries", "Whop payments without a client", "Meetings without a client"):
        expect(page.get_by_role("heading", name=name, level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Introductory call", level=3)).to_be_visible()
    expect(page.get_by_role("button", name="Retry the Slack message “Acme Corporation: “Launch film")).to_have_count(1)
    expect(page.get_by_role("button", name=f"Link membership {DEMO_UNMATCHED_MEMBERSHIP}")).to_be_disabled()
    expect(page.get_by_role("button", name="Assign Introductory call")).to_have_count(1)
    check_a11y(page, "the attention page with an item in every section")
    no_sideways_scroll(page, "the attention page with an item in every section")

    # Retry: the delivery leaves the list, the live region says so, the Slack stand-in gets it.
    status = page.get_by_test_id("attention-status")
    expect(status).to_have_attribute("role", "status")
    delivery.get_by_role("button", name="Retry").click()
    expect(page.get_by_test_id("attention-delivery")).to_have_count(0)
    expect(status).to_contain_text("Sending the Slack message")
    expect(page.get_by_role("heading", name="Failed deliveries")).to_be_focused()
    expect(page.get_by_test_id("attention-deliveries-empty")).to_be_visible()
    assert wait_for(lambda: [r for r in hooks.received("/slack") if "Launch film" in r.content.decode()], timeout=60)

    # Link the Whop membership to Globex: it syncs, and its event leaves the list.
    page.get_by_label(f"Client for membership {DEMO_UNMATCHED_MEMBERSHIP}").select_option(label="Globex")
    page.get_by_role("button", name=f"Link membership {DEMO_UNMATCHED_MEMBERSHIP}").click()
    expect(page.get_by_test_id("attention-whop-event")).to_have_count(0)
    expect(status).to_contain_text(f"Membership {DEMO_UNMATCHED_MEMBERSHIP} is linked to Globex")
    expect(page.get_by_test_id("attention-whop-empty")).to_be_visible()

    # Assign the meeting.
    page.get_by_label("Client for Introductory call").select_option(label="Globex")
    page.get_by_role("button", name="Assign Introductory call").click()
    expect(page.get_by_test_id("attention-meeting")).to_have_count(0)
    expect(status).to_contain_text("“Introductory call” is assigned to Globex")
    expect(page.get_by_test_id("attention-meetings-empty")).to_be_visible()
    check_a11y(page, "the attention page with nothing left")
    no_sideways_scroll(page, "the attention page with nothing left")

    page.get_by_test_id("nav-dashboard").click()
    expect(page.get_by_test_id("attention-card")).to_have_attribute("data-total", "0")


def test_ops_see_the_page_and_leave_linking_to_admins(page: Page, waiting) -> None:
    sign_in(page, "ops@agency.test")
    page.get_by_test_id("nav-attention").click()
    expect(page.get_by_test_id("attention-delivery")).to_have_count(1)
    event = page.get_by_test_id("attention-whop-event")
    expect(event).to_contain_text("An admin links the membership to its client.")
    expect(event.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("button", name="Assign Introductory call")).to_be_visible()


def test_a_section_that_fails_says_so_and_the_others_still_show(page: Page, waiting) -> None:
    sign_in(page, "ops@agency.test")
    page.route(
        "**/api/billing/unmatched",
        lambda route: route.fulfill(status=500, content_type="application/json",
                                    body='{"error": {"code": "internal", "message": "Something went wrong."}}'),
    )  # fmt: skip
    page.goto("/attention")
    whop = page.get_by_test_id("attention-whop")
    expect(whop.get_by_role("heading", name="Could not load Whop events")).to_be_visible()
    expect(whop.get_by_role("button", name="Try again")).to_be_visible()
    expect(page.get_by_test_id("attention-delivery")).to_have_count(1)
    expect(page.get_by_test_id("attention-meeting")).to_have_count(1)
    check_a11y(page, "the attention page with one section failed")


def test_a_client_has_no_such_page(page: Page, world: dict) -> None:
    sign_in(page, "owner@acme.test")
    expect(page.get_by_test_id("nav-dashboard")).to_be_visible()
    expect(page.get_by_test_id("nav-attention")).to_have_count(0)
    expect(page.get_by_test_id("attention-card")).to_have_count(0)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/api/" in r.url else None)
    page.goto("/attention")
    expect(page.get_by_test_id("page-title")).to_have_text("Needs attention")
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    expect(page.get_by_test_id("attention-deliveries")).to_have_count(0)
    assert not [u for u in requests if "/api/deliveries" in u or "unmatched" in u]  # nothing asked of the APIs
