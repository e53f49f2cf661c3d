"""Removing a second factor, in a real browser against the Auth emulator: an enrolled account
removes its phone through the re-authentication step (password, then a texted code); staff
who must sign in with a second factor cannot remove their last phone, and can once they have
added another; a client owner resets the two-factor sign-in of a member who lost their phone
from the Team page, behind a confirmation."""

from __future__ import annotations

from collections.abc import Iterator

import flask
import pytest
from e2e.axe import check_a11y
from e2e.test_account_second_factor import _sign_in_with_code
from e2e.test_shell import sign_in
from env import PORTAL
from helpers import enrol_phone, enrol_phones, sms_code_after, sms_codes, wait_for
from playwright.sync_api import Page, Route, expect

from portal import authn, db
from portal.account import mfa

pytestmark = pytest.mark.usefixtures("world")


def _factors(email: str) -> list[str]:
    return [f["mfaEnrollmentId"] for f in mfa.enrollments(authn.admin_auth().get_user_by_email(email))]


def _removals() -> list[dict]:
    query = db.audit_log().where(filter=db.eq("event", "auth.second_factor_removed"))
    return [s.to_dict() or {} for s in query.stream()]


def _remove(page: Page, name: str, phone: str) -> None:
    """Remove the factor named ``name`` through the password and the texted-code step."""
    page.get_by_role("button", name=f"Remove {name}").click()
    expect(page.get_by_test_id("factor-remove-form")).to_be_visible()
    page.get_by_test_id("remove-password").fill("portal-demo")
    before = sms_codes(phone)
    page.get_by_test_id("factor-remove-confirm").click()
    expect(page.get_by_test_id("remove-reauth-code")).to_be_visible(timeout=30_000)
    page.get_by_test_id("remove-reauth-code").fill(sms_code_after(phone, before))
    page.get_by_test_id("remove-reauth-submit").click()
    expect(page.locator("#toast")).to_contain_text("was removed", timeout=30_000)


def test_an_owner_removes_their_phone_through_the_code_step(page: Page) -> None:
    email, phone = "owner@acme.test", "+15555550191"
    enrol_phone(authn.admin_auth().get_user_by_email(email).uid, phone, "Work phone")
    _sign_in_with_code(page, email, phone)
    page.get_by_test_id("nav-account").click()
    expect(page.get_by_test_id("factor-row")).to_have_count(1)
    expect(page.get_by_test_id("factor-row")).to_contain_text("Work phone")
    check_a11y(page, "the account page with a phone enrolled")
    # Cancelling the confirmation changes nothing.
    page.get_by_test_id("factor-remove").click()
    page.get_by_test_id("remove-password").fill("not-the-password")
    page.get_by_test_id("factor-remove-confirm").click()
    expect(page.get_by_test_id("remove-error")).to_contain_text("incorrect")
    check_a11y(page, "a wrong password when removing a phone")
    page.get_by_test_id("factor-remove-cancel").click()
    expect(page.get_by_test_id("factor-row")).to_have_count(1)
    # The password, then the texted code: a wrong code first, then the right one.
    page.get_by_test_id("factor-remove").click()
    page.get_by_test_id("remove-password").fill("portal-demo")
    before = sms_codes(phone)
    page.get_by_test_id("factor-remove-confirm").click()
    expect(page.get_by_test_id("remove-reauth-lead")).to_contain_text("remove Work phone")
    code = sms_code_after(phone, before)
    check_a11y(page, "the texted-code step of removing a phone")
    page.get_by_test_id("remove-reauth-code").fill("000000" if code != "000000" else "111111")
    page.get_by_test_id("remove-reauth-submit").click()
    expect(page.get_by_test_id("reauth-error")).to_contain_text("code is not right")
    assert _factors(email) == ["phone0191"] and not _removals()
    page.get_by_test_id("remove-reauth-code").fill(code)
    page.get_by_test_id("remove-reauth-submit").click()
    expect(page.locator("#toast")).to_contain_text("Work phone was removed", timeout=30_000)
    expect(page.get_by_test_id("factor-row")).to_have_count(0)
    expect(page.get_by_test_id("account-2fa")).to_contain_text("No second factor enrolled")
    check_a11y(page, "the account page after removing the phone")
    assert _factors(email) == []
    [entry] = _removals()
    assert (entry["actorEmail"], entry["details"]["factor"]) == (email, "phone0191")
    # This device stays signed in, and the next sign-in needs the password alone.
    page.reload()
    expect(page.get_by_test_id("profile-form")).to_be_visible()
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-email")).to_be_visible()
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill("portal-demo")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-menu")).to_contain_text(email, timeout=30_000)


IN_PROCESS = ("/api/auth/login", "/api/me/profile", "/api/me/second-factors/remove")


@pytest.fixture
def staff_second_factor_required(page: Page, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """STAFF_SECOND_FACTOR=required for this browser: the emulated functions read their
    settings once at start, so the sign-in, the profile and the removal are answered here,
    in-process, by the same routes (the same Auth and Firestore emulators, the same cookie)."""
    from portal.account import routes as account
    from portal.auth import routes as auth

    monkeypatch.setenv("STAFF_SECOND_FACTOR", "required")
    served = dict(zip(IN_PROCESS, (auth.auth_login, account.me_profile, account.me_second_factors_remove), strict=True))
    app = flask.Flask(__name__)

    def serve(route: Route) -> None:
        request = route.request
        path = request.url.removeprefix(PORTAL).split("?")[0]
        headers = {k: v for k, v in request.all_headers().items() if not k.startswith(":")}
        with app.test_request_context(
            path,
            base_url=PORTAL,
            method=request.method,
            data=request.post_data_buffer,
            headers=headers,
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        ):
            response = served[path].serve(flask.request)
        route.fulfill(status=response.status_code, headers=dict(response.headers), body=response.get_data())

    for path in IN_PROCESS:
        page.route(f"{PORTAL}{path}", serve)
    yield
    for path in IN_PROCESS:
        page.unroute(f"{PORTAL}{path}")


def test_staff_who_must_have_a_second_factor_cannot_remove_their_last_phone(
    page: Page, staff_second_factor_required: None
) -> None:
    email, phone = "ops@agency.test", "+15555550192"
    uid = authn.admin_auth().get_user_by_email(email).uid
    enrol_phone(uid, phone, "Work phone")
    _sign_in_with_code(page, email, phone)
    page.get_by_test_id("nav-account").click()
    expect(page.get_by_test_id("factor-row")).to_have_count(1)
    expect(page.get_by_test_id("factor-remove")).to_have_count(0)
    expect(page.get_by_test_id("second-factors-note")).to_contain_text("add another phone first")
    expect(page.get_by_test_id("enrol-start")).to_have_text("Add another phone")
    check_a11y(page, "the last phone of staff who must have one")
    # With a second phone, either may go; the one left is kept again.
    enrol_phones(uid, phone, "+15555550193")
    page.reload()
    expect(page.get_by_test_id("factor-remove")).to_have_count(2)
    _remove(page, "Phone 0193", phone)
    expect(page.get_by_test_id("factor-row")).to_have_count(1)
    expect(page.get_by_test_id("factor-remove")).to_have_count(0)
    expect(page.get_by_test_id("second-factors-note")).to_contain_text("add another phone first")
    assert _factors(email) == ["phone0192"]
    assert len(_removals()) == 1


def test_an_owner_resets_a_members_lost_phone_from_the_team_page(page: Page, mails: object) -> None:
    target = "member@acme.test"
    enrol_phone(authn.admin_auth().get_user_by_email(target).uid, "+15555550194")
    sign_in(page, "owner@acme.test")
    page.get_by_test_id("nav-team").click()
    row = page.get_by_test_id("member-row").filter(has_text=target)
    expect(row.get_by_test_id("member-reset-factors")).to_be_visible()
    mine = page.get_by_test_id("member-row").filter(has_text="(you)")
    expect(mine.get_by_test_id("member-reset-factors")).to_have_count(0)
    check_a11y(page, "the team page with two-factor resets")
    # Dismissing the confirmation changes nothing.
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_test_id("member-reset-factors").click()
    page.wait_for_timeout(300)
    assert _factors(target) == ["phone0194"]
    messages: list[str] = []

    def accept(dialog: object) -> None:
        messages.append(dialog.message)  # type: ignore[attr-defined]
        dialog.accept()  # type: ignore[attr-defined]

    page.once("dialog", accept)
    row.get_by_test_id("member-reset-factors").click()
    expect(page.locator("#toast")).to_contain_text("two-factor sign-in was reset", timeout=30_000)
    assert "signed out everywhere" in messages[0]
    assert _factors(target) == []
    assert wait_for(lambda: mails.to(target), timeout=90)  # type: ignore[attr-defined]


def test_ops_manage_a_clients_team_but_reset_no_one(page: Page) -> None:
    # (members have no Team page at all; ops do, without the reset: members.reset_factors)
    sign_in(page, "ops@agency.test")
    page.get_by_test_id("org-switcher").select_option("acme")
    page.get_by_test_id("nav-team").click()
    expect(page.get_by_test_id("member-row")).to_have_count(2)
    expect(page.get_by_test_id("member-remove").first).to_be_visible()
    expect(page.get_by_test_id("member-reset-factors")).to_have_count(0)
