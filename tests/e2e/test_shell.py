"""The app shell in a real browser: sign-in (password and email link), navigation by
role, the staff organisation switcher, invitations, sign-out, phone width."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from axe import check_a11y
from env import AUTH, PORTAL, PROJECT
from helpers import PASSWORD, issued_at, next_second, token, web
from playwright.sync_api import Page, expect

from portal.authn import SESSION_COOKIE

pytestmark = pytest.mark.usefixtures("world")


def sign_in_with_form(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in as a person does: the sign-in page, the Firebase SDK, then the session cookie."""
    page.goto("/")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    # The first sign-in of a run may wait for the functions' cold starts.
    expect(page.get_by_test_id("user-menu")).to_contain_text(email, timeout=20_000)


_signed_in: dict[str, int] = {}
"""When the ID token each account last got a session cookie with here was issued (its ``iat``)."""


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Start the browser signed in as ``email``, on the dashboard. The session cookie comes from
    the same ``POST /api/auth/login`` the sign-in page calls, with an ID token from the Auth
    emulator: a browser test about something else does not load the sign-in page and the
    Firebase SDK first (the tests in this module sign in through the page itself). A password
    other than the demo's is one a test just set: that sign-in goes through the page."""
    if password != PASSWORD:
        sign_in_with_form(page, email, password)
        return
    minted = token(email, fresh=True)
    if _signed_in.get(email) == issued_at(minted):  # the same account and second: the same token, the same session
        next_second()
        minted = token(email, fresh=True)
    _signed_in[email] = issued_at(minted)
    agent = page.evaluate("() => navigator.userAgent")  # the session is listed as this browser's
    login = web.post(f"{PORTAL}/api/auth/login", json={"idToken": minted}, headers={"User-Agent": agent})
    assert login.status_code == 200, login.text
    cookie = login.cookies.get(SESSION_COOKIE)
    assert cookie, f"no session cookie in {login.headers}"
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": PORTAL,
                               "httpOnly": True, "secure": True, "sameSite": "Strict"}])  # fmt: skip
    page.goto("/")
    expect(page.get_by_test_id("user-menu")).to_contain_text(email, timeout=20_000)


def test_client_owner_signs_in_sees_only_acme_and_signs_out(page: Page) -> None:
    sign_in_with_form(page, "owner@acme.test")
    for name in ("dashboard", "projects", "approvals", "billing", "messages", "files", "bookings", "team"):
        expect(page.get_by_test_id(f"nav-{name}")).to_be_visible()
    expect(page.get_by_test_id("org-switcher")).to_have_count(0)
    page.get_by_test_id("nav-projects").click()
    expect(page.get_by_test_id("project-card").first).to_be_visible()
    cards = page.get_by_test_id("project-card")
    texts = " ".join(cards.all_inner_texts())
    assert "Brand refresh" in texts
    assert "Annual report" not in texts and "Globex" not in texts
    # The session survives a reload (HttpOnly cookie), then sign-out ends it.
    page.reload()
    expect(page.get_by_test_id("user-menu")).to_contain_text("owner@acme.test")
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-email")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("login-email")).to_be_visible()


def test_client_member_has_no_billing(page: Page) -> None:
    sign_in(page, "member@acme.test")
    expect(page.get_by_test_id("nav-projects")).to_be_visible()
    expect(page.get_by_test_id("nav-billing")).to_have_count(0)
    expect(page.get_by_test_id("nav-team")).to_have_count(0)


def test_wrong_password_shows_an_error(page: Page) -> None:
    page.goto("/")
    page.get_by_test_id("login-email").fill("owner@acme.test")
    page.get_by_test_id("login-password").fill("wrong-password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_have_count(0)


def test_staff_switch_between_client_organisations(page: Page) -> None:
    sign_in(page, "ops@agency.test")
    page.get_by_test_id("nav-projects").click()
    expect(page.get_by_test_id("project-card").first).to_be_visible()
    all_text = " ".join(page.get_by_test_id("project-card").all_inner_texts())
    assert "Brand refresh" in all_text and "Annual report design" in all_text
    switcher = page.get_by_test_id("org-switcher")
    switcher.select_option(label="Globex")
    expect(page.get_by_test_id("project-card").filter(has_text="Brand refresh")).to_have_count(0)
    expect(page.get_by_test_id("project-card").filter(has_text="Annual report design")).to_have_count(1)


def _emailed_link(email: str) -> str:
    """Where the last link the Auth emulator "emailed" to ``email`` lands once Firebase's
    action handler has redirected."""
    codes = web.get(f"{AUTH}/emulator/v1/projects/{PROJECT}/oobCodes", timeout=30).json()["oobCodes"]
    link = next(c["oobLink"] for c in reversed(codes) if c["email"] == email)
    params = parse_qs(urlparse(link).query)
    landing = params["continueUrl"][0]
    query = urlencode({k: params[k][0] for k in ("apiKey", "oobCode", "mode", "lang") if k in params})
    return f"{landing}{'&' if '?' in landing else '?'}{query}"


def test_email_link_sign_in(page: Page) -> None:
    page.goto("/")
    page.get_by_test_id("login-email").fill("member@globex.test")
    page.get_by_test_id("email-link-submit").click()
    expect(page.get_by_test_id("email-link-sent")).to_be_visible()
    codes = web.get(f"{AUTH}/emulator/v1/projects/{PROJECT}/oobCodes", timeout=30).json()["oobCodes"]
    link = next(c["oobLink"] for c in reversed(codes) if c["email"] == "member@globex.test")
    # What the email's link lands on once Firebase's action handler has redirected.
    params = parse_qs(urlparse(link).query)
    landing = params["continueUrl"][0]
    query = urlencode({k: params[k][0] for k in ("apiKey", "oobCode", "mode", "lang") if k in params})
    page.goto(f"{landing}{'&' if '?' in landing else '?'}{query}")
    expect(page.get_by_test_id("user-menu")).to_contain_text("member@globex.test", timeout=30_000)


def test_owner_invites_a_member_who_accepts_in_the_browser(page: Page, browser: object) -> None:
    sign_in(page, "owner@acme.test")
    page.get_by_test_id("nav-team").click()
    expect(page.get_by_test_id("member-row")).to_have_count(2)
    page.get_by_test_id("invite-email").fill("newbie@acme.test")
    page.get_by_test_id("invite-role").select_option("client_member")
    page.get_by_test_id("invite-submit").click()
    link = page.get_by_test_id("invite-link")
    expect(link).to_be_visible()
    url = link.input_value() if link.evaluate("e => e.tagName") == "INPUT" else link.inner_text()
    assert "/invite#token=" in url
    expect(page.get_by_test_id("invite-row").filter(has_text="newbie@acme.test")).to_have_count(1)

    invitee = browser.new_context()  # type: ignore[attr-defined]
    other = invitee.new_page()
    other.goto(url.strip())
    # The link alone makes no account: a confirmation goes to the invited address.
    expect(other.get_by_test_id("invite-email")).to_have_text("newbie@acme.test")
    other.get_by_test_id("invite-send-link").click()
    expect(other.get_by_test_id("invite-link-sent")).to_be_visible()
    check_a11y(other, "the invitation page after the confirmation was sent")
    other.goto(_emailed_link("newbie@acme.test"))
    expect(other.get_by_test_id("accept-email")).to_have_value("newbie@acme.test")
    other.get_by_test_id("accept-first-name").fill("Nina")
    other.get_by_test_id("accept-last-name").fill("Newbie")
    other.get_by_test_id("accept-password").fill("a-long-password")
    check_a11y(other, "the invitation's finishing form")
    other.get_by_test_id("accept-submit").click()
    expect(other.get_by_test_id("user-menu")).to_contain_text("newbie@acme.test", timeout=30_000)
    expect(other.get_by_test_id("nav-billing")).to_have_count(0)
    invitee.close()


def test_phone_width_has_a_menu_and_no_horizontal_scroll(page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, "owner@globex.test")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    expect(page.get_by_test_id("nav-projects")).to_be_hidden()
    page.get_by_role("button", name=re.compile("menu", re.I)).click()
    expect(page.get_by_test_id("nav-projects")).to_be_visible()
