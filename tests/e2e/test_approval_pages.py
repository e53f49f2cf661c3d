"""Approvals in a real browser, against the real functions: the client owner approves one
item and requests changes on another, a member who is not assigned cannot decide, and
staff see the decision history."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from e2e.test_pages import shoot
from e2e.test_shell import sign_in
from helpers import bearer, wait_for
from playwright.sync_api import Page, expect

IMAGE = "https://cdn.example.test/acme/logo-v1.png"


def create(http: httpx.Client, headers: dict[str, str], **fields: object) -> dict:
    body = {
        "orgId": "acme",
        "projectId": "acme-rebrand",
        "contentType": "design",
        "description": "Please review.",
        "due": None,
        "assigneeEmails": [],
        "content": {"previewUrl": None, "fileUrls": [], "notes": ""},
        **fields,
    }
    r = http.post("/api/approvals", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def items(world: dict, http: httpx.Client) -> dict[str, dict]:
    """Three pending items in Acme's "Brand refresh", submitted by ops."""
    ops = bearer("ops@agency.test")
    today = dt.date.today()
    return {
        "logo": create(
            http,
            ops,
            title="Logo concepts",
            due=(today + dt.timedelta(days=1)).isoformat(),
            assigneeEmails=["member@acme.test"],
            content={
                "previewUrl": IMAGE,
                "fileUrls": ["https://cdn.example.test/acme/logo-v1.pdf"],
                "notes": "Three routes.",
            },
        ),
        "copy": create(
            http,
            ops,
            title="Homepage copy",
            contentType="copy",
            due=(today - dt.timedelta(days=3)).isoformat(),
            assigneeEmails=["member@acme.test"],
            content={
                "previewUrl": "https://docs.example.test/homepage",
                "fileUrls": [],
                "notes": "Headline: Make it so.",
            },
        ),
        "video": create(
            http,
            ops,
            title="Launch teaser",
            contentType="video",
            assigneeEmails=[],
            content={"previewUrl": "https://cdn.example.test/acme/teaser.mp4", "fileUrls": [], "notes": "30 seconds."},
        ),
    }


def test_dashboard_lists_waiting_approvals(page: Page, items: dict[str, dict], http: httpx.Client) -> None:
    headers = bearer("owner@acme.test")

    def approval_actions() -> list[dict]:
        actions = http.get("/api/dashboard", headers=headers).json()["nextActions"]
        return [a for a in actions if str(a["kind"]).startswith("approval_")]

    assert wait_for(lambda: len(approval_actions()) >= 3)
    sign_in(page, "owner@acme.test")
    action = page.locator('[data-testid="next-action"][data-kind^="approval_"]').filter(has_text="Logo concepts")
    expect(action).to_have_count(1)
    expect(action.get_by_role("link")).to_have_attribute("href", f"/approvals/{items['logo']['id']}")
    shoot(page, "dashboard-approvals")
    action.get_by_role("link").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Logo concepts")


def open_item(page: Page, title: str) -> None:
    page.get_by_test_id("nav-approvals").click()
    row = page.get_by_test_id("approval-row").filter(has_text=title)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=title).click()
    expect(page.get_by_test_id("page-title")).to_have_text(title)


def test_owner_approves_one_and_requests_changes_on_another(page: Page, items: dict[str, dict]) -> None:
    sign_in(page, "owner@acme.test")
    page.get_by_test_id("nav-approvals").click()
    rows = page.get_by_test_id("approval-row")
    expect(rows.filter(has_text="Logo concepts")).to_have_count(1)
    expect(rows.filter(has_text="Homepage copy")).to_have_count(1)
    expect(rows.filter(has_text="Homepage copy").locator("[data-due-state]")).to_have_attribute(
        "data-due-state", "overdue"
    )
    expect(rows.filter(has_text="Logo concepts").locator("[data-due-state]")).to_have_attribute(
        "data-due-state", "soon"
    )
    shoot(page, "approvals-owner")

    # Approve the logo: the image is shown, a comment is optional.
    rows.filter(has_text="Logo concepts").get_by_role("link", name="Logo concepts").click()
    expect(page).to_have_url(re.compile(rf"/approvals/{items['logo']['id']}$"))
    expect(page.get_by_test_id("page-title")).to_have_text("Logo concepts")
    expect(page.get_by_test_id("approval-status")).to_have_text("Pending")
    viewer = page.get_by_test_id("approval-viewer")
    # An image preview is shown inline (the test host is unreachable: then a notice replaces it).
    expect(viewer).to_have_attribute("data-kind", "image")
    expect(viewer.locator("img, [data-testid=approval-viewer-broken]")).to_have_count(1)
    expect(page.get_by_test_id("approval-file")).to_have_count(1)
    expect(page.get_by_test_id("version-select").locator("option")).to_have_text(["Version 1"])
    page.get_by_test_id("comment-body").fill("Route two is our favourite.")
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("comment")).to_have_count(1)
    expect(page.get_by_test_id("comment")).to_contain_text("Route two is our favourite.")
    shoot(page, "approval-owner")
    page.get_by_test_id("decision-approve").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("Approved")
    history = page.get_by_test_id("decision-row")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Olivia Owner approved version 1")
    expect(page.get_by_test_id("decision-approve")).to_have_count(0)

    # Request changes on the copy: the comment is required, in the browser too.
    open_item(page, "Homepage copy")
    viewer = page.get_by_test_id("approval-viewer")
    expect(viewer).to_contain_text("Headline: Make it so.")
    open_preview = viewer.get_by_test_id("approval-open-preview")
    expect(open_preview).to_have_attribute("href", "https://docs.example.test/homepage")
    expect(open_preview).to_have_attribute("rel", re.compile("noopener"))
    page.get_by_test_id("decision-request_revision").click()
    expect(page.get_by_test_id("decision-error")).to_be_visible()
    expect(page.get_by_test_id("approval-status")).to_have_text("Pending")
    page.get_by_test_id("decision-comment").fill("Shorter headline, please.")
    page.get_by_test_id("decision-request_revision").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("Changes requested")
    row = page.get_by_test_id("decision-row")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("Olivia Owner requested changes to version 1")
    expect(row.first).to_contain_text("Shorter headline, please.")
    shoot(page, "approval-revision")

    # The queue's tabs filter by status.
    page.get_by_test_id("nav-approvals").click()
    page.get_by_test_id("approval-tab-approved").click()
    expect(page.get_by_test_id("approval-row")).to_have_count(1)
    expect(page.get_by_test_id("approval-row")).to_contain_text("Logo concepts")
    page.get_by_test_id("approval-tab-revision_requested").click()
    expect(page.get_by_test_id("approval-row")).to_have_count(1)
    expect(page.get_by_test_id("approval-row")).to_contain_text("Homepage copy")
    page.get_by_test_id("approval-tab-pending").click()
    expect(page.get_by_test_id("approval-row").filter(has_text="Launch teaser")).to_have_count(1)
    expect(page.get_by_test_id("approval-row").filter(has_text="Logo concepts")).to_have_count(0)


def test_member_not_assigned_cannot_decide(page: Page, items: dict[str, dict]) -> None:
    sign_in(page, "member@acme.test")
    page.get_by_test_id("nav-approvals").click()
    page.get_by_test_id("approval-assigned-toggle").check()
    mine = page.get_by_test_id("approval-row")
    expect(mine.filter(has_text="Logo concepts")).to_have_count(1)
    expect(mine.filter(has_text="Launch teaser")).to_have_count(0)
    page.get_by_test_id("approval-assigned-toggle").uncheck()
    expect(page.get_by_test_id("approval-row").filter(has_text="Launch teaser")).to_have_count(1)

    page.get_by_test_id("approval-row").filter(has_text="Launch teaser").get_by_role("link").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Launch teaser")
    expect(page.get_by_test_id("approval-viewer").locator("video[controls]")).to_have_count(1)
    for action in ("approve", "request_revision", "reject"):
        expect(page.get_by_test_id(f"decision-{action}")).to_have_count(0)
    expect(page.get_by_test_id("decision-not-allowed")).to_contain_text(
        "Only the client owner or the assigned people can decide"
    )
    # Members may still comment.
    page.get_by_test_id("comment-body").fill("Love the music.")
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("comment")).to_contain_text("Love the music.")
    shoot(page, "approval-member")

    # An item assigned to them: they can decide.
    page.goto(f"/approvals/{items['logo']['id']}")
    expect(page.get_by_test_id("decision-approve")).to_be_visible()
    expect(page.get_by_test_id("decision-not-allowed")).to_have_count(0)


def test_staff_see_decisions_and_upload_a_new_version(page: Page, items: dict[str, dict], http: httpx.Client) -> None:
    owner = bearer("owner@acme.test")
    copy = items["copy"]
    r = http.post(
        f"/api/approvals/{copy['id']}/action",
        json={"action": "request_revision", "comment": "Shorter headline, please.", "version": copy["currentVersion"]},
        headers=owner,
    )
    assert r.status_code == 200, r.text

    sign_in(page, "ops@agency.test")
    page.get_by_test_id("nav-approvals").click()
    expect(page.get_by_test_id("approval-new")).to_be_visible()
    open_item(page, "Homepage copy")
    expect(page.get_by_test_id("approval-status")).to_have_text("Changes requested")
    rows = page.get_by_test_id("decision-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Olivia Owner requested changes to version 1")
    expect(rows.first).to_contain_text("Shorter headline, please.")
    expect(page.get_by_test_id("decision-approve")).to_have_count(0)

    page.get_by_test_id("version-new-preview").fill("https://docs.example.test/homepage-v2")
    page.get_by_test_id("version-new-notes").fill("Headline: Make it so. Now.")
    page.get_by_test_id("version-new-submit").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("Pending")
    select = page.get_by_test_id("version-select")
    expect(select.locator("option")).to_have_text(["Version 1", "Version 2"])
    expect(select).to_have_value("2")
    expect(page.get_by_test_id("approval-viewer")).to_contain_text("Now.")
    select.select_option(label="Version 1")
    expect(page.get_by_test_id("approval-viewer")).to_contain_text("Headline: Make it so.")
    expect(page.get_by_test_id("decision-row")).to_have_count(1)
    shoot(page, "approval-staff")


def test_staff_create_an_approval_in_the_browser(page: Page, world: dict) -> None:
    sign_in(page, "ops@agency.test")
    page.get_by_test_id("org-switcher").select_option(label="Acme Corporation")
    page.get_by_test_id("nav-approvals").click()
    page.get_by_test_id("approval-new").click()
    expect(page.get_by_test_id("approval-new-project").locator("option", has_text="Brand refresh")).to_have_count(1)
    page.get_by_test_id("approval-new-project").select_option(label="Brand refresh")
    page.get_by_test_id("approval-new-type").select_option("design")
    page.get_by_test_id("approval-new-title").fill("Business cards")
    page.get_by_test_id("approval-new-description").fill("Front and back.")
    page.get_by_test_id("approval-new-assignees").get_by_text("member@acme.test").click()
    page.get_by_test_id("approval-new-preview").fill("https://cdn.example.test/acme/cards.png")
    page.get_by_test_id("approval-new-notes").fill("Matte stock.")
    shoot(page, "approval-new")
    page.get_by_test_id("approval-new-submit").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Business cards")
    expect(page.get_by_test_id("approval-assignees")).to_contain_text("member@acme.test")
    expect(page.get_by_test_id("approval-viewer")).to_have_attribute("data-kind", "image")
