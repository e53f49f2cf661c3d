"""The bell, the notifications page and the notification settings in a real browser:
the unread badge, following and marking read, mark all read, choosing a channel, a project's
new status reaching its client; axe at desktop and phone width."""

from __future__ import annotations

import httpx
import pytest
from e2e.axe import check_a11y
from e2e.test_shell import sign_in
from helpers import bearer, wait_for
from playwright.sync_api import Page, expect

from portal import authn, db
from portal.notifications import service

pytestmark = pytest.mark.usefixtures("world")


def test_bell_list_and_mark_read(page: Page) -> None:
    member = authn.admin_auth().get_user_by_email("member@acme.test").uid
    for n, title in enumerate(["T: Please review “Poster”", "T: New file “brief.pdf”"]):
        service.notify("acme", [member], key=f"e2e-{n}", kind="approval_needed" if n == 0 else "file_uploaded",
                       title=title, body="Version 1 is ready <for> you.", link="/approvals")  # fmt: skip
    sign_in(page, "member@acme.test")
    bell = page.get_by_test_id("bell")
    expect(page.get_by_test_id("bell-count")).to_be_visible()
    bell.click()
    expect(page.get_by_test_id("page-title")).to_have_text("Notifications")
    ours = page.get_by_test_id("notification").filter(has_text="T: Please review")
    expect(ours).to_have_attribute("data-read", "false")
    expect(ours).to_contain_text("Version 1 is ready <for> you.")
    check_a11y(page, "notifications with unread items")
    ours.get_by_test_id("mark-read").click()
    expect(ours).to_have_attribute("data-read", "true")
    page.get_by_test_id("mark-all-read").click()
    expect(page.locator('[data-testid="notification"][data-read="false"]')).to_have_count(0)
    expect(page.get_by_test_id("bell-count")).to_have_count(0)
    expect(page.get_by_test_id("unread-summary")).to_have_text("All caught up")
    # The link leads to the item.
    page.get_by_test_id("notification").filter(has_text="T: New file").get_by_role("link").click()
    page.wait_for_url("**/approvals")
    expect(page.get_by_test_id("page-title")).to_have_text("Approvals")


def test_settings_choose_a_channel_per_kind(page: Page) -> None:
    sign_in(page, "owner@acme.test")
    page.goto("/notifications/settings")
    expect(page.get_by_test_id("page-title")).to_have_text("Notification settings")
    row = page.get_by_test_id("pref-approval_needed")
    expect(row.get_by_label("Email")).to_be_checked()
    expect(page.get_by_test_id("pref-client_posted")).to_have_count(0)  # staff only
    check_a11y(page, "notification settings")
    row.get_by_label("Daily digest").check()
    page.get_by_test_id("preferences-save").click()
    expect(page.get_by_test_id("preferences-save")).to_be_disabled()
    page.reload()
    expect(page.get_by_test_id("pref-approval_needed").get_by_label("Daily digest")).to_be_checked()


def test_staff_have_a_bell_and_their_own_settings(page: Page) -> None:
    ops = authn.admin_auth().get_user_by_email("ops@agency.test").uid
    service.notify("acme", [ops], key="e2e-staff", kind="file_uploaded", title="T: owner@acme.test uploaded “x.pdf”",
                   body="x.pdf", link="/files")  # fmt: skip
    sign_in(page, "ops@agency.test")
    page.get_by_test_id("bell").click()
    expect(page.get_by_test_id("notification").filter(has_text="T: owner@acme.test uploaded")).to_be_visible()
    page.get_by_test_id("notification-settings").click()
    expect(page.get_by_test_id("pref-client_posted")).to_be_visible()
    expect(page.get_by_test_id("pref-payment_overdue")).to_have_count(0)


def test_a_project_that_moves_shows_in_the_clients_notifications(page: Page, http: httpx.Client) -> None:
    r = http.patch("/api/projects/acme-website-copy", json={"status": "active"}, headers=bearer("admin@agency.test"))
    assert r.status_code == 200, r.text
    member = authn.admin_auth().get_user_by_email("member@acme.test").uid
    mine = db.system("acme").notifications().where(filter=db.eq("uid", member))
    assert wait_for(lambda: any(n.get("kind") == "project_status" for n in mine.stream()), timeout=90)
    sign_in(page, "member@acme.test")
    page.get_by_test_id("bell").click()
    ours = page.get_by_test_id("notification").filter(has_text="“Website copy” is now Active")
    expect(ours).to_have_attribute("data-read", "false")
    expect(ours).to_contain_text("Project status changed")
    expect(ours).to_contain_text("Its status changed from Planning to Active.")
    ours.get_by_role("link").click()
    page.wait_for_url("**/projects/acme-website-copy")
    expect(page.get_by_test_id("page-title")).to_have_text("Website copy")
