"""Restoring one's own deleted account in a real browser: a member deletes their account,
reads the mail the portal sent (the SMTP stand-in), follows its link, restores the account
and signs in again; a used link says it cannot be used. Axe at desktop and phone width."""

from __future__ import annotations

import re
from typing import Any

import pytest
from e2e.axe import PHONE, check_a11y
from e2e.test_shell import sign_in
from helpers import wait_for
from playwright.sync_api import Page, expect

from portal import authn

pytestmark = pytest.mark.usefixtures("world")
LINK = re.compile(r"http://\S+/restore#token=\S+")


def test_a_member_restores_their_account_from_the_mailed_link(page: Page, mails: Any) -> None:
    sign_in(page, "member@acme.test")
    page.goto("/privacy")
    page.get_by_test_id("delete-confirm").fill("member@acme.test")
    page.get_by_test_id("delete-account").click()
    expect(page.get_by_test_id("delete-done")).to_contain_text("We mailed a link")
    page.get_by_test_id("delete-done-leave").click()
    page.wait_for_url("**/login", timeout=20_000)
    uid = authn.admin_auth().get_user_by_email("member@acme.test").uid
    assert authn.admin_auth().get_user(uid).disabled

    mail = wait_for(lambda: [m for m in mails.to("member@acme.test") if "/restore#token=" in m["text"]], timeout=90)
    assert mail, "no restore link was mailed"
    found = LINK.search(mail[0]["text"])
    assert found
    page.set_viewport_size(PHONE)
    page.goto(found.group(0))
    expect(page.get_by_test_id("page-title")).to_have_text("Restore your account")
    assert "#" not in page.url  # the token left the address bar
    check_a11y(page, "restore page")
    page.get_by_test_id("restore-submit").click()
    expect(page.get_by_test_id("restore-done")).to_contain_text("member@acme.test")
    check_a11y(page, "restore page, restored")
    assert not authn.admin_auth().get_user(uid).disabled

    page.goto("about:blank")
    page.goto(found.group(0))  # the link works once
    page.get_by_test_id("restore-submit").click()
    expect(page.get_by_test_id("restore-invalid")).to_contain_text("cannot be used")
    check_a11y(page, "restore page, link used")

    page.get_by_test_id("restore-to-login").click()
    page.get_by_test_id("login-email").fill("member@acme.test")
    page.get_by_test_id("login-password").fill("portal-demo")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-menu")).to_contain_text("member@acme.test", timeout=20_000)
