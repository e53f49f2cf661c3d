"""Messages in a real browser, against the real functions: a client owner and ops exchange
messages in two browsers; ops adds an internal note, clearly marked, that the client
never sees; the inbox shows unread threads."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from api.test_files import upload
from e2e.axe import check_a11y
from e2e.test_shell import sign_in
from env import PORTAL
from helpers import bearer
from playwright.sync_api import Page, expect

from portal.files.demo import pdf

pytestmark = pytest.mark.usefixtures("world")
LOAD = 20_000
"""How long an inbox load may take under the emulators (a new function worker imports first)."""


def test_client_and_ops_exchange_messages_and_the_note_stays_internal(page: Page, browser: object) -> None:
    sign_in(page, "owner@acme.test")
    page.get_by_test_id("nav-messages").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Messages")
    page.get_by_test_id("thread-new").click()
    check_a11y(page, "the new thread form")
    page.get_by_test_id("thread-new-subject").fill("Launch date")
    page.get_by_test_id("thread-new-body").fill("When does the site go live?")
    page.get_by_test_id("thread-new-submit").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Launch date", timeout=LOAD)
    expect(page.get_by_test_id("message-body")).to_have_text(["When does the site go live?"])
    expect(page.get_by_test_id("composer-internal")).to_have_count(0)
    thread_url = page.url

    ops_context = browser.new_context(base_url=PORTAL, viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    ops = ops_context.new_page()
    ops.set_default_timeout(20_000)
    try:
        sign_in(ops, "ops@agency.test")
        ops.goto("/messages")
        row = ops.get_by_test_id("thread-row").filter(has_text="Launch date")
        expect(row).to_have_attribute("data-unread", "1", timeout=LOAD)
        check_a11y(ops, "the staff inbox")
        row.get_by_role("link").click()
        ops.get_by_test_id("composer-internal").check()
        ops.get_by_test_id("composer-body").fill("Internal: launch slips if copy is late.")
        ops.get_by_test_id("composer-send").click()
        expect(ops.get_by_test_id("note")).to_contain_text("Internal note · staff only")
        ops.get_by_test_id("composer-internal").uncheck()
        ops.get_by_test_id("composer-body").fill("Next Tuesday at 10:00.")
        ops.get_by_test_id("composer-send").click()
        expect(ops.get_by_test_id("message-body")).to_have_text(
            ["When does the site go live?", "Next Tuesday at 10:00."]
        )
        check_a11y(ops, "a thread with an internal note, for staff")
    finally:
        ops_context.close()

    # The client's thread stayed open: the reply appeared there without a reload (live) and
    # so counts as read; the note never did.
    expect(page.get_by_test_id("message-body")).to_have_text(
        ["When does the site go live?", "Next Tuesday at 10:00."], timeout=LOAD
    )
    page.goto("/messages")
    expect(page.get_by_test_id("thread-row").filter(has_text="Launch date")).to_have_attribute(
        "data-unread", "0", timeout=LOAD
    )
    page.goto(thread_url.replace(PORTAL, ""))
    expect(page.get_by_test_id("message-body")).to_have_text(["When does the site go live?", "Next Tuesday at 10:00."])
    expect(page.get_by_test_id("note")).to_have_count(0)
    assert "launch slips" not in page.content()
    # The author edits their own message within 15 minutes; an "edited" trace shows.
    page.get_by_test_id("message").first.get_by_test_id("message-edit").click()
    page.locator("textarea[id^=edit-]").fill("When does the new site go live?")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("message-edited")).to_have_count(1)
    page.goto("/messages")
    expect(page.get_by_test_id("thread-row").filter(has_text="Launch date")).to_have_attribute(
        "data-unread", "0", timeout=LOAD
    )


@pytest.fixture
def drive(drive_standin: Any) -> Any:
    with drive_standin.lock:
        for item_id in [i for i in drive_standin.items if i != "root"]:
            drive_standin.items[item_id].trashed = True
    return drive_standin


def test_a_message_carries_portal_files_through_the_shared_picker(page: Page, drive: Any, http: httpx.Client) -> None:
    upload(http, bearer("ops@agency.test"), "Brief.pdf", pdf("Brief"), orgId="acme")
    r = http.post("/api/messages", json={"subject": "Files", "body": "Here?"}, headers=bearer("owner@acme.test"))
    assert r.status_code == 201, r.text
    thread_id = r.json()["thread"]["id"]
    sign_in(page, "owner@acme.test")
    page.goto(f"/messages/{thread_id}")
    picker = page.get_by_test_id("attach-picker")
    picker.get_by_test_id("attach-browse").click()
    option = picker.get_by_test_id("attach-option").filter(has_text="Brief.pdf")
    option.locator("input").check()
    expect(picker.get_by_test_id("attach-chosen-item")).to_have_count(1)
    check_a11y(page, "the composer with a portal file chosen")
    page.get_by_test_id("composer-body").fill("The brief, attached.")
    page.get_by_test_id("composer-send").click()
    shown = page.get_by_test_id("message-attachments")
    expect(shown.get_by_test_id("attachment-name")).to_have_text(["Brief.pdf"])
    expect(picker.get_by_test_id("attach-chosen-item")).to_have_count(0)
    page.set_viewport_size({"width": 390, "height": 844})
    check_a11y(page, "a thread with an attachment at phone width")


def test_messages_and_the_unread_badge_arrive_without_a_reload(page: Page, browser: object, http: httpx.Client) -> None:
    r = http.post("/api/messages", json={"subject": "Live thread", "body": "First"}, headers=bearer("owner@acme.test"))
    assert r.status_code == 201, r.text
    thread = f"/messages/{r.json()['thread']['id']}"
    sign_in(page, "owner@acme.test")
    page.goto(thread)
    expect(page.get_by_test_id("message-body")).to_have_text(["First"], timeout=LOAD)

    ops_context = browser.new_context(base_url=PORTAL, viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    ops = ops_context.new_page()
    try:
        sign_in(ops, "ops@agency.test")
        ops.goto(thread)
        expect(ops.get_by_test_id("message-body")).to_have_text(["First"], timeout=LOAD)
        # The client writes; the open page of ops shows it without a reload, and back.
        page.get_by_test_id("composer-body").fill("Second")
        page.get_by_test_id("composer-send").click()
        expect(ops.get_by_test_id("message-body")).to_have_text(["First", "Second"], timeout=LOAD)
        ops.get_by_test_id("composer-body").fill("Third")
        ops.get_by_test_id("composer-send").click()
        expect(page.get_by_test_id("message-body")).to_have_text(["First", "Second", "Third"], timeout=LOAD)
        # Away from the thread, the client's navigation counts the thread as unread when ops
        # writes again, without a reload; reading it clears the badge.
        page.get_by_test_id("nav-dashboard").click()
        expect(page.get_by_test_id("nav-messages-unread")).to_have_count(0, timeout=LOAD)
        ops.get_by_test_id("composer-body").fill("Fourth")
        ops.get_by_test_id("composer-send").click()
        expect(page.get_by_test_id("nav-messages-unread")).to_contain_text("1", timeout=LOAD)
        check_a11y(page, "the navigation with an unread badge")
        page.get_by_test_id("nav-messages").click()
        page.get_by_test_id("thread-row").filter(has_text="Live thread").get_by_role("link").click()
        expect(page.get_by_test_id("message-body")).to_have_count(4, timeout=LOAD)
        expect(page.get_by_test_id("nav-messages-unread")).to_have_count(0, timeout=LOAD)
    finally:
        ops_context.close()


def test_an_open_thread_is_marked_read_once_and_then_stays_quiet(page: Page, http: httpx.Client) -> None:
    # Marking a thread read moves the reader's own live signal, which refetches the thread;
    # that refetch must not mark it read again (which would loop for as long as it is open).
    r = http.post("/api/messages", json={"subject": "Quiet thread", "body": "Hello", "orgId": "acme"},
                  headers=bearer("ops@agency.test"))  # fmt: skip
    assert r.status_code == 201, r.text
    thread_id = r.json()["thread"]["id"]
    requests: list[str] = []
    page.on("request", lambda req: requests.append(f"{req.method} {req.url}"))
    sign_in(page, "owner@acme.test")
    page.goto(f"/messages/{thread_id}")
    expect(page.get_by_test_id("message-body")).to_have_text(["Hello"], timeout=LOAD)
    expect(page.get_by_test_id("nav-messages-unread")).to_have_count(0, timeout=LOAD)
    page.wait_for_timeout(4000)
    reads = [x for x in requests if x.startswith("POST") and x.endswith(f"/api/messages/{thread_id}/read")]
    fetches = [x for x in requests if x.startswith("GET") and f"/api/messages/{thread_id}?" in x]
    assert len(reads) == 1, reads
    assert len(fetches) <= 3, fetches
