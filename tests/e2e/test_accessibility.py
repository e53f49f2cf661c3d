"""Every page, for every role that sees a different version of it, at desktop and phone
width, loaded, empty and failed, and the public pages (sign-in, invitation, not found):
axe-core finds no violation (tests/e2e/axe.py). Pages are found from the navigation each
role is shown, so a page added to the navigation is checked here without a change. The
keyboard walk at the end uses the navigation, the organisation switcher, the drawer and
a form with Tab, Enter and Escape only."""

from __future__ import annotations

import datetime as dt
import json
import re

import httpx
import pytest
from e2e.axe import PHONE, check_a11y
from e2e.test_approval_pages import create
from e2e.test_shell import sign_in
from helpers import bearer
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.usefixtures("world")

ROLES = {
    "client_owner": "owner@acme.test",
    "client_member": "member@acme.test",
    "aj_ops": "ops@agency.test",
    "aj_admin": "admin@agency.test",
}


def settle(page: Page) -> None:
    """The page title is shown and nothing is loading any more."""
    expect(page.get_by_test_id("page-title")).to_be_visible()
    expect(page.get_by_test_id("loading")).to_have_count(0)


def nav_paths(page: Page) -> list[str]:
    return page.eval_on_selector_all('[data-testid^="nav-"]', "links => links.map((a) => new URL(a.href).pathname)")


def visit(page: Page, path: str, label: str) -> None:
    """An in-app navigation (a link the router follows), then the axe check."""
    page.evaluate(
        """(path) => {
            const a = document.createElement('a');
            a.href = path;
            document.querySelector('#main').append(a);
            a.click();
            a.remove();
        }""",
        path,
    )
    expect(page).to_have_url(re.compile(re.escape(path) + r"(\?.*)?$"))
    settle(page)
    check_a11y(page, label)
    # Disclosures (<details>) opened too: their content is hidden from axe while closed.
    if page.locator("#main details:not([open])").count():
        page.eval_on_selector_all("#main details", "ds => ds.forEach((d) => { d.open = true; })")
        check_a11y(page, f"{label}, every disclosure open")


def first_link(page: Page, prefix: str) -> str | None:
    hrefs = page.eval_on_selector_all(
        f'#main a[href^="{prefix}"]', "links => links.map((a) => new URL(a.href).pathname)"
    )
    return hrefs[0] if hrefs else None


@pytest.fixture
def approval(world: dict, http: httpx.Client) -> dict:
    """A pending item in Acme's "Brand refresh" (the demo data has none), assigned to the member."""
    return create(
        http,
        bearer("ops@agency.test"),
        title="Logo concepts",
        due=(dt.date.today() + dt.timedelta(days=1)).isoformat(),
        assigneeEmails=["member@acme.test"],
        content={
            "previewUrl": None,
            "fileUrls": ["https://cdn.example.test/acme/logo-v1.pdf"],
            "notes": "Three routes.",
        },
    )


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.usefixtures("approval")
def test_every_page_of_every_role_has_no_violations(page: Page, role: str) -> None:
    sign_in(page, ROLES[role])
    settle(page)
    paths = nav_paths(page)
    assert "/" in paths and "/projects" in paths
    for path in paths:
        visit(page, path, f"{path} as {role}")
    # The detail pages, reached from their lists.
    for listing, prefix in (("/projects", "/projects/"), ("/approvals", "/approvals/")):
        visit(page, listing, f"{listing} as {role}")
        detail = first_link(page, prefix)
        assert detail, f"no {prefix}... link on {listing} for {role}"
        visit(page, detail, f"{detail} as {role}")
    if role.startswith("aj_"):
        # Staff see every client, or one chosen in the switcher.
        page.get_by_test_id("org-switcher").select_option(label="Acme Corporation")
        settle(page)
        for path in paths:
            visit(page, path, f"{path} as {role} with Acme chosen")
    if role == "client_member":
        # Pages the member's role does not include: the "No access" page.
        for path in ("/billing", "/team"):
            visit(page, path, f"{path} (no access) as {role}")
    visit(page, "/no-such-page", f"the not-found page as {role}")
    visit(page, "/projects/no-such-project", f"a missing project as {role}")


def test_sign_in_pages_have_no_violations(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_test_id("login-email")).to_be_visible()
    check_a11y(page, "the sign-in page")
    page.get_by_test_id("login-email").fill("owner@acme.test")
    page.get_by_test_id("login-password").fill("wrong-password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    check_a11y(page, "the sign-in page with an error")
    page.get_by_test_id("email-link-submit").click()
    expect(page.get_by_test_id("email-link-sent")).to_be_visible()
    check_a11y(page, "the sign-in page after a link was sent")


def test_invite_pages_have_no_violations(page: Page, http: httpx.Client) -> None:
    r = http.post(
        "/api/invites",
        json={"email": "a11y@acme.test", "role": "client_member", "orgId": "acme"},
        headers=bearer("owner@acme.test"),
    )
    assert r.status_code in (200, 201), r.text
    page.goto("/invite#" + r.json()["inviteUrl"].split("#", 1)[1])
    expect(page.get_by_test_id("invite-send-link")).to_be_visible()
    check_a11y(page, "the invitation page")
    # The finishing form, opened from the emailed link on another device (no stored email).
    page.goto("/invite?invite=acme.x&mode=signIn&oobCode=nope&apiKey=any")
    expect(page.get_by_test_id("accept-first-name")).to_be_visible()
    page.get_by_test_id("accept-submit").click()
    expect(page.get_by_test_id("error-message")).to_be_visible()
    check_a11y(page, "the invitation's finishing form with an error")
    page.goto("/invite#token=acme.nope.nope")
    expect(page.get_by_test_id("page-title")).to_be_visible()
    check_a11y(page, "an invalid invitation")


def _fail(route: Route) -> None:
    route.fulfill(
        status=500,
        content_type="application/json",
        body=json.dumps({"error": {"code": "internal", "message": "Something went wrong."}}),
    )


def _empty(route: Route) -> None:
    route.fulfill(status=200, content_type="application/json", body=json.dumps({"items": [], "nextCursor": None}))


@pytest.mark.parametrize("state", ["empty", "error"])
def test_lists_empty_and_failed_have_no_violations(page: Page, state: str) -> None:
    sign_in(page, "owner@acme.test")
    settle(page)
    handler = _empty if state == "empty" else _fail
    for path in ("/projects", "/approvals"):
        page.route(re.compile(rf".*/api{path}(\?.*)?$"), handler)
        page.goto(path)
        expect(page.get_by_test_id("page-title")).to_be_visible()
        expect(page.get_by_test_id("loading")).to_have_count(0, timeout=30_000)
        check_a11y(page, f"{path} {state}")


def test_decision_with_a_missing_comment_has_no_violations(page: Page, approval: dict) -> None:
    sign_in(page, "member@acme.test")
    page.goto(f"/approvals/{approval['id']}")
    settle(page)
    page.get_by_test_id("decision-request_revision").click()
    expect(page.get_by_test_id("decision-comment")).to_have_attribute("aria-invalid", "true")
    check_a11y(page, "a decision refused for its missing comment")


def test_staff_forms_open_have_no_violations(page: Page, approval: dict) -> None:
    sign_in(page, "ops@agency.test")
    page.goto("/approvals")
    settle(page)
    page.get_by_test_id("approval-new").click()
    expect(page.get_by_test_id("approval-new-form")).to_be_visible()
    page.get_by_test_id("approval-new-submit").click()
    expect(page.get_by_test_id("approval-new-error")).to_be_visible()
    check_a11y(page, "the new approval form with an error")
    page.goto(f"/approvals/{approval['id']}")
    settle(page)
    check_a11y(page, "an approval as staff (new version form)")


def test_the_check_names_each_violation(page: Page) -> None:
    """The helper itself: broken markup put into the sign-in page is reported by rule,
    impact, selector and help text."""
    page.goto("/login")
    expect(page.get_by_test_id("login-email")).to_be_visible()
    page.evaluate(
        """() => {
            const box = document.createElement('div');
            box.id = 'broken';
            const img = document.createElement('img');
            img.src = '/favicon.ico';
            const button = document.createElement('button');
            button.className = 'nameless';
            const faint = document.createElement('p');
            faint.textContent = 'Hard to read';
            faint.style.color = '#eeeeee';
            box.append(img, button, faint);
            document.querySelector('.auth-card').append(box);
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        check_a11y(page, "broken markup", widths=("desktop",))
    text = str(failure.value)
    assert "on broken markup at desktop width" in text
    for rule in ("image-alt (critical)", "button-name (critical)", "color-contrast (serious)"):
        assert rule in text, text
    assert "img" in text and "nameless" in text  # the elements are named by their selectors
    page.evaluate("() => document.getElementById('broken').remove()")


# ---------- Keyboard ----------


def focused(page: Page) -> dict:
    """The focused element: its test id, tag, text, and whether a focus indicator shows."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const after = getComputedStyle(el, '::after');
            const ring = (s) => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
            return {
                testid: el.dataset.testid || '',
                tag: el.tagName.toLowerCase(),
                text: (el.innerText || el.value || '').trim(),
                visible: el.matches(':focus-visible') ? ring(style) || ring(after) : null,
            };
        }"""
    )


def tab_to(page: Page, want: str, *, limit: int = 40, back: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the element with test id `want` has the focus; it must
    show a focus indicator, and so must every control passed on the way."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(page)
        assert now["visible"] is not False, f"no visible focus on {now}"
        if now["testid"] == want:
            return now
    raise AssertionError(f"{want} not reached with the keyboard in {limit} presses")


def test_keyboard_alone_signs_in_navigates_switches_and_submits(page: Page) -> None:
    page.goto("/login")
    expect(page.get_by_test_id("login-email")).to_be_focused()
    page.keyboard.type("ops@agency.test")
    tab_to(page, "login-password")
    page.keyboard.type("portal-demo")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("user-menu")).to_contain_text("ops@agency.test")
    settle(page)

    # From the top of a page, the skip link comes first and moves the focus to the content.
    page.reload()
    settle(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    # The organisation switcher and the navigation, by Tab, arrows and Enter.
    tab_to(page, "org-switcher", back=True)
    page.keyboard.press("ArrowDown")  # from "All clients" to the first client
    expect(page.get_by_test_id("org-switcher")).not_to_have_value("")
    chosen = page.get_by_test_id("org-switcher").evaluate("s => s.selectedOptions[0].textContent")
    tab_to(page, "nav-projects")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/projects$"))
    expect(page.get_by_test_id("page-title")).to_be_focused()  # a navigation lands on the heading
    settle(page)
    expect(page.locator(".page-subtitle")).to_have_text(chosen)

    # The approvals tabs: arrows move between them.
    tab_to(page, "nav-approvals", back=True)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("page-title")).to_have_text("Approvals")
    settle(page)
    tab_to(page, "approval-tab-all")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("approval-tab-all")).to_have_attribute("aria-selected", "false")
    expect(page.locator('[role="tab"][aria-selected="true"]')).to_be_focused()

    # A form: the new approval form opens with Enter and its fields follow in order.
    tab_to(page, "approval-new", back=True)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("approval-new-form")).to_be_visible()
    tab_to(page, "approval-new-title")
    page.keyboard.type("Keyboard only")
    tab_to(page, "approval-new-submit")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("approval-new-error")).to_be_visible()  # no project chosen yet, said so


def test_keyboard_opens_and_closes_the_phone_menu(page: Page) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, "owner@acme.test")
    settle(page)
    menu = page.get_by_role("button", name="Open menu")
    menu.focus()
    page.keyboard.press("Enter")
    # The drawer takes the focus and keeps it; Escape closes it and gives it back.
    expect(page.get_by_test_id("nav-dashboard")).to_be_focused()
    assert focused(page)["visible"] is not False
    check_a11y(page, "the open phone menu", widths=("phone",))
    tab_to(page, "nav-team")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("nav-team")).to_be_hidden()
    expect(page.get_by_role("button", name="Open menu")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, "nav-projects")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/projects$"))
    expect(page.get_by_test_id("nav-projects")).to_be_hidden()
    expect(page.get_by_test_id("page-title")).to_be_focused()
