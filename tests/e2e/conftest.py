"""Browser tests: Debian's Chromium driven by Playwright against the Hosting emulator."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.axe import check_a11y, checked_already
from env import PORTAL

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / ".cache" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as a page may take to settle while two cores also run the
    # emulators and the functions (Playwright's own default, 5 s, is for a quiet machine).
    expect.set_options(timeout=10_000)
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail("Chromium is not installed (make test installs Debian's chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(base_url=PORTAL, viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(20_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.passed:  # what a failed test ended on, to look at afterwards
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    # The state every test ends on passes axe-core too, at desktop and phone width
    # (tests/e2e/axe.py), unless the test checked that very state last; a test that failed
    # already is not checked again.
    try:
        if report is not None and report.passed and page.url.startswith(PORTAL) and not checked_already(page):
            check_a11y(page, f"the last page of {request.node.name} ({page.url})")
    finally:
        context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Each phase's report on the test item (``rep_call``), for the fixtures' teardown."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
