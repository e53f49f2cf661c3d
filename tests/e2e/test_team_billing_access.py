"""Billing access from the Team page, in a real browser: a client owner gives a member billing
access with the switch on their row; the member, signed out by the change, signs in again and
finds Billing in the navigation; the owner takes it back. Ops see who has billing access and
change nothing (``members.grant`` is the client's owners' and admins')."""

from __future__ import annotations

import pytest
from e2e.axe import check_a11y
from e2e.test_shell import sign_in
from env import PORTAL
from helpers import next_second
from playwright.sync_api import Page, expect

from portal import authn
from portal.members import service as members

pytestmark = pytest.mark.usefixtures("world")
MEMBER = "member@acme.test"


def _permissions(email: str) -> list[str]:
    return list((authn.admin_auth().get_user_by_email(email).custom_claims or {}).get("permissions") or [])


def _signed_out(page: Page) -> bool:
    """Whether a reload sends ``page`` to the sign-in page (polled: another instance may trust
    what it read of the account for SESSION_CHECK_SECONDS, 2 in the tests)."""
    for _ in range(20):
        page.wait_for_timeout(500)
        page.reload()
        expect(page.get_by_test_id("login-email").or_(page.get_by_test_id("user-menu")).first).to_be_visible()
        if page.get_by_test_id("login-email").is_visible():
            return True
    return False


def test_an_owner_gives_a_member_billing_access_from_the_team_page(page: Page, browser: object) -> None:
    context = browser.new_context(base_url=PORTAL, viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    theirs = context.new_page()
    sign_in(theirs, MEMBER)
    expect(theirs.get_by_test_id("nav-billing")).to_have_count(0)
    next_second()  # the change must come after the second their session was made in
    sign_in(page, "owner@acme.test")
    page.get_by_test_id("nav-team").click()
    expect(page.get_by_test_id("billing-access-hint")).to_be_visible()
    row = page.get_by_test_id("member-row").filter(has_text=MEMBER)
    switch = row.get_by_role("checkbox", name="Billing access for Max Member")
    expect(switch).not_to_be_checked()
    mine = page.get_by_test_id("member-row").filter(has_text="(you)")
    expect(mine.get_by_test_id("member-billing-access")).to_have_count(0)
    expect(mine.get_by_test_id("member-billing")).to_have_text("Sees billing (owner)")
    check_a11y(page, "the team page with billing access switches")

    switch.click()
    expect(page.locator("#toast")).to_contain_text("Max Member now has billing access", timeout=30_000)
    expect(switch).to_be_checked()
    expect(switch).to_be_enabled()
    assert _permissions(MEMBER) == ["billing.read"]

    # The member was signed out by the change; signed in again, they have Billing.
    assert _signed_out(theirs), "the member's session outlived the change of their billing access"
    sign_in(theirs, MEMBER)
    theirs.get_by_test_id("nav-billing").click()
    expect(theirs.get_by_test_id("page-title")).to_have_text("Billing")
    shown = ("billing-not-connected", "billing-not-linked", "billing-status")  # whichever the demo's Whop gives
    answer = theirs.get_by_test_id(shown[0]).or_(theirs.get_by_test_id(shown[1])).or_(theirs.get_by_test_id(shown[2]))
    expect(answer.first).to_be_visible()
    expect(theirs.get_by_text("Your role does not include billing")).to_have_count(0)
    context.close()

    # Taken back, from a fresh load of the page (the switch shows what the server has).
    page.reload()
    switch = page.get_by_test_id("member-row").filter(has_text=MEMBER).get_by_role("checkbox")
    expect(switch).to_be_checked()
    switch.click()
    expect(page.locator("#toast")).to_contain_text("Max Member no longer has billing access", timeout=30_000)
    expect(switch).not_to_be_checked()
    assert _permissions(MEMBER) == []


def test_ops_see_who_has_billing_access_and_change_nothing(page: Page) -> None:
    members.set_billing_access(authn.admin_auth().get_user_by_email(MEMBER).uid, True)
    sign_in(page, "ops@agency.test")
    page.get_by_test_id("org-switcher").select_option("acme")
    page.get_by_test_id("nav-team").click()
    row = page.get_by_test_id("member-row").filter(has_text=MEMBER)
    expect(row.get_by_test_id("member-billing")).to_have_text("Billing access")
    expect(page.get_by_test_id("member-billing-access")).to_have_count(0)
    expect(page.get_by_test_id("billing-access-hint")).to_have_count(0)
