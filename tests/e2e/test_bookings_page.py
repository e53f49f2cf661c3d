"""The bookings page in a real browser: a client sees its own meetings from all three
sources (and never the other client's), in its time zone, with "Add to calendar" and the
plain "Book a meeting" link (offline, the fallback is what shows); the dashboard shows the
next meeting; staff assign a meeting no client was found for."""

from __future__ import annotations

import httpx
import pytest
from e2e.axe import check_a11y
from e2e.test_pages import shoot
from e2e.test_shell import sign_in
from helpers import bearer
from playwright.sync_api import Page, expect

from portal.dashboard import summaries

pytestmark = pytest.mark.usefixtures("world", "demo_bookings")


@pytest.fixture
def demo_bookings(world: dict) -> None:
    """The demo's meetings (from all three sources), stored as the webhooks and sync store them."""
    from portal.seed import seed_bookings

    seed_bookings()


@pytest.fixture
def booking_links(demo_bookings: None, http: httpx.Client) -> None:
    links = [{"label": "Book a call", "url": "https://cal.com/northlight/30min"}]
    r = http.patch("/api/orgs/acme/settings", json={"bookingLinks": links}, headers=bearer("ops@agency.test"))
    assert r.status_code == 200, r.text


@pytest.mark.usefixtures("booking_links")
def test_a_client_sees_its_meetings_only(page: Page) -> None:
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, "owner@acme.test")
    page.goto("/bookings")
    expect(page.get_by_test_id("page-title")).to_have_text("Bookings")
    rows = page.get_by_test_id("booking")
    expect(rows.filter(has_text="Brand workshop")).to_have_count(1)
    expect(rows.filter(has_text="Video script chat")).to_have_attribute("data-status", "cancelled")
    expect(rows.filter(has_text="Logo feedback call")).to_have_count(2)  # moved: the old time and the new
    expect(page.locator('[data-testid="booking"][data-status="rescheduled"]')).to_have_count(1)
    expect(rows.filter(has_text="Campaign kick-off")).to_have_count(0)  # Globex's
    expect(rows.filter(has_text="Introductory call")).to_have_count(0)  # unmatched
    workshop = rows.filter(has_text="Brand workshop")
    expect(workshop.get_by_test_id("booking-ics")).to_be_visible()
    # a cancelled or moved meeting offers nothing to add to a calendar
    expect(rows.filter(has_text="Video script chat").get_by_test_id("booking-ics")).to_have_count(0)
    expect(
        page.locator('[data-testid="booking"][data-status="rescheduled"] [data-testid="booking-ics"]')
    ).to_have_count(0)
    time_text = workshop.get_by_test_id("booking-time").inner_text()
    zone = page.evaluate(
        "Intl.DateTimeFormat(undefined, {timeZoneName: 'short'}).formatToParts(new Date())"
        ".find(p => p.type === 'timeZoneName').value"
    )
    assert zone in time_text
    page.get_by_role("button", name="Schedule here").first.click()
    sandbox = page.get_by_test_id("booking-frame").get_attribute("sandbox") or ""
    assert "allow-scripts" in sandbox and "allow-same-origin" not in sandbox  # the provider's script: no portal origin
    page.get_by_role("button", name="Hide the scheduler").first.click()
    book = page.get_by_test_id("book-link")
    expect(book).to_have_attribute("href", "https://cal.com/northlight/30min?name=Olivia+Owner&email=owner%40acme.test")
    with page.expect_download() as download:
        workshop.get_by_test_id("booking-ics").click()
    assert download.value.suggested_filename.endswith(".ics")
    check_a11y(page, "bookings-upcoming")
    shoot(page, "bookings-owner")
    page.get_by_test_id("bookings-tab-past").click()
    expect(page.get_by_test_id("booking").filter(has_text="Monthly review")).to_have_count(1)
    expect(page.get_by_test_id("booking").filter(has_text="Annual report walkthrough")).to_have_count(0)


def test_the_other_client_sees_its_own(page: Page) -> None:
    sign_in(page, "member@globex.test")
    page.goto("/bookings")
    rows = page.get_by_test_id("booking")
    expect(rows.filter(has_text="Campaign kick-off")).to_have_count(1)
    expect(rows.filter(has_text="Brand workshop")).to_have_count(0)
    expect(page.get_by_test_id("book-not-connected")).to_be_visible()


def test_the_dashboard_shows_the_next_meeting(page: Page) -> None:
    summaries.refresh_org("acme")
    sign_in(page, "member@acme.test")
    meetings = page.get_by_test_id("meeting")
    expect(meetings.first).to_contain_text("Brand workshop")
    expect(page.get_by_test_id("upcoming-meetings")).not_to_contain_text("Video script chat")
    expect(page.get_by_test_id("upcoming-meetings")).not_to_contain_text("Campaign kick-off")


def test_staff_assign_an_unmatched_meeting(page: Page) -> None:
    sign_in(page, "ops@agency.test")
    page.goto("/bookings")
    unmatched = page.get_by_test_id("unmatched-booking").filter(has_text="Introductory call")
    expect(unmatched).to_have_count(1)
    check_a11y(page, "bookings-staff", widths=("desktop",))
    unmatched.get_by_role("combobox").select_option(label="Globex")
    unmatched.get_by_role("button", name="Assign").click()
    expect(page.get_by_test_id("unmatched-booking")).to_have_count(0)
    row = page.get_by_test_id("booking").filter(has_text="Introductory call")
    expect(row).to_contain_text("Globex")
