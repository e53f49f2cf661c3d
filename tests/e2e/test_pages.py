"""The dashboard, the project page and the billing page in a real browser, against the
real functions and (for billing) the Whop stand-in."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from e2e.axe import check_a11y
from e2e.test_shell import sign_in
from helpers import bearer, wait_for
from playwright.sync_api import Page, expect

from portal.dashboard import summaries

ACME = "mem_acme00000001"
GLOBEX = "mem_globex000001"


@pytest.fixture
def dashboards(world: dict, http: httpx.Client) -> dict:
    """Summaries written now (not by the triggers, later), and the seed's activity landed."""
    summaries.refresh_org("acme")
    summaries.refresh_org("globex")
    headers = bearer("owner@acme.test")
    assert wait_for(lambda: http.get("/api/projects/acme-rebrand", headers=headers).json()["activity"])
    return world


@pytest.fixture
def past_due(dashboards: dict, whop, hooks, http: httpx.Client) -> object:
    """Acme linked to a past-due Whop membership with two paid payments; Globex current."""
    plan = whop.add_plan("plan_retainer0001", price="4500.00", product_title="Creative retainer")
    now = dt.datetime.now(dt.UTC)
    for membership_id, status in ((ACME, "past_due"), (GLOBEX, "active")):
        whop.add_membership(
            membership_id,
            plan_id=plan["id"],
            user_id=f"user_{membership_id[4:]}",
            status=status,
            created_at=now - dt.timedelta(days=70),
            # A past-due period ended when its renewal failed; an active one renews later.
            current_period_end=now + dt.timedelta(days=-3 if status == "past_due" else 20),
        )
        for months in (2, 1):
            whop.add_payment(
                membership_id=membership_id, total="4500.00", created_at=now - dt.timedelta(days=30 * months)
            )
    for org, membership_id in (("acme", ACME), ("globex", GLOBEX)):
        r = http.post(
            "/api/billing/link", json={"orgId": org, "membershipId": membership_id}, headers=bearer("admin@agency.test")
        )
        assert r.status_code == 200, r.text
    assert http.get("/api/billing", headers=bearer("owner@acme.test")).json()["status"] == "past_due"
    summaries.refresh_org("acme")
    summaries.refresh_org("globex")
    return whop


def shoot(page: Page, name: str) -> None:
    """The page as it is now at desktop and phone widths: no sideways scroll, and axe-core's
    check at both (``E2E_SCREENSHOTS=1`` keeps a screenshot of each width)."""
    check_a11y(page, name, sideways=True)


def comes_before(page: Page, first: str, second: str) -> bool:
    return bool(
        page.evaluate(
            """([a, b]) => {
                const x = document.querySelector(`[data-testid="${a}"]`);
                const y = document.querySelector(`[data-testid="${b}"]`);
                return Boolean(x && y && (x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING));
            }""",
            [first, second],
        )
    )


@pytest.mark.usefixtures("dashboards")
def test_owner_dashboard_then_project_page(page: Page) -> None:
    sign_in(page, "owner@acme.test")
    actions = page.get_by_test_id("next-action")
    expect(actions.first).to_be_visible()
    expect(actions.filter(has_text="Guidelines draft")).to_have_count(1)
    cards = page.get_by_test_id("project-card")
    expect(cards).to_have_count(3)  # the completed project is not on the dashboard
    assert comes_before(page, "next-action", "project-card")
    brand = cards.filter(has_text="Brand refresh")
    expect(brand.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "60")
    expect(page.get_by_text("No upcoming meetings")).to_be_visible()
    expect(page.get_by_test_id("billing-alert")).to_have_count(0)
    expect(page.get_by_test_id("client-group")).to_have_count(0)
    shoot(page, "dashboard-owner")

    brand.get_by_role("link", name="Brand refresh").click()
    expect(page).to_have_url(re.compile(r"/projects/acme-rebrand$"))
    expect(page.get_by_test_id("page-title")).to_have_text("Brand refresh")
    expect(page.get_by_test_id("project-progress")).to_have_attribute("aria-valuenow", "60")
    milestones = page.get_by_test_id("milestone")
    expect(milestones).to_have_count(5)
    expect(page.locator('[data-testid="milestone"][data-done="true"]')).to_have_count(3)
    expect(page.get_by_test_id("activity-item").first).to_be_visible()
    expect(page.get_by_test_id("activity-item").first).to_contain_text("created the project")
    # Clients read; they do not edit.
    expect(page.get_by_test_id("milestone-toggle")).to_have_count(0)
    expect(page.get_by_test_id("milestone-add")).to_have_count(0)
    expect(page.get_by_test_id("project-status")).to_have_count(0)
    shoot(page, "project-owner")

    # Another organisation's project is a friendly not-found, not a crash.
    page.goto("/projects/globex-social")
    expect(page.get_by_test_id("page-title")).to_have_text("Project not found")
    expect(page.get_by_test_id("project-not-found")).to_be_visible()
    expect(page.get_by_text("Social media templates")).to_have_count(0)


@pytest.mark.usefixtures("dashboards")
def test_staff_dashboard_by_client_and_marking_a_milestone_done(page: Page) -> None:
    sign_in(page, "ops@agency.test")
    groups = page.get_by_test_id("client-group")
    expect(groups).to_have_count(2)
    acme = groups.filter(has_text="Acme Corporation")
    globex = groups.filter(has_text="Globex")
    expect(acme).to_have_count(1)
    expect(globex).to_have_count(1)
    expect(acme.get_by_test_id("next-action").filter(has_text="Guidelines draft")).to_have_count(1)
    expect(globex.get_by_test_id("next-action").filter(has_text="Infographics")).to_have_count(1)
    expect(page.get_by_test_id("past-due-badge")).to_have_count(0)
    shoot(page, "dashboard-staff")

    acme.get_by_test_id("next-action").filter(has_text="Guidelines draft").get_by_role("link").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Brand refresh")
    progress = page.get_by_test_id("project-progress")
    expect(progress).to_have_attribute("aria-valuenow", "60")
    guidelines = page.get_by_test_id("milestone").filter(has_text="Guidelines draft")
    expect(guidelines).to_have_attribute("data-done", "false")
    guidelines.get_by_test_id("milestone-toggle").click()
    expect(guidelines).to_have_attribute("data-done", "true")
    expect(progress).to_have_attribute("aria-valuenow", "80")
    expect(guidelines.get_by_test_id("milestone-toggle")).to_have_text("Reopen")
    # The trigger writes the activity; the page fetches it again a moment later.
    expect(page.get_by_test_id("activity-item").filter(has_text="completed “Guidelines draft”")).to_have_count(
        1, timeout=30_000
    )
    expect(page.get_by_test_id("activity-item").filter(has_text="Oscar Ops completed")).to_have_count(1)

    page.get_by_test_id("milestone-title").fill("Launch party")
    page.get_by_test_id("milestone-due").fill("2030-01-15")
    page.get_by_test_id("milestone-add").click()
    expect(page.get_by_test_id("milestone")).to_have_count(6)
    expect(progress).to_have_attribute("aria-valuenow", "67")
    expect(page.get_by_test_id("project-status")).to_have_count(0)  # admins only
    shoot(page, "project-staff")

    page.reload()
    expect(page.get_by_test_id("project-progress")).to_have_attribute("aria-valuenow", "67")


@pytest.mark.usefixtures("dashboards")
def test_admin_changes_the_status(page: Page) -> None:
    sign_in(page, "admin@agency.test")
    page.goto("/projects/acme-website-copy")
    status = page.get_by_test_id("project-status")
    expect(status).to_have_value("planning")
    status.select_option("active")
    expect(page.get_by_test_id("project-status-badge")).to_contain_text("Active")
    expect(page.get_by_test_id("activity-item").filter(has_text="from Planning to Active")).to_have_count(
        1, timeout=30_000
    )


@pytest.mark.usefixtures("past_due")
def test_past_due_billing_for_the_owner(page: Page) -> None:
    sign_in(page, "owner@acme.test")
    alert = page.get_by_test_id("billing-alert")
    expect(alert).to_be_visible()
    expect(alert.get_by_role("link", name=re.compile("Pay now"))).to_have_attribute(
        "href", f"https://whop.com/billing/manage/{ACME}"
    )
    first = page.get_by_test_id("next-action").first
    expect(first).to_have_attribute("data-kind", "payment_overdue")
    assert comes_before(page, "billing-alert", "project-card")
    shoot(page, "dashboard-past-due")

    page.get_by_test_id("nav-billing").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Billing")
    expect(page.get_by_test_id("billing-status")).to_have_text("Past due")
    expect(page.get_by_test_id("billing-alert")).to_be_visible()
    expect(page.get_by_test_id("billing-amount")).to_contain_text("4,500.00")
    # The period's end has passed: it is when the payment became due, never "next charge".
    facts = page.locator(".facts")
    expect(facts).to_contain_text("Payment due since")
    expect(facts).not_to_contain_text("Next charge")
    pay = page.get_by_test_id("billing-pay")
    expect(pay).to_have_attribute("href", f"https://whop.com/billing/manage/{ACME}")
    expect(pay).to_have_attribute("rel", "noopener")
    rows = page.get_by_test_id("payment-row")
    expect(rows).to_have_count(2)
    expect(rows.first.get_by_role("link", name=re.compile("Receipt"))).to_have_attribute(
        "href", re.compile(r"^https://")
    )
    expect(page.get_by_test_id("billing-synced")).to_contain_text("Last synced")
    expect(page.get_by_test_id("billing-stale")).to_have_count(0)
    expect(page.get_by_test_id("billing-sync")).to_have_count(0)  # admins only
    shoot(page, "billing-owner")


@pytest.mark.usefixtures("past_due")
def test_staff_see_the_past_due_client_and_admins_sync(page: Page) -> None:
    sign_in(page, "admin@agency.test")
    acme = page.get_by_test_id("client-group").filter(has_text="Acme Corporation")
    expect(acme.get_by_test_id("past-due-badge")).to_be_visible()
    expect(page.get_by_test_id("client-group").first).to_contain_text("Acme Corporation")
    payment = acme.get_by_test_id("next-action").filter(has_text="Payment past due")
    expect(payment).to_have_count(1)
    payment.get_by_role("link").click()
    expect(page.get_by_test_id("billing-status")).to_have_text("Past due")
    page.get_by_test_id("billing-sync").click()
    expect(page.get_by_text(re.compile("Synced 1 organisation"))).to_be_visible()
    expect(page.get_by_test_id("payment-row")).to_have_count(2)


@pytest.mark.usefixtures("past_due")
def test_member_has_no_billing_and_no_crash(page: Page) -> None:
    sign_in(page, "member@acme.test")
    expect(page.get_by_test_id("next-action").first).to_be_visible()
    expect(page.get_by_test_id("billing-alert")).to_have_count(0)
    expect(page.get_by_test_id("nav-billing")).to_have_count(0)
    page.goto("/billing")
    expect(page.get_by_test_id("page-title")).to_have_text("Billing")
    expect(page.get_by_text("No access")).to_be_visible()
    expect(page.get_by_test_id("payment-row")).to_have_count(0)
    expect(page.get_by_test_id("user-menu")).to_contain_text("member@acme.test")
