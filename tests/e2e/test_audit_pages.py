"""The audit log page and view as client in a real browser: who sees the page, its
filters and paging; an admin viewing the portal as a client member with the banner on
every page, read-only, and leaving it; axe at desktop and phone width."""

from __future__ import annotations

import pytest
from e2e.axe import check_a11y
from e2e.test_shell import sign_in
from playwright.sync_api import Page, expect

from portal import db
from portal.audit import service as audit
from portal.identity import Caller, Role

pytestmark = pytest.mark.usefixtures("world")


def entries(action: str) -> list[dict]:
    return [s.to_dict() for s in db.audit_log().where(filter=db.eq("event", action)).stream()]


def test_admin_reads_filters_and_pages_the_audit_log(page: Page) -> None:
    someone = Caller(uid="e2e-person", email="person@acme.test", role=Role.CLIENT_OWNER, org_id="acme")
    for _ in range(55):
        audit.record("org.settings", actor=someone, org_id="acme", target="acme")
    sign_in(page, "admin@agency.test")
    page.get_by_test_id("nav-audit").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Audit log")
    rows = page.get_by_test_id("audit-row")
    expect(rows.first).to_be_visible(timeout=20_000)  # the audit function's cold start on a loaded machine
    expect(rows).to_have_count(50)
    check_a11y(page, "audit log")
    page.get_by_test_id("audit-more").click()
    expect(rows).not_to_have_count(50)
    assert rows.count() > 50
    page.get_by_test_id("audit-action").select_option("auth.login")
    page.get_by_test_id("audit-apply").click()
    expect(rows.first).to_have_attribute("data-action", "auth.login")
    assert set(rows.evaluate_all("rs => rs.map((r) => r.dataset.action)")) == {"auth.login"}
    page.get_by_test_id("audit-reset").click()
    page.get_by_test_id("audit-actor-link").filter(has_text="person@acme.test").first.click()
    expect(page.get_by_test_id("audit-actor-filter")).to_contain_text("person@acme.test")
    expect(rows).to_have_count(50)
    page.get_by_test_id("audit-org").select_option("globex")
    page.get_by_test_id("audit-action").select_option("viewas.ended")
    page.get_by_test_id("audit-apply").click()
    expect(page.get_by_text("No entries")).to_be_visible()
    check_a11y(page, "audit log, nothing found")


@pytest.mark.parametrize(("email", "sees"), [("owner@acme.test", True), ("member@acme.test", False),
                                             ("ops@agency.test", False)])  # fmt: skip
def test_who_sees_the_audit_page(page: Page, email: str, sees: bool) -> None:
    sign_in(page, email)
    expect(page.get_by_test_id("nav-audit")).to_have_count(1 if sees else 0)
    if not sees:
        page.goto("/audit")
        expect(page.get_by_text("No access")).to_be_visible()
        return
    page.get_by_test_id("nav-audit").click()
    expect(page.get_by_test_id("audit-row").first).to_be_visible()
    expect(page.get_by_test_id("audit-org")).to_have_count(0)
    orgs = page.locator('[data-testid="audit-row"] td[data-label="Organisation"]').all_inner_texts()
    assert orgs and all("Globex" not in o and o != "globex" for o in orgs)
    check_a11y(page, "audit log, client owner")


def test_admin_views_as_a_client_member_read_only_and_leaves(page: Page) -> None:
    sign_in(page, "admin@agency.test")
    page.get_by_test_id("org-switcher").select_option("acme")
    page.get_by_test_id("nav-team").click()
    row = page.get_by_test_id("member-row").filter(has_text="member@acme.test")
    row.get_by_test_id("view-as").click()
    banner = page.get_by_test_id("viewas-banner")
    expect(banner).to_contain_text("member@acme.test", timeout=20_000)
    expect(banner).to_contain_text("Read-only")
    expect(page.get_by_test_id("user-menu")).to_contain_text("member@acme.test")
    expect(page.get_by_test_id("nav-billing")).to_have_count(0)  # what a member sees
    expect(page.get_by_test_id("org-switcher")).to_have_count(0)
    check_a11y(page, "dashboard while viewing as a client member")
    page.get_by_test_id("nav-projects").click()
    expect(page.get_by_test_id("project-card").first).to_be_visible()
    expect(banner).to_be_visible()
    page.get_by_test_id("nav-messages").click()
    expect(banner).to_be_visible()
    assert len(entries("viewas.started")) == 1
    page.get_by_test_id("viewas-exit").click()
    expect(page.get_by_test_id("user-menu")).to_contain_text("admin@agency.test", timeout=20_000)
    expect(page.get_by_test_id("viewas-banner")).to_have_count(0)
    assert len(entries("viewas.ended")) == 1
