"""The files page in a real browser, against the real functions and the Drive stand-in: a
client uploads several files (a progress bar each) and downloads one byte-identical; a
spoofed type is refused with a message; another client never sees them; staff move."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2e.test_pages import shoot
from e2e.test_shell import sign_in
from playwright.sync_api import Page, expect

from portal.files.demo import pdf, png

pytestmark = pytest.mark.usefixtures("world")
QUANTUM = 256 * 1024


@pytest.fixture
def drive(drive_standin: Any) -> Any:
    with drive_standin.lock:
        for item_id in [i for i in drive_standin.items if i != "root"]:
            drive_standin.items[item_id].trashed = True
    return drive_standin


def test_a_client_uploads_with_progress_and_downloads_byte_identical(page: Page, drive: Any, tmp_path: Path) -> None:
    big = png() + bytes(range(256)) * (3 * QUANTUM // 256)  # several chunks' worth of requests
    (tmp_path / "Moodboard.png").write_bytes(big)
    (tmp_path / "Brief.pdf").write_bytes(pdf("Brief"))
    sign_in(page, "owner@acme.test")
    page.goto("/files")
    expect(page.get_by_test_id("page-title")).to_have_text("Files")
    expect(page.get_by_test_id("folder-project").first).to_be_visible()
    page.get_by_test_id("folder-project").filter(has_text="Brand refresh").click()
    page.get_by_test_id("file-input").set_input_files([str(tmp_path / "Moodboard.png"), str(tmp_path / "Brief.pdf")])
    expect(page.get_by_test_id("upload-progress")).to_have_count(2)
    expect(page.locator('[data-testid="upload-item"][data-state="done"]')).to_have_count(2, timeout=30_000)
    expect(page.get_by_test_id("upload-progress").first).to_have_attribute("aria-valuenow", "100")
    rows = page.get_by_test_id("file-row")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("files-table")).to_contain_text("owner@acme.test")
    row = rows.filter(has_text="Moodboard.png")
    expect(row.locator("img.file-thumb")).to_be_visible()
    with page.expect_download() as info:
        row.get_by_test_id("file-download").click()
    download = info.value
    assert download.suggested_filename == "Moodboard.png"
    assert Path(download.path()).read_bytes() == big
    row.get_by_test_id("file-preview-button").click()
    expect(page.get_by_test_id("preview-image")).to_be_visible()
    loaded = page.get_by_test_id("preview-image").evaluate("img => img.complete && img.naturalWidth > 0")
    assert loaded
    shoot(page, "files")


def test_a_spoofed_type_is_refused_with_a_message(page: Page, drive: Any, tmp_path: Path) -> None:
    (tmp_path / "holiday.png").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 5000)
    sign_in(page, "member@acme.test")
    page.goto("/files")
    page.get_by_test_id("file-input").set_input_files(str(tmp_path / "holiday.png"))
    error = page.get_by_test_id("upload-error")
    expect(error).to_be_visible(timeout=20_000)
    expect(error).to_contain_text("not an allowed type")
    expect(page.get_by_test_id("file-row")).to_have_count(0)
    assert [
        i for i in drive.items.values() if not i.trashed and i.mime_type != "application/vnd.google-apps.folder"
    ] == []


def test_another_client_never_sees_them_and_staff_move_them(page: Page, drive: Any, tmp_path: Path, http) -> None:
    from api.test_files import upload
    from helpers import bearer

    upload(http, bearer("owner@acme.test"), "Acme secret plan.pdf", pdf("secret"), projectId="acme-rebrand")
    sign_in(page, "owner@globex.test")
    page.goto("/files")
    expect(page.get_by_test_id("folders")).not_to_contain_text("Brand refresh")
    expect(page.get_by_test_id("file-dropzone")).to_be_visible()
    expect(page.get_by_text("No files here yet")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Acme secret plan")
    page.context.clear_cookies()
    sign_in(page, "ops@agency.test")
    page.goto("/projects/acme-rebrand")
    page.get_by_test_id("project-files-link").click()
    row = page.get_by_test_id("file-row").filter(has_text="Acme secret plan.pdf")
    expect(row).to_be_visible()
    row.get_by_test_id("file-move").select_option("acme-website-copy")
    expect(page.get_by_test_id("file-row")).to_have_count(0)
    page.get_by_test_id("folder-project").filter(has_text="Website copy").click()
    expect(page.get_by_test_id("file-row").filter(has_text="Acme secret plan.pdf")).to_be_visible()
    expect(row.get_by_test_id("file-delete")).to_be_visible()
