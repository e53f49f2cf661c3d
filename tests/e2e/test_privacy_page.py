"""The privacy page in a real browser: an owner exports the organisation and downloads the
archive once it is ready; a member deletes their account, is told a restore link was
mailed, and is signed out; an admin
deletes a client organisation and undoes it. Axe at desktop and phone width."""

from __future__ import annotations

import zipfile

import pytest
from e2e.axe import check_a11y
from e2e.test_shell import sign_in
from helpers import revocation_seconds, wait_for
from playwright.sync_api import Page, expect

from portal import authn, db

pytestmark = pytest.mark.usefixtures("world")


def test_owner_exports_the_organisation_and_downloads_it(page: Page) -> None:
    sign_in(page, "owner@acme.test")
    page.get_by_test_id("privacy-link").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Privacy and data")
    expect(page.get_by_test_id("exports-empty")).to_be_visible()
    check_a11y(page, "privacy page, nothing exported")
    page.get_by_test_id("export-org").click()
    row = page.get_by_test_id("export-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("export-status")).to_have_text("Ready", timeout=180_000)
    check_a11y(page, "privacy page, an export ready")
    with page.expect_download() as info:
        row.get_by_test_id("export-download").click()
    download = info.value
    assert download.suggested_filename.startswith("organisation-acme-")
    archive = zipfile.ZipFile(download.path())
    assert {"projects.csv", "messages.json", "files.json"} <= set(archive.namelist())


def test_member_deletes_their_account_and_is_signed_out(page: Page) -> None:
    sign_in(page, "member@acme.test")
    page.goto("/privacy")
    button = page.get_by_test_id("delete-account")
    expect(button).to_be_disabled()
    page.get_by_test_id("delete-confirm").fill("member@acme.test")
    check_a11y(page, "privacy page, deleting an account")
    button.click()
    expect(page.get_by_test_id("delete-done")).to_contain_text("We mailed a link to member@acme.test")

    # The account is disabled now, so the page's background requests answer 401 (from every
    # instance within SESSION_CHECK_SECONDS): the confirmation stays (a 401 elsewhere would send
    # the person to the sign-in page).
    def background_refused() -> bool:
        with page.expect_response(lambda r: "/api/notifications/unread" in r.url) as background:
            page.evaluate("window.dispatchEvent(new CustomEvent('portal:notifications-changed', {detail: {}}))")
        return background.value.status == 401

    assert wait_for(background_refused, timeout=revocation_seconds(), interval=0.25)
    expect(page.get_by_test_id("delete-done")).to_be_visible()
    assert page.url.endswith("/privacy")
    check_a11y(page, "privacy page, account deleted")
    page.get_by_test_id("delete-done-leave").click()
    page.wait_for_url("**/login", timeout=20_000)
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    uid = authn.admin_auth().get_user_by_email("member@acme.test").uid
    assert authn.admin_auth().get_user(uid).disabled
    assert db.deletion(f"user-{uid}").get().get("reason") == "self"


def test_admin_deletes_a_client_organisation_and_undoes_it(page: Page) -> None:
    sign_in(page, "admin@agency.test")
    page.goto("/privacy")
    expect(page.get_by_test_id("deletions-empty")).to_be_visible()
    page.get_by_test_id("org-switcher").select_option(label="Globex")
    expect(page.get_by_test_id("export-org")).to_contain_text("Globex")
    page.get_by_test_id("delete-org-confirm").fill("Globex")
    page.get_by_test_id("delete-org").click()
    row = page.get_by_test_id("deletion-row")
    expect(row).to_contain_text("Globex")
    check_a11y(page, "privacy page, a deletion pending")
    assert db.system("globex").doc().get().get("archived") is True
    row.get_by_test_id("deletion-undo").click()
    expect(page.get_by_test_id("deletions-empty")).to_be_visible()
    assert db.system("globex").doc().get().get("archived") is False
