"""Contracts in a real browser, on the demo's (Acme's master agreement, signed; its brand
refresh's statement of work, awaiting the owner's signature): the project page shows the
project's contract with its status, date and document; the owner's dashboard asks for the
signature; a member sees the project's contract but not the organisation-wide one; staff see
every contract of a client on its page. Each with axe, at desktop and phone width, and no
sideways scroll."""

from __future__ import annotations

import pytest
from e2e.axe import check_a11y
from e2e.test_pages import shoot
from e2e.test_shell import sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.usefixtures("world", "demo_contracts")

SOW = "Brand refresh — statement of work"
MSA = "Master services agreement"
SOW_URL = "https://app.gbu.example/documents/acme-rebrand-sow"
PROJECT = "/projects/acme-rebrand"


@pytest.fixture
def demo_contracts(world: dict) -> None:
    from portal.seed import seed_contracts

    seed_contracts()


def test_the_project_page_shows_its_contract_and_the_owner_is_asked_to_sign(page: Page) -> None:
    sign_in(page, "owner@acme.test")
    page.goto(PROJECT)
    card = page.get_by_test_id("project-contracts")
    expect(card.get_by_role("heading", name="Contracts")).to_be_visible()
    rows = card.get_by_test_id("contract")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text(SOW)
    expect(row).to_have_attribute("data-status", "viewed")
    expect(row.get_by_test_id("contract-status")).to_have_text("Awaiting signature")
    expect(row.get_by_test_id("contract-date")).to_contain_text("Opened")
    link = row.get_by_test_id("contract-document")
    expect(link).to_have_attribute("href", SOW_URL)
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_accessible_name(f"Review and sign ({SOW}, opens in a new tab)")
    expect(card).not_to_contain_text(MSA)
    shoot(page, "project-contracts-owner")
    # A project without a contract shows no contracts card.
    page.goto("/projects/acme-podcast")
    expect(page.get_by_test_id("page-title")).to_have_text("Podcast jingle")
    expect(page.get_by_test_id("milestone").first).to_be_visible()
    expect(page.get_by_test_id("project-contracts")).to_have_count(0)


def test_the_owner_s_dashboard_lists_what_awaits_a_signature(page: Page) -> None:
    sign_in(page, "owner@acme.test")
    card = page.get_by_test_id("dash-contracts")
    expect(card.get_by_role("heading", name="Contracts to sign")).to_be_visible()
    expect(card.get_by_test_id("contract")).to_have_count(1)
    expect(card).to_contain_text(SOW)
    expect(card.get_by_role("link", name="Brand refresh", exact=True)).to_have_attribute("href", PROJECT)
    expect(card).not_to_contain_text(MSA)  # signed: nothing to do
    check_a11y(page, "dashboard with a contract to sign")


def test_a_member_sees_the_project_s_contract_only(page: Page) -> None:
    sign_in(page, "member@acme.test")
    expect(page.get_by_role("heading", name="Next actions")).to_be_visible()
    expect(page.get_by_test_id("dash-contracts")).to_have_count(0)
    page.goto(PROJECT)
    row = page.get_by_test_id("project-contracts").get_by_test_id("contract")
    expect(row).to_have_count(1)
    link = row.get_by_test_id("contract-document")
    expect(link).to_have_accessible_name(f"Open document ({SOW}, opens in a new tab)")
    check_a11y(page, "project page as a member")


def test_staff_see_every_contract_of_a_client(page: Page) -> None:
    sign_in(page, "ops@agency.test")
    page.goto("/clients/acme")
    card = page.get_by_test_id("client-contracts")
    rows = card.get_by_test_id("contract")
    expect(rows).to_have_count(2)
    msa = rows.filter(has_text=MSA)
    expect(msa.get_by_test_id("contract-status")).to_have_text("Signed")
    expect(msa.get_by_test_id("contract-date")).to_contain_text("Signed ")
    expect(msa).to_contain_text("Whole organisation")
    sow = rows.filter(has_text=SOW)
    expect(sow.get_by_role("link", name="Brand refresh", exact=True)).to_have_attribute("href", PROJECT)
    expect(sow.get_by_test_id("contract-document")).to_contain_text("Open document")  # staff do not sign
    shoot(page, "client-contracts-staff")
    page.goto("/clients/globex")
    expect(page.get_by_test_id("client-contracts").get_by_test_id("contracts-empty")).to_be_visible()
