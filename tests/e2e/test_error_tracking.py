"""Browser errors reach error tracking when the portal has a browser DSN, and nothing
personal goes with them: a stand-in for Sentry's ingest (a small HTTP server on 127.0.0.1,
the port the emulators' Content-Security-Policy allows: scripts/emulator_config.py) receives
the envelopes. ``SENTRY_BROWSER_DSN`` and ``PORTAL_RELEASE`` are set for this browser only:
the emulated functions read their settings once at start, so ``GET /api/auth/config`` is
answered here, in-process, by the same route."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import flask
import pytest
from e2e.axe import check_a11y
from e2e.test_shell import sign_in
from env import PORTAL, PROJECT
from playwright.sync_api import Browser, Page, Route, expect

pytestmark = pytest.mark.usefixtures("world")

ROOT = Path(__file__).resolve().parents[2]
INGEST_PORT = 9916  # scripts/emulator_config.py: ERROR_INGEST_PORT
RELEASE = "2026.12.07-e2e"
# All an event may hold: no request, user, breadcrumbs, contexts, tags or extra.
EVENT_KEYS = {"event_id", "timestamp", "platform", "level", "release", "environment", "sdk", "exception"}

# Served as /boom.js?token=...: a script of the portal's origin that fails in three ways.
BOOM = """
function leakyName() { throw new TypeError('secret message about owner@acme.test'); }
setTimeout(leakyName, 0);
setTimeout(leakyName, 0);
Promise.reject(new RangeError('secret rejection'));
"""
# Thrown once the earlier reports are in: what the earlier errors would have sent came first.
MARKER = "throw new EvalError('secret marker');"
# Ten errors, each with a stack of its own (one frame deeper each time).
MANY = """
function deep(n) { if (n > 0) return deep(n - 1); throw new SyntaxError('secret ' + n); }
for (let i = 0; i < 10; i++) setTimeout(() => deep(i), 0);
"""


class _Ingest(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def do_OPTIONS(self) -> None:  # recorded: a preflight must not happen
        self.received.append({"method": "OPTIONS", "path": self.path, "headers": dict(self.headers), "body": ""})
        self._answer(204)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self.received.append({"method": "POST", "path": self.path, "headers": dict(self.headers), "body": body})
        self._answer(200)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def ingest() -> Iterator[list[dict[str, Any]]]:
    _Ingest.received = []
    server = ThreadingHTTPServer(("127.0.0.1", INGEST_PORT), _Ingest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield _Ingest.received
    server.shutdown()
    server.server_close()


def _serve_config_in_process(page: Page) -> list[dict]:
    """``GET /api/auth/config`` answered by the portal's own route with this process's settings."""
    from portal.auth import routes

    app = flask.Flask(__name__)
    answers: list[dict] = []

    def config(route: Route) -> None:
        headers = {k: v for k, v in route.request.headers.items() if not k.startswith(":")}
        with app.test_request_context(
            "/api/auth/config", base_url=PORTAL, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}
        ):
            response = routes.auth_config.serve(flask.request)
        answers.append(json.loads(response.get_data()))
        route.fulfill(status=response.status_code, headers=dict(response.headers), body=response.get_data())

    page.route(f"{PORTAL}/api/auth/config", config)
    return answers


def _script(body: str) -> Any:
    return lambda route: route.fulfill(content_type="text/javascript", body=body)


def _scripts(page: Page, **scripts: str) -> None:
    """Serve /<name>.js (with any query) as the portal's own script; count the reports sent."""
    for name, body in scripts.items():
        page.route(f"{PORTAL}/{name}.js*", _script(body))
    page.add_init_script(COUNT_REPORTS)


# Counts the reports the page asks fetch() to send, as they are asked for.
COUNT_REPORTS = """
window.reportsSent = 0;
const original = window.fetch;
window.fetch = function (input, init) {
  if (String(input).includes('/envelope/')) window.reportsSent += 1;
  return original.call(this, input, init);
};
"""


def _wait_for(page: Page, received: list[dict[str, Any]], count: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while len(received) < count and time.monotonic() < deadline:
        page.wait_for_timeout(100)


def _events(received: list[dict[str, Any]]) -> list[dict[str, Any]]:
    events = []
    for request in received:
        header, item, event = (json.loads(line) for line in request["body"].split("\n"))
        assert item == {"type": "event"} and header["event_id"] == event["event_id"]
        events.append(event)
    return events


@pytest.fixture
def context(browser: Browser) -> Iterator[Any]:
    """A browser of its own: these pages fail on purpose (the `page` fixture refuses that)."""
    context = browser.new_context(base_url=PORTAL, viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def test_an_uncaught_error_is_reported_with_its_type_and_stack_only(
    context: Any, ingest: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SENTRY_BROWSER_DSN", f"http://publickey@127.0.0.1:{INGEST_PORT}/42")
    monkeypatch.setenv("PORTAL_RELEASE", RELEASE)
    page = context.new_page()
    failures: list[str] = []
    page.on("pageerror", lambda exc: failures.append(str(exc)))
    answers = _serve_config_in_process(page)
    _scripts(page, boom=BOOM, marker=MARKER)
    sign_in(page, "owner@acme.test")
    page.goto("/projects?q=secret-query#secret-fragment")
    expect(page.get_by_test_id("project-card").first).to_be_visible()

    page.add_script_tag(url="/boom.js?token=secret-token#secret-fragment")
    expect(page.get_by_test_id("error-message").first).to_be_visible()  # the banner says something went wrong
    _wait_for(page, ingest, 2)
    page.add_script_tag(url="/marker.js")  # had the repeated error been sent, it would have been before this
    _wait_for(page, ingest, 3)
    assert page.evaluate("window.reportsSent") == 3

    assert answers and answers[0]["errorTracking"] == {
        "dsn": f"http://publickey@127.0.0.1:{INGEST_PORT}/42",
        "release": RELEASE,
        "environment": PROJECT,
    }
    assert [r["method"] for r in ingest] == ["POST"] * 3, ingest  # no preflight; the repeat is not sent
    for request in ingest:
        url = urlparse(request["path"])
        assert url.path == "/api/42/envelope/"
        assert parse_qs(url.query) == {"sentry_key": ["publickey"], "sentry_version": ["7"]}
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert "cookie" not in headers
        assert headers.get("referer", PORTAL + "/") == PORTAL + "/"  # the origin at most, never the page
        for secret in ("secret", "owner@acme.test", "token", "fragment", "?", "#"):
            assert secret not in request["body"], (secret, request["body"])
    events = {e["exception"]["values"][0]["type"]: e for e in _events(ingest)}
    assert sorted(events) == ["EvalError", "RangeError", "TypeError"] and len(ingest) == 3
    for event in events.values():
        assert event["release"] == RELEASE and event["environment"] == PROJECT
        assert event["platform"] == "javascript" and len(event["event_id"]) == 32
        assert set(event) <= EVENT_KEYS
        (exception,) = event["exception"]["values"]
        assert exception["value"] == ""
    frames = events["TypeError"]["exception"]["values"][0]["stacktrace"]["frames"]
    assert frames[-1]["function"] == "leakyName" and frames[-1]["filename"] == f"{PORTAL}/boom.js"
    assert isinstance(frames[-1]["lineno"], int) and isinstance(frames[-1]["colno"], int)
    assert events["TypeError"]["exception"]["values"][0]["mechanism"]["type"] == "onerror"
    assert events["RangeError"]["exception"]["values"][0]["mechanism"]["type"] == "onunhandledrejection"
    assert any("secret" in f for f in failures)  # the page did fail, as it was told to
    check_a11y(page, "the banner after an uncaught error")


def test_reports_are_few_per_page_load(
    context: Any, ingest: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SENTRY_BROWSER_DSN", f"http://publickey@127.0.0.1:{INGEST_PORT}/42")
    page = context.new_page()
    _serve_config_in_process(page)
    _scripts(page, many=MANY, marker=MARKER)
    page.goto("/login")
    expect(page.get_by_test_id("login-email")).to_be_visible()
    page.add_script_tag(url="/many.js")
    _wait_for(page, ingest, 5)
    page.add_script_tag(url="/marker.js")  # a new error, once the ten have been dealt with
    assert page.evaluate("window.reportsSent") == 5  # (its report would have been asked for at once)
    events = _events(ingest)
    assert len(events) == 5, len(events)  # ten different errors, five reports
    assert {e["release"] for e in events} == {"dev"}  # PORTAL_RELEASE unset
    check_a11y(page, "the sign-in page with the error banner")


def test_without_a_dsn_the_reporter_never_loads(context: Any, ingest: list[dict[str, Any]]) -> None:
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    _scripts(page, boom=BOOM)
    page.goto("/login")
    expect(page.get_by_test_id("login-email")).to_be_visible()
    page.wait_for_load_state("networkidle")
    requests.clear()
    with page.expect_response(f"{PORTAL}/api/auth/config"):
        page.add_script_tag(url="/boom.js")
    expect(page.get_by_test_id("error-message").first).to_be_visible()
    page.evaluate("() => new Promise((done) => setTimeout(done, 0))")  # what follows the answer has run
    assert page.evaluate("window.reportsSent") == 0
    assert sum("/api/auth/config" in u for u in requests) == 1  # asked once, on the first error
    check_a11y(page, "the sign-in page with the error banner")
    assert not any("error-report" in u for u in requests)
    assert ingest == []
    assert any(p.name.startswith("error-report-") for p in (ROOT / "hosting" / "dist" / "assets").iterdir())
