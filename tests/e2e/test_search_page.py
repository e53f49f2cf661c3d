"""Search in a real browser: the search box in the header (a search landmark, reached by
keyboard), the results page grouped by kind with highlights as <mark> elements; a client
finds its own project and approval and nothing of the other client; staff open a result
of any client. axe at desktop and phone width."""

from __future__ import annotations

import re

import httpx
import pytest
from e2e.test_approval_pages import create
from e2e.test_pages import shoot
from e2e.test_shell import sign_in
from helpers import bearer, wait_for
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.usefixtures("world")


@pytest.fixture
def approval(http: httpx.Client) -> dict:
    """An Acme approval, once its trigger has indexed it."""
    item = create(http, bearer("ops@agency.test"), title="Logo concepts", description="Three <b>routes</b> for a logo.")

    def indexed() -> bool:
        r = http.get("/api/search", params={"q": "logo concepts"}, headers=bearer("owner@acme.test"))
        return r.status_code == 200 and any(g["kind"] == "approval" for g in r.json()["groups"])

    assert wait_for(indexed)
    return item


def search(page: Page, words: str) -> None:
    box = page.get_by_role("search").get_by_label("Search projects, approvals, files and messages")
    box.fill(words)
    box.press("Enter")
    expect(page.get_by_test_id("page-title")).to_have_text(f"Results for “{words}”")


def test_a_client_finds_its_own_project_and_approval_and_nothing_of_the_other(page: Page, approval: dict) -> None:
    sign_in(page, "owner@acme.test")
    search(page, "logo")
    projects = page.get_by_test_id("search-group-project")
    approvals = page.get_by_test_id("search-group-approval")
    expect(projects.get_by_role("heading", name="Projects")).to_be_visible()
    expect(projects.get_by_test_id("search-result")).to_have_count(1)
    expect(projects).to_contain_text("Brand refresh")
    expect(projects.locator("mark").first).to_have_text("logo")
    result = approvals.get_by_test_id("search-result")
    expect(result).to_have_count(1)
    expect(result.locator("mark").first).to_have_text("Logo")
    # Text stays text: the description's markup is shown, never parsed.
    expect(result).to_contain_text("Three <b>routes</b>")
    expect(result.locator("b")).to_have_count(0)
    shoot(page, "search-results")
    result.get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"/approvals/{approval['id']}$"))

    search(page, "annual report")  # Globex's project
    expect(page.get_by_text("Nothing found")).to_be_visible()
    expect(page.get_by_test_id("search-result")).to_have_count(0)
    shoot(page, "search-nothing")


def test_the_other_client_finds_nothing_of_acme(page: Page, approval: dict) -> None:
    sign_in(page, "member@globex.test")
    search(page, "logo concepts")
    expect(page.get_by_text("Nothing found")).to_be_visible()
    search(page, "annual")
    expect(page.get_by_test_id("search-result")).to_have_count(1)
    expect(page.get_by_test_id("search-result")).to_contain_text("Annual report design")


def test_staff_search_every_client_and_open_a_result_in_its_client(page: Page) -> None:
    sign_in(page, "ops@agency.test")
    page.get_by_role("search").get_by_role("searchbox").focus()
    page.keyboard.type("campaign")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("page-title")).to_have_text("Results for “campaign”")
    result = page.get_by_test_id("search-result")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("Spring campaign")
    expect(result).to_contain_text("Globex")
    shoot(page, "search-staff")
    result.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/projects/globex-campaign$"))
    expect(page.get_by_test_id("page-title")).to_have_text("Spring campaign")
    expect(page.get_by_test_id("org-switcher")).to_have_value("globex")
    expect(page.get_by_role("search").get_by_role("searchbox")).to_have_value("")
