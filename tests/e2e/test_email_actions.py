"""The links Firebase emails, followed in a real browser as they arrive when the action URL of
the email templates is the portal's /login (README, "Deploying"): confirming an address,
undoing a change of it, and an invitation's sign-in link. The Auth emulator "mails" each link
(its ``oobCodes``); the portal's landing address is /login with the link's own parameters."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from e2e.axe import check_a11y
from e2e.test_shell import sign_in
from env import AUTH, PORTAL
from helpers import bearer, oob_codes, web
from helpers import sign_in as sign_in_api
from playwright.sync_api import Page, expect

from portal import authn

pytestmark = pytest.mark.usefixtures("world")

IDENTITY = f"{AUTH}/identitytoolkit.googleapis.com/v1"
USED = "This link is invalid or was already used. Request a new one."
CANNOT = "This link can\u2019t be used"


def _landing(code: dict[str, Any]) -> str:
    """Where an emailed link lands with the action URL set to /login: Firebase puts the link's
    parameters (mode, oobCode, apiKey, continueUrl, lang) on the action URL."""
    return f"{PORTAL}/login?{urlparse(code['oobLink']).query}"


def _unverified(email: str) -> str:
    """Make the demo account's address unconfirmed; its uid."""
    uid = authn.admin_auth().get_user_by_email(email).uid
    authn.admin_auth().update_user(uid, email_verified=False)
    return str(uid)


def _send_confirmation(email: str, continue_url: str) -> dict[str, Any]:
    """What the account page's "Send confirmation link" asks of Firebase (sendEmailVerification),
    through the Auth REST API; the link the emulator "mailed"."""
    id_token = sign_in_api(email, fresh=True)["idToken"]
    r = web.post(f"{IDENTITY}/accounts:sendOobCode?key=any",
                 json={"requestType": "VERIFY_EMAIL", "idToken": id_token, "continueUrl": continue_url})  # fmt: skip
    r.raise_for_status()
    return oob_codes(email, "VERIFY_EMAIL")[-1]


def test_a_confirmation_link_verifies_the_address_once(page: Page) -> None:
    email = "member@globex.test"
    uid = _unverified(email)
    link = _landing(_send_confirmation(email, f"{PORTAL}/account"))
    assert "mode=verifyEmail" in link
    page.goto(link)
    done = page.get_by_test_id("email-action-done")
    expect(done).to_have_text(f"Your email address {email} is verified.")
    expect(done).to_be_focused()
    expect(page.get_by_test_id("page-title")).to_have_text("Email address verified")
    expect(page).to_have_title(re.compile(r"^Confirm your email · "))
    assert page.url == f"{PORTAL}/login"  # the code left the address bar: a reload does not use it again
    assert authn.admin_auth().get_user(uid).email_verified
    check_a11y(page, "an address confirmed by its link")
    # The way on is the page the link names, the account page, after signing in: it says verified.
    page.get_by_test_id("email-action-continue").click()
    expect(page.get_by_test_id("login-email")).to_have_value(email)
    page.get_by_test_id("login-password").fill("portal-demo")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Your account", timeout=20_000)
    expect(page.get_by_test_id("email-verified")).to_be_visible()
    expect(page.get_by_test_id("email-unverified")).to_have_count(0)
    # The same link again, signed in now: used, and the page says where a new one comes from.
    page.goto(link)
    failed = page.get_by_test_id("email-action-failed")
    expect(failed).to_have_text(USED)
    expect(failed).to_be_focused()
    expect(page.get_by_test_id("page-title")).to_have_text(CANNOT)
    check_a11y(page, "a confirmation link used already")
    page.get_by_test_id("email-action-continue").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Your account")
    expect(page.get_by_test_id("email-verified")).to_be_visible()


def test_a_confirmation_sent_from_the_account_page_comes_back_to_it(page: Page) -> None:
    email = "owner@globex.test"
    uid = _unverified(email)
    sign_in(page, email)
    page.get_by_test_id("nav-account").click()
    expect(page.get_by_test_id("email-unverified")).to_be_visible()
    page.get_by_test_id("verify-password").fill("portal-demo")
    page.get_by_test_id("verify-send").click()
    expect(page.get_by_test_id("verification-sent")).to_be_visible(timeout=30_000)
    # Opened while still signed in: the sign-in page confirms it all the same.
    page.goto(_landing(oob_codes(email, "VERIFY_EMAIL")[-1]))
    expect(page.get_by_test_id("email-action-done")).to_contain_text(f"{email} is verified")
    assert authn.admin_auth().get_user(uid).email_verified
    continue_ = page.get_by_test_id("email-action-continue")
    expect(continue_).to_have_text("Continue")
    continue_.click()
    expect(page.get_by_test_id("page-title")).to_have_text("Your account")
    expect(page.get_by_test_id("email-verified")).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_contain_text(email)


def test_an_invalid_link_or_one_for_something_else_changes_nothing(page: Page) -> None:
    email = "member@globex.test"
    uid = _unverified(email)
    page.goto(f"{PORTAL}/login?mode=verifyEmail&oobCode=not-a-code&apiKey=fake-api-key&lang=en")
    failed = page.get_by_test_id("email-action-failed")
    expect(failed).to_have_text(USED)
    expect(failed).to_be_focused()
    expect(page.get_by_test_id("email-action-done")).to_have_count(0)
    check_a11y(page, "an invalid confirmation link")
    # A password reset's code passed off as a confirmation: refused before anything changes,
    # and the reset link still works.
    asked = web.post(f"{IDENTITY}/accounts:sendOobCode?key=any", json={"requestType": "PASSWORD_RESET", "email": email})
    asked.raise_for_status()
    reset = oob_codes(email, "PASSWORD_RESET")[-1]["oobCode"]
    page.goto(f"{PORTAL}/login?mode=verifyEmail&oobCode={reset}&apiKey=fake-api-key")
    expect(page.get_by_test_id("email-action-failed")).to_be_visible()
    assert not authn.admin_auth().get_user(uid).email_verified
    page.goto(f"{PORTAL}/login?mode=resetPassword&oobCode={reset}&apiKey=fake-api-key")
    expect(page.get_by_test_id("reset-password")).to_be_visible()
    # From a failed link the way on is the sign-in form.
    page.goto(f"{PORTAL}/login?mode=recoverEmail&oobCode=not-a-code&apiKey=fake-api-key")
    expect(page.get_by_test_id("email-action-failed")).to_be_focused()
    expect(page.get_by_test_id("page-title")).to_have_text(CANNOT)
    page.get_by_test_id("email-action-continue").click()
    expect(page.get_by_test_id("login-email")).to_be_focused()


def test_undoing_a_change_of_address_restores_it_and_offers_a_password_reset(page: Page) -> None:
    old, new = "member@acme.test", "taken-over@example.test"
    uid = authn.admin_auth().get_user_by_email(old).uid
    id_token = sign_in_api(old, fresh=True)["idToken"]
    web.post(f"{IDENTITY}/accounts:update?key=any", json={"idToken": id_token, "email": new}).raise_for_status()
    assert authn.admin_auth().get_user(uid).email == new
    # Firebase mails the old address a link to undo the change (the emulator too).
    codes = oob_codes(old, "RECOVER_EMAIL")
    assert codes, "no recoverEmail link was mailed to the old address"
    link = _landing(codes[-1])
    assert "mode=recoverEmail" in link
    page.goto(link)
    done = page.get_by_test_id("email-action-done")
    expect(done).to_have_text(f"Your sign-in email is {old} again.")
    expect(done).to_be_focused()
    expect(page.get_by_test_id("page-title")).to_have_text("Email address restored")
    assert authn.admin_auth().get_user(uid).email == old
    check_a11y(page, "an address restored by its link")
    # Whoever changed it may know the password: a reset is offered, mailed to the restored address.
    before = len(oob_codes(old, "PASSWORD_RESET"))
    page.get_by_test_id("email-action-reset").click()
    sent = page.get_by_test_id("email-action-reset-sent")
    expect(sent).to_have_text(f"We sent a link to choose a new password to {old}.")
    expect(sent).to_be_focused()
    assert len(oob_codes(old, "PASSWORD_RESET")) == before + 1
    check_a11y(page, "a password reset sent after restoring an address")
    # The account signs in with its own address again.
    page.get_by_test_id("email-action-continue").click()
    expect(page.get_by_test_id("login-email")).to_have_value(old)
    page.get_by_test_id("login-password").fill("portal-demo")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-menu")).to_contain_text(old, timeout=20_000)
    # The link works once.
    page.goto(link)
    expect(page.get_by_test_id("email-action-failed")).to_have_text(USED)
    assert authn.admin_auth().get_user(uid).email == old


def test_an_invitation_link_landing_on_the_sign_in_page_goes_on_to_it(page: Page, http: httpx.Client) -> None:
    invite = {"email": "nova@acme.test", "role": "client_member"}
    r = http.post("/api/invites", json=invite, headers=bearer("owner@acme.test"))
    assert r.status_code == 201, r.text
    page.goto(r.json()["inviteUrl"])
    page.get_by_test_id("invite-send-link").click()
    expect(page.get_by_test_id("invite-link-sent")).to_be_visible()
    page.goto(_landing(oob_codes("nova@acme.test", "EMAIL_SIGNIN")[-1]))
    # The invitation page, with the link's code (which it takes out of the address bar).
    expect(page.get_by_test_id("accept-email")).to_have_value("nova@acme.test")
    expect(page).to_have_url(f"{PORTAL}/invite")
    check_a11y(page, "the invitation's finishing form, reached through /login")
    page.get_by_test_id("accept-first-name").fill("Nova")
    page.get_by_test_id("accept-password").fill("a-long-password")
    page.get_by_test_id("accept-submit").click()
    expect(page.get_by_test_id("user-menu")).to_contain_text("nova@acme.test", timeout=30_000)
