"""Your account in a real browser: profile and time zone (dates follow it), password change,
forgotten password through the emailed reset link, signing one device out; axe at
desktop and phone width."""

from __future__ import annotations

import pytest
from e2e.axe import check_a11y
from e2e.test_shell import sign_in
from env import PORTAL
from helpers import next_second, oob_codes
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.usefixtures("world")


def _png(size: int = 8) -> bytes:
    """A small valid PNG (a solid square)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x4f\x46\xe5" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _open_account(page: Page) -> None:
    page.get_by_test_id("nav-account").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Your account")
    expect(page.get_by_test_id("profile-form")).to_be_visible()


def test_profile_time_zone_changes_every_date_shown(page: Page) -> None:
    sign_in(page, "owner@acme.test")
    _open_account(page)
    check_a11y(page, "the account page")
    expect(page.get_by_test_id("signin-row")).to_have_count(1)
    expect(page.get_by_test_id("email-verified")).to_be_visible()
    page.get_by_test_id("profile-first-name").fill("Olive")
    page.get_by_test_id("profile-timezone").select_option("Pacific/Kiritimati")
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_test_id("account-zone")).to_contain_text("Pacific/Kiritimati")
    # A date on the page is the instant as seen in Kiritimati (UTC+14), whatever the browser's zone.
    row = page.get_by_test_id("device-row").first
    expect(row).to_be_visible()
    expected = page.evaluate(
        """async () => {
            const r = await fetch('/api/me/sessions', { credentials: 'same-origin' });
            const at = (await r.json()).items[0].createdAt;
            return new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric',
              hour: '2-digit', minute: '2-digit', timeZone: 'Pacific/Kiritimati' }).format(new Date(at));
        }"""
    )
    expect(row).to_contain_text(expected)
    # A picture: uploaded, shown here and beside the name.
    page.get_by_test_id("avatar-file").set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": _png()}]
    )
    expect(page.get_by_test_id("avatar-image")).to_be_visible()
    page.wait_for_function("() => document.querySelector('[data-testid=avatar-image]')?.naturalWidth === 8")
    # It is kept: after a reload the zone still applies, and the name changed.
    page.reload()
    expect(page.get_by_test_id("account-zone")).to_contain_text("Pacific/Kiritimati")
    expect(page.get_by_test_id("profile-first-name")).to_have_value("Olive")


def test_password_change_keeps_this_device_signed_in(page: Page) -> None:
    sign_in(page, "member@acme.test")
    _open_account(page)
    page.get_by_test_id("password-current").fill("wrong-password")
    page.get_by_test_id("password-new").fill("a-brand-new-password")
    page.get_by_test_id("password-save").click()
    expect(page.get_by_test_id("password-error")).to_contain_text("incorrect")
    check_a11y(page, "the account page with a password error")
    page.get_by_test_id("password-current").fill("portal-demo")
    page.get_by_test_id("password-save").click()
    expect(page.get_by_test_id("password-current")).to_have_value("", timeout=30_000)
    expect(page.get_by_test_id("password-error")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("profile-form")).to_be_visible()
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-email")).to_be_visible()
    sign_in(page, "member@acme.test", "a-brand-new-password")


def test_forgotten_password_is_reset_through_the_emailed_link(page: Page) -> None:
    page.goto("/login")
    page.get_by_test_id("login-email").fill("owner@globex.test")
    page.get_by_test_id("forgot-password").click()
    expect(page.get_by_test_id("reset-email")).to_have_value("owner@globex.test")
    check_a11y(page, "the forgotten password form")
    page.get_by_test_id("reset-submit").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()
    code = oob_codes("owner@globex.test", "PASSWORD_RESET")[-1]["oobCode"]
    page.goto(f"{PORTAL}/login?mode=resetPassword&oobCode={code}&apiKey=any")
    expect(page.get_by_test_id("reset-password")).to_be_visible()
    check_a11y(page, "choosing a new password")
    page.get_by_test_id("reset-password").fill("reset-password-1")
    page.get_by_test_id("reset-password-submit").click()
    expect(page.get_by_test_id("login-email")).to_be_visible()
    sign_in(page, "owner@globex.test", "reset-password-1")
    # An unknown address gets the same answer: nothing tells who has an account.
    page.get_by_test_id("logout").click()
    page.get_by_test_id("forgot-password").click()
    page.get_by_test_id("reset-email").fill("nobody@nowhere.test")
    page.get_by_test_id("reset-submit").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()


def test_one_device_is_signed_out_from_another(page: Page, browser: object) -> None:
    other_context = browser.new_context(base_url=PORTAL)  # type: ignore[attr-defined]
    other = other_context.new_page()
    sign_in(other, "owner@acme.test")
    next_second()  # a sign-in in the same second would make the same session cookie
    sign_in(page, "owner@acme.test")
    _open_account(page)
    expect(page.get_by_test_id("device-row")).to_have_count(2)
    check_a11y(page, "the account page with two devices")
    page.get_by_test_id("device-row").filter(has_not_text="This device").get_by_test_id("device-signout").click()
    expect(page.get_by_test_id("device-row")).to_have_count(1)
    expect(page.get_by_test_id("device-row")).to_contain_text("This device")
    # The other browser is sent to the sign-in page at its next request (once an instance's
    # memory of the session is older than SESSION_CHECK_SECONDS: 2 in the tests).
    for _ in range(20):
        other.wait_for_timeout(500)
        other.reload()
        expect(other.get_by_test_id("login-email").or_(other.get_by_test_id("user-menu")).first).to_be_visible()
        if other.get_by_test_id("login-email").is_visible():
            break
    expect(other.get_by_test_id("login-email")).to_be_visible(timeout=20_000)
    other_context.close()
    # This one still works.
    page.reload()
    expect(page.get_by_test_id("profile-form")).to_be_visible()


def _code_for(page: Page, phone: str, before: int) -> str:
    from helpers import sms_codes

    for _ in range(40):
        codes = sms_codes(phone)
        if len(codes) > before:
            return codes[-1]
        page.wait_for_timeout(250)
    raise AssertionError(f"no code texted to {phone}")


def test_staff_sign_in_with_a_second_factor(page: Page) -> None:
    from helpers import enrol_phone, sms_codes

    from portal import authn

    phone = "+15555550142"
    enrol_phone(authn.admin_auth().get_user_by_email("ops@agency.test").uid, phone)
    before = len(sms_codes(phone))
    page.goto("/login")
    page.get_by_test_id("login-email").fill("ops@agency.test")
    page.get_by_test_id("login-password").fill("portal-demo")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("second-factor-code")).to_be_visible()
    check_a11y(page, "the second-factor step of signing in")
    code = _code_for(page, phone, before)
    page.get_by_test_id("second-factor-code").fill("000000" if code != "000000" else "111111")
    page.get_by_test_id("second-factor-submit").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    page.get_by_test_id("second-factor-code").fill(code)
    page.get_by_test_id("second-factor-submit").click()
    expect(page.get_by_test_id("user-menu")).to_contain_text("ops@agency.test", timeout=30_000)
    _open_account(page)
    expect(page.get_by_test_id("second-factors")).to_contain_text("Work phone")
    expect(page.get_by_test_id("signin-row").first).to_contain_text("two-factor")


def test_a_member_enrols_a_phone_from_their_account(page: Page) -> None:
    from helpers import sms_codes

    phone = "+15555550177"
    sign_in(page, "member@globex.test")
    _open_account(page)
    page.get_by_test_id("enrol-password").fill("portal-demo")
    page.get_by_test_id("enrol-start").click()
    page.get_by_test_id("enrol-phone").fill(phone)
    check_a11y(page, "enrolling a phone")
    before = len(sms_codes(phone))
    page.get_by_test_id("enrol-send").click()
    expect(page.get_by_test_id("enrol-code")).to_be_visible()
    page.get_by_test_id("enrol-code").fill(_code_for(page, phone, before))
    page.get_by_test_id("enrol-finish").click()
    expect(page.get_by_test_id("second-factors")).to_be_visible(timeout=30_000)
    # From now on Firebase asks for the code at sign-in.
    page.get_by_test_id("logout").click()
    page.get_by_test_id("login-email").fill("member@globex.test")
    page.get_by_test_id("login-password").fill("portal-demo")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("second-factor-code")).to_be_visible()
