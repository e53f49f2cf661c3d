"""The staff workspace in a real browser: ops creates a client with its owner invited
and a project from a template; an admin edits the project (as the policy says) and a
member's role; settings per client with the write-only Slack webhook; a client never
reaches any of it."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from e2e.test_pages import shoot
from e2e.test_shell import sign_in
from helpers import bearer
from playwright.sync_api import Page, expect

from portal import db
from portal.orgs import settings

pytestmark = pytest.mark.usefixtures("world")


def test_ops_creates_a_client_with_its_owner_and_a_project_from_a_template(page: Page, http: httpx.Client) -> None:
    sign_in(page, "ops@agency.test")
    page.get_by_test_id("nav-clients").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Clients")
    expect(page.get_by_test_id("client-row")).to_have_count(2)
    page.get_by_test_id("client-search").fill("glob")
    expect(page.get_by_test_id("client-row")).to_have_count(1)
    expect(page.get_by_test_id("client-row")).to_contain_text("Globex")
    page.get_by_test_id("client-search").fill("")
    page.get_by_test_id("client-name").fill("Initech")
    page.get_by_test_id("client-domains").fill("initech.test")
    page.get_by_test_id("client-owner").fill("bill@initech.test")
    page.get_by_test_id("client-submit").click()
    expect(page.get_by_test_id("client-invite-link")).to_have_value(re.compile(r"/invite#token="))
    expect(page.get_by_test_id("client-row").filter(has_text="Initech")).to_have_count(1)
    shoot(page, "clients")
    org = next(
        o for o in http.get("/api/orgs", headers=bearer("ops@agency.test")).json()["items"] if o["name"] == "Initech"
    )
    invites = http.get("/api/invites", params={"orgId": org["id"]}, headers=bearer("ops@agency.test")).json()["items"]
    assert [(i["email"], i["role"], i["status"]) for i in invites] == [("bill@initech.test", "client_owner", "pending")]

    page.get_by_test_id("nav-projects").click()
    page.get_by_test_id("project-new").click()
    expect(page.get_by_test_id("page-title")).to_have_text("New project")
    page.get_by_test_id("np-client").select_option(label="Initech")
    page.get_by_test_id("np-start").fill("2027-03-01")
    page.get_by_test_id("np-template").select_option(label="Brand identity")
    expect(page.get_by_test_id("np-milestones")).to_have_value(re.compile(r"^2027-03-01 \| Discovery workshop"))
    page.get_by_test_id("np-name").fill("Initech identity")
    shoot(page, "project-new")
    page.get_by_test_id("np-submit").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Initech identity")
    expect(page.locator(".stepper > li")).to_have_count(5)
    # Editing the project itself is for admins: ops sees no edit form.
    expect(page.get_by_test_id("project-edit")).to_have_count(0)
    project = next(iter(db.client().collection(f"orgs/{org['id']}/projects").stream())).to_dict()
    assert project["templateId"] == "tpl-brand-identity" and project["milestones"][1]["due"] == "2027-03-11"


def test_an_admin_edits_a_project_and_changes_a_role(page: Page, http: httpx.Client) -> None:
    sign_in(page, "admin@agency.test")
    page.goto("/projects/acme-rebrand")
    page.get_by_test_id("project-edit").click()
    page.get_by_test_id("pe-name").fill("Brand refresh 2.0")
    page.get_by_test_id("pe-description").fill("Everything, refreshed.")
    page.get_by_test_id("pe-save").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Brand refresh 2.0")
    saved = http.get("/api/projects/acme-rebrand", headers=bearer("owner@acme.test")).json()
    assert saved["name"] == "Brand refresh 2.0" and saved["description"] == "Everything, refreshed."
    page.get_by_test_id("org-switcher").select_option("acme")
    page.get_by_test_id("nav-team").click()
    row = page.get_by_test_id("member-row").filter(has_text="member@acme.test")
    row.get_by_test_id("member-role").select_option("client_owner")
    expect(page.locator("#toast")).to_contain_text("is now Client owner")
    members = http.get("/api/members", params={"orgId": "acme"}, headers=bearer("admin@agency.test")).json()["items"]
    assert {m["email"]: m["role"] for m in members}["member@acme.test"] == "client_owner"


def test_settings_per_client_keep_the_slack_webhook_write_only(page: Page, drive: Any) -> None:
    folder = drive.add_folder("Acme shared", "root").id  # a folder inside the portal's Drive folder
    sign_in(page, "ops@agency.test")
    page.goto("/clients/acme")
    expect(page.get_by_test_id("page-title")).to_have_text("Acme Corporation")
    expect(page.get_by_test_id("status-whop")).to_contain_text("Not connected")
    expect(page.get_by_test_id("status-slack")).to_contain_text("Not connected")
    url = "https://hooks.slack.com/services/T1/B1/secretsecret"
    page.get_by_test_id("slack-url").fill(url)
    page.get_by_test_id("slack-save").click()
    expect(page.get_by_test_id("status-slack")).to_contain_text("Connected")
    expect(page.get_by_test_id("slack-url")).to_have_value("")
    page.get_by_test_id("drive-folder").fill(folder)
    page.get_by_test_id("booking-links").fill("Kick-off | https://cal.com/northlight/kickoff")
    page.get_by_test_id("settings-save").click()
    expect(page.get_by_test_id("status-drive")).to_contain_text("Connected")
    page.reload()
    expect(page.get_by_test_id("status-booking")).to_contain_text("Connected")
    assert "secretsecret" not in page.content()
    assert settings.slack_webhook("acme") == url
    shoot(page, "client-settings")


@pytest.mark.parametrize("who", ["owner@acme.test", "member@acme.test"])
def test_a_client_never_reaches_the_workspace(page: Page, who: str) -> None:
    sign_in(page, who)
    expect(page.get_by_test_id("nav-projects")).to_be_visible()
    for key in ("clients", "templates"):
        expect(page.get_by_test_id(f"nav-{key}")).to_have_count(0)
    for path in ("/clients", "/clients/acme", "/templates", "/projects/new"):
        page.goto(path)
        expect(page.get_by_text("No access")).to_be_visible()
    page.goto("/projects")
    expect(page.get_by_test_id("project-card").first).to_be_visible()
    expect(page.get_by_test_id("project-new")).to_have_count(0)
    page.goto("/projects/acme-rebrand")
    expect(page.get_by_test_id("page-title")).to_have_text("Brand refresh")
    for control in ("project-edit", "project-archive"):
        expect(page.get_by_test_id(control)).to_have_count(0)


def test_an_admin_saves_a_template_and_a_bad_one_says_why(page: Page) -> None:
    sign_in(page, "admin@agency.test")
    page.goto("/templates")
    form = page.get_by_test_id("template-form")
    form.get_by_test_id("template-save").click()  # no name: the API refuses it
    expect(form.get_by_test_id("error-message")).to_be_visible()
    expect(form.get_by_test_id("template-save")).to_be_enabled()
    expect(page.get_by_test_id("template-row").filter(has_text="Launch kit")).to_have_count(0)
    form.get_by_test_id("template-name").fill("Launch kit")
    form.get_by_test_id("template-milestones").fill("0 | Kick-off\n14 | Launch")
    form.get_by_test_id("template-save").click()
    row = page.get_by_test_id("template-row").filter(has_text="Launch kit")
    expect(row).to_contain_text("Kick-off (day 0), Launch (day 14)")
    expect(page.get_by_test_id("template-form").get_by_test_id("error-message")).to_have_count(0)
    expect(page.get_by_test_id("template-form").get_by_test_id("template-name")).to_have_value("")
