"""Your account with a second factor, in a real browser: a change that needs a fresh sign-in
(the password change) asks for the texted code as well, for a client owner and for staff
under STAFF_SECOND_FACTOR=required; a wrong code changes nothing, and neither does cancelling.
The Auth emulator "texts" the codes (helpers.sms_codes)."""

from __future__ import annotations

from collections.abc import Iterator

import flask
import pytest
from e2e.axe import check_a11y
from env import PORTAL
from helpers import enrol_phone, password_works, sms_code_after, sms_codes
from playwright.sync_api import Page, Route, expect

from portal import authn, db

pytestmark = pytest.mark.usefixtures("world")

NEW_PASSWORD = "a-brand-new-password"


def _with_phone(email: str, phone: str) -> None:
    enrol_phone(authn.admin_auth().get_user_by_email(email).uid, phone)


def _sign_in_with_code(page: Page, email: str, phone: str, password: str = "portal-demo") -> None:
    before = sms_codes(phone)
    page.goto("/login")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("second-factor-code")).to_be_visible()
    page.get_by_test_id("second-factor-code").fill(sms_code_after(phone, before))
    page.get_by_test_id("second-factor-submit").click()
    expect(page.get_by_test_id("user-menu")).to_contain_text(email, timeout=30_000)


def _ask_for_new_password(page: Page, current: str = "portal-demo") -> None:
    page.get_by_test_id("nav-account").click()
    expect(page.get_by_test_id("password-form")).to_be_visible()
    page.get_by_test_id("password-current").fill(current)
    page.get_by_test_id("password-new").fill(NEW_PASSWORD)
    page.get_by_test_id("password-save").click()


def _open_sessions(email: str) -> int:
    users = db.client().collection_group("users").where(filter=db.eq("email", email)).get()
    return len(users[0].reference.collection("sessions").where(filter=db.eq("ended", False)).get())


def _change_password_with_code(page: Page, email: str, phone: str, *, two_factor_session: bool) -> None:
    """Sign in with the code, change the password through the code step (a wrong code first),
    then sign out and in again with the new password and a new code. Where the portal requires
    a second factor and the tokens Firebase issues with the new password no longer carry it (as
    the Auth emulator's do), a second code keeps this device signed in."""
    _sign_in_with_code(page, email, phone)
    before = sms_codes(phone)
    _ask_for_new_password(page)
    expect(page.get_by_test_id("password-reauth-code")).to_be_visible()
    expect(page.get_by_test_id("password-reauth-lead")).to_contain_text("change your password")
    code = sms_code_after(phone, before)
    check_a11y(page, "the texted-code step of a password change")
    page.get_by_test_id("password-reauth-code").fill("000000" if code != "000000" else "111111")
    page.get_by_test_id("password-reauth-submit").click()
    expect(page.get_by_test_id("reauth-error")).to_contain_text("code is not right")
    check_a11y(page, "a wrong code in the password change")
    assert password_works(email, "portal-demo") and not password_works(email, NEW_PASSWORD)
    page.get_by_test_id("password-reauth-code").fill(code)
    before = sms_codes(phone)
    page.get_by_test_id("password-reauth-submit").click()
    again = page.get_by_test_id("password-reauth-lead").filter(has_text="stay signed in")
    expect(page.get_by_test_id("password-form").or_(again)).to_be_visible(timeout=30_000)
    if again.is_visible():
        check_a11y(page, "the code that keeps this device signed in after a password change")
        page.get_by_test_id("password-reauth-code").fill(sms_code_after(phone, before))
        page.get_by_test_id("password-reauth-submit").click()
    expect(page.get_by_test_id("password-current")).to_have_value("", timeout=30_000)
    expect(page.get_by_test_id("password-error")).to_have_count(0)
    assert password_works(email, NEW_PASSWORD) and not password_works(email, "portal-demo")
    # This device has a new session (the old cookie was revoked with the password, and its
    # record is ended); the page goes on working. Under the staff rule it is a two-factor one.
    page.reload()
    expect(page.get_by_test_id("profile-form")).to_be_visible()
    if two_factor_session:
        expect(page.get_by_test_id("signin-row").first).to_contain_text("two-factor")
    expect(page.get_by_test_id("device-row")).to_have_count(1)
    expect(page.get_by_test_id("device-row")).to_contain_text("This device")
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-email")).to_be_visible()
    _sign_in_with_code(page, email, phone, NEW_PASSWORD)


def test_an_owner_with_a_second_factor_changes_their_password(page: Page) -> None:
    _with_phone("owner@acme.test", "+15555550161")
    _change_password_with_code(page, "owner@acme.test", "+15555550161", two_factor_session=False)


@pytest.fixture
def staff_second_factor_required(page: Page, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """STAFF_SECOND_FACTOR=required for this browser's sign-ins: the emulated functions read
    their settings once at start, so `POST /api/auth/login` is answered here, in-process, by
    the same route (the same Auth and Firestore emulators, the same cookie)."""
    from portal.auth import routes

    monkeypatch.setenv("STAFF_SECOND_FACTOR", "required")
    app = flask.Flask(__name__)
    refused: list[str] = []

    def login(route: Route) -> None:
        request = route.request
        headers = {k: v for k, v in request.headers.items() if not k.startswith(":")}
        with app.test_request_context(
            "/api/auth/login",
            base_url=PORTAL,
            method="POST",
            data=request.post_data_buffer,
            headers=headers,
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        ):
            response = routes.auth_login.serve(flask.request)
        if response.status_code != 200:
            refused.append(response.get_data(as_text=True))
        route.fulfill(status=response.status_code, headers=dict(response.headers), body=response.get_data())

    page.route(f"{PORTAL}/api/auth/login", login)
    yield
    page.unroute(f"{PORTAL}/api/auth/login")
    assert all("second_factor_required" in r for r in refused), refused


def test_staff_under_a_required_second_factor_change_their_password(
    page: Page, staff_second_factor_required: None
) -> None:
    # The rule is in force: a password alone gets no session (the sign-in page offers to enrol).
    page.goto("/login")
    page.get_by_test_id("login-email").fill("admin@agency.test")
    page.get_by_test_id("login-password").fill("portal-demo")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("enrol-phone")).to_be_visible()
    _with_phone("ops@agency.test", "+15555550162")
    _change_password_with_code(page, "ops@agency.test", "+15555550162", two_factor_session=True)


def test_cancelling_the_code_step_leaves_the_password_unchanged(page: Page) -> None:
    email, phone = "owner@globex.test", "+15555550163"
    _with_phone(email, phone)
    _sign_in_with_code(page, email, phone)
    sessions = _open_sessions(email)
    before = sms_codes(phone)
    _ask_for_new_password(page)
    expect(page.get_by_test_id("password-reauth-code")).to_be_visible()
    sms_code_after(phone, before)
    page.get_by_test_id("password-reauth-cancel").click()
    expect(page.get_by_test_id("password-form")).to_be_visible()
    expect(page.get_by_test_id("password-current")).to_have_value("")
    check_a11y(page, "the password form after cancelling the code step")
    assert password_works(email, "portal-demo") and not password_works(email, NEW_PASSWORD)
    # Nothing else moved either: the session is the same one, and still works.
    assert _open_sessions(email) == sessions
    page.reload()
    expect(page.get_by_test_id("profile-form")).to_be_visible()
    # The code step also guards the confirmation email of an unverified address.
    authn.admin_auth().update_user(authn.admin_auth().get_user_by_email(email).uid, email_verified=False)
    page.reload()
    before = sms_codes(phone)
    page.get_by_test_id("verify-password").fill("portal-demo")
    page.get_by_test_id("verify-send").click()
    expect(page.get_by_test_id("verify-reauth-code")).to_be_visible()
    page.get_by_test_id("verify-reauth-code").fill(sms_code_after(phone, before))
    page.get_by_test_id("verify-reauth-submit").click()
    expect(page.get_by_test_id("verification-sent")).to_be_visible(timeout=30_000)
