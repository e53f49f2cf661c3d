"""The assistant's panel in a real browser: a button in the header of every page opens
it; OpenAI's script is asked for only then, from the panel's own document; offline (here)
the panel says the assistant is unavailable and offers Messages, clean for axe at desktop
and phone width, and it works from the keyboard (Escape closes it, the focus goes back)."""

from __future__ import annotations

import pytest
from e2e.axe import check_a11y
from e2e.test_pages import shoot
from e2e.test_shell import sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.usefixtures("world")

CDN = "cdn.platform.openai.com"


def test_the_panel_degrades_to_a_clear_unavailable_state(page: Page) -> None:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if CDN in request.url else None)
    sign_in(page, "owner@acme.test")
    for path in ("/", "/projects", "/approvals", "/messages"):
        page.goto(path)
        expect(page.get_by_test_id("assistant-open")).to_be_visible()
    expect(page.get_by_test_id("assistant-panel")).to_have_count(0)  # nothing of it until it is opened
    page.wait_for_timeout(300)
    assert asked == []

    opener = page.get_by_test_id("assistant-open")
    opener.focus()
    page.keyboard.press("Enter")
    panel = page.get_by_test_id("assistant-panel")
    expect(panel).to_be_visible()
    expect(opener).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#assistant-title")).to_be_focused()
    unavailable = page.get_by_test_id("assistant-unavailable")
    expect(unavailable).to_be_visible(timeout=30_000)
    expect(unavailable).to_contain_text("Assistant unavailable")
    expect(unavailable.get_by_role("link", name="Message the team")).to_have_attribute("href", "/messages")
    expect(page.get_by_test_id("assistant-frame")).to_be_hidden()
    # The panel's document loaded, reached the portal and tried OpenAI's script, which could not load.
    expect(panel).to_have_attribute("data-cause", "script")
    shoot(page, "assistant-unavailable")

    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(opener).to_be_focused()
    expect(opener).to_have_attribute("aria-expanded", "false")
    opener.click()  # opened again: the same state, without loading anything anew
    expect(unavailable).to_be_visible()
    page.get_by_test_id("assistant-close").click()
    expect(panel).to_be_hidden()


def test_the_panel_fills_a_phone_screen_and_staff_have_it_too(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "ops@agency.test")
    page.get_by_test_id("assistant-open").click()
    panel = page.get_by_test_id("assistant-panel")
    expect(page.get_by_test_id("assistant-unavailable")).to_be_visible(timeout=30_000)
    box = panel.bounding_box()
    assert box is not None and box["width"] >= 389 and box["x"] <= 1
    check_a11y(page, "assistant-phone", widths=("phone",))


def test_the_frame_has_no_origin_of_the_portals_and_reaches_the_assistant_api_only(page: Page) -> None:
    """OpenAI's script runs sandboxed: no portal page, cookie or CSRF token within reach; what
    it asks of the API goes through the panel, which relays /api/chatkit and nothing else."""
    sign_in(page, "owner@acme.test")
    page.get_by_test_id("assistant-open").click()
    expect(page.get_by_test_id("assistant-unavailable")).to_be_visible(timeout=30_000)
    sandbox = page.get_by_test_id("assistant-frame").get_attribute("sandbox") or ""
    assert "allow-scripts" in sandbox and "allow-same-origin" not in sandbox
    frame = next(f for f in page.frames if "/embed/assistant" in f.url)
    reach = "() => { try { return String(window.parent.document.title) } catch (e) { return 'blocked' } }"
    assert frame.evaluate(reach) == "blocked"
    assert frame.evaluate("() => { try { return document.cookie } catch (e) { return 'blocked' } }") == "blocked"
    ask = """(path) => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (e) => resolve(e.data.type === 'head' ? e.data.status : e.data.message);
        const parent = new URLSearchParams(location.hash.slice(1)).get('parent');
        window.parent.postMessage({ source: 'portal-assistant', type: 'fetch', url: path, method: 'GET', headers: [] },
                                  parent, [channel.port2]);
    })"""
    assert frame.evaluate(ask, "/api/auth/session") == "This request is not relayed."
    assert frame.evaluate(ask, "/api/members") == "This request is not relayed."
    assert frame.evaluate(ask, "/api/chatkit") in (200, 503)  # relayed, with the session
