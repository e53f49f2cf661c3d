"""A release replaces the page chunks that an open tab's document still names: a page whose
code is gone (404) reloads the document once, which then names the new chunks, and renders;
a page whose code cannot load at all shows its error, without reloading again and again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from e2e.axe import check_a11y
from e2e.test_shell import sign_in
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.usefixtures("world")

BILLING_CHUNK = "**/assets/billing-*.js"


def _gone(route: Route) -> None:
    route.fulfill(status=404, content_type="text/html", body="<!doctype html><title>Not found</title>")


def _gone_once(failed: list[str]) -> Callable[[Route], None]:
    """A route handler: the first request is answered as gone (and listed in ``failed``), the
    others reach the server."""

    def once(route: Route) -> None:
        if failed:
            route.continue_()
        else:
            failed.append(route.request.url)
            _gone(route)

    return once


def _count_loads(page: Page) -> list[str]:
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    return loads


def test_a_page_whose_code_vanished_reloads_once_and_renders(page: Page) -> None:
    sign_in(page, "owner@acme.test")
    expect(page.get_by_test_id("loading")).to_have_count(0)
    failed: list[str] = []
    once = _gone_once(failed)
    page.route(BILLING_CHUNK, once)
    loads = _count_loads(page)
    page.evaluate("window.beforeTheRelease = true")
    page.get_by_test_id("nav-billing").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Billing")
    expect(page.get_by_test_id("loading")).to_have_count(0)
    assert len(failed) == 1 and page.url.endswith("/billing")
    assert len(loads) == 1 and page.evaluate("window.beforeTheRelease") is None  # a new document
    # The reload is remembered for this document's release (its entry script).
    assert "/assets/index-" in page.evaluate("sessionStorage.getItem('portal.reloaded')")


def test_a_page_whose_code_never_loads_shows_its_error_after_one_reload(page: Page) -> None:
    sign_in(page, "owner@acme.test")
    expect(page.get_by_test_id("loading")).to_have_count(0)
    requests: list[str] = []
    page.route(BILLING_CHUNK, lambda route: (requests.append(route.request.url), _gone(route)))
    loads = _count_loads(page)
    page.get_by_test_id("nav-billing").click()
    expect(page.get_by_test_id("error-message")).to_be_visible()
    expect(page.get_by_test_id("page-title")).to_have_text("Billing")
    assert len(loads) == 1, loads  # the error shows instead of another reload, never after one
    assert 2 <= len(requests) <= 3, requests  # before and after the one reload (and the first page's early load)
    check_a11y(page, "a page whose code cannot load")


def test_the_sign_in_page_reloads_once_when_its_code_vanished(page: Page) -> None:
    failed: list[str] = []
    once = _gone_once(failed)
    page.route("**/assets/login-*.js", once)
    loads = _count_loads(page)
    page.goto("/login")
    expect(page.get_by_test_id("login-email")).to_be_visible()
    assert len(failed) == 1 and len(loads) == 2, loads  # the visit and the one reload
