"""Portal files attached to approvals in a real browser, against the real functions and the
Drive stand-in: staff attach an existing file and upload a new one (with a progress bar) to
a new version; the client sees them with the Files page's previews and downloads one
byte-identical; a file deleted since shows as removed. axe-core at desktop and phone width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from api.test_files import upload
from e2e.axe import check_a11y
from e2e.test_pages import shoot
from e2e.test_shell import sign_in
from helpers import bearer
from playwright.sync_api import Page, expect

from portal.files.demo import pdf, png

pytestmark = pytest.mark.usefixtures("world")


@pytest.fixture
def item(http: httpx.Client) -> dict[str, Any]:
    body = {"orgId": "acme", "projectId": "acme-rebrand", "contentType": "design", "title": "Poster",
            "assigneeEmails": [], "content": {"previewUrl": None, "fileUrls": [], "notes": "First round."}}  # fmt: skip
    r = http.post("/api/approvals", json=body, headers=bearer("ops@agency.test"))
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_staff_attach_files_to_a_new_version_and_the_client_previews_and_downloads_them(
    page: Page, drive: Any, item: dict[str, Any], http: httpx.Client, tmp_path: Path
) -> None:
    brief = upload(http, bearer("ops@agency.test"), "Brief.pdf", pdf("Brief"), orgId="acme")
    poster = png() + bytes(range(256)) * 64
    (tmp_path / "Poster v2.png").write_bytes(poster)

    sign_in(page, "ops@agency.test")
    page.goto(f"/approvals/{item['id']}")
    picker = page.get_by_test_id("attach-picker")
    expect(picker).to_contain_text("No files attached")
    picker.get_by_test_id("attach-browse").click()
    option = picker.get_by_test_id("attach-option").filter(has_text="Brief.pdf")
    expect(option).to_be_visible()
    check_a11y(page, "the new version form with the portal's files open")
    option.locator("input").check()
    picker.get_by_test_id("attach-input").set_input_files(str(tmp_path / "Poster v2.png"))
    expect(picker.locator('[data-testid="attach-upload-item"][data-state="done"]')).to_have_count(1, timeout=30_000)
    expect(picker.get_by_test_id("attach-upload-progress")).to_have_attribute("aria-valuenow", "100")
    chosen = picker.get_by_test_id("attach-chosen-item")
    expect(chosen).to_have_count(2)
    expect(chosen.nth(0)).to_contain_text("Brief.pdf")
    expect(chosen.nth(1)).to_contain_text("Poster v2.png")
    shoot(page, "approval-attach-picker")
    page.get_by_test_id("version-new-notes").fill("Second round, files attached.")
    page.get_by_test_id("version-new-submit").click()
    shown = page.get_by_test_id("approval-attachments")
    expect(page.get_by_test_id("approval-viewer")).to_have_attribute("data-version", "2")
    expect(shown.get_by_test_id("attachment")).to_have_count(2)
    expect(page.get_by_test_id("attach-chosen-item")).to_have_count(0)

    page.context.clear_cookies()
    sign_in(page, "owner@acme.test")
    page.goto(f"/approvals/{item['id']}")
    rows = page.get_by_test_id("approval-attachments").get_by_test_id("attachment")
    expect(rows).to_have_count(2)
    image = rows.filter(has_text="Poster v2.png")
    expect(image.locator("img.file-thumb")).to_be_visible()
    image.get_by_test_id("attachment-preview").click()
    expect(page.get_by_test_id("preview-image")).to_be_visible()
    assert page.get_by_test_id("preview-image").evaluate("img => img.complete && img.naturalWidth > 0")
    with page.expect_download() as info:
        image.get_by_test_id("attachment-download").click()
    assert info.value.suggested_filename == "Poster v2.png"
    assert Path(info.value.path()).read_bytes() == poster
    rows.filter(has_text="Brief.pdf").get_by_test_id("attachment-preview").click()
    expect(page.get_by_test_id("preview-pdf")).to_have_attribute("src", f"/api/files/{brief['id']}/download?inline=1")
    check_a11y(page, "the approval page with attachments and a preview")
    shoot(page, "approval-attachments")
    page.get_by_test_id("version-select").select_option("1")
    expect(page.get_by_test_id("approval-attachments")).to_have_count(0)

    assert http.delete(f"/api/files/{brief['id']}", headers=bearer("ops@agency.test")).status_code == 200
    page.reload()
    removed = page.locator('[data-testid="attachment"][data-removed="true"]')
    expect(removed).to_have_count(1)
    expect(removed).to_contain_text("Brief.pdf")
    expect(removed).to_contain_text("Removed")
    expect(removed.get_by_test_id("attachment-download")).to_have_count(0)


def test_staff_attach_a_file_when_submitting_an_approval(page: Page, drive: Any, http: httpx.Client) -> None:
    upload(http, bearer("ops@agency.test"), "Moodboard.png", png(), orgId="acme", projectId="acme-rebrand")
    upload(http, bearer("ops@agency.test"), "Site copy.pdf", pdf("Copy"), orgId="acme", projectId="acme-website-copy")
    sign_in(page, "ops@agency.test")
    page.goto("/approvals")
    page.get_by_test_id("approval-new").click()
    form = page.get_by_test_id("approval-new-form")
    if form.get_by_test_id("approval-new-org").count():  # no client chosen in the switcher
        expect(form.get_by_test_id("attach-picker")).to_contain_text("Choose a client first")
        form.get_by_test_id("approval-new-org").select_option("acme")
    form.get_by_test_id("approval-new-project").select_option("acme-rebrand")
    form.get_by_test_id("approval-new-title").fill("Moodboard")
    form.get_by_test_id("attach-browse").click()
    options = form.get_by_test_id("attach-option")
    expect(options).to_have_count(1)  # the other project's file is not offered
    options.filter(has_text="Moodboard.png").locator("input").check()
    check_a11y(page, "the new approval form with a file attached")
    form.get_by_test_id("approval-new-submit").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Moodboard")
    expect(page.get_by_test_id("approval-attachments").get_by_test_id("attachment")).to_have_count(1)
