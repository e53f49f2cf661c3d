"""Error tracking sends defects to a Sentry-compatible endpoint (here a local stand-in
that keeps the envelopes) and nothing personal; without a DSN it sends nothing."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from portal import monitoring


class _Sentry(BaseHTTPRequestHandler):
    envelopes: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk prefers brotli when the package is installed
            import brotli  # type: ignore[import-not-found,unused-ignore]

            body = brotli.decompress(body)
        type(self).envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def sentry(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    _Sentry.envelopes = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sentry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("SENTRY_DSN", f"http://publickey@127.0.0.1:{server.server_address[1]}/42")
    monitoring.reset()
    yield _Sentry.envelopes
    monitoring.reset()
    server.shutdown()


def _events(envelopes: list[bytes]) -> list[dict[str, Any]]:
    found = []
    for envelope in envelopes:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def _fail(secret_value: str) -> None:
    password = secret_value  # a local variable that must not be sent
    raise KeyError(f"no account for dana@client.example ({password})")


def test_a_defect_reaches_sentry_without_personal_data(sentry: list[bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_RELEASE", "3f2a9c1")
    try:
        _fail("hunter2")
    except KeyError as exc:
        monitoring.capture(exc, function="project_detail", requestId="req-123")
    events = _events(sentry)
    assert len(events) == 1
    event = events[0]
    raw = json.dumps(event)
    assert event["exception"]["values"][0]["type"] == "KeyError"
    assert event["release"] == "3f2a9c1"  # the commit being served
    assert event["tags"]["function"] == "project_detail" and event["tags"]["requestId"] == "req-123"
    assert any(f["function"] == "_fail" for f in event["exception"]["values"][0]["stacktrace"]["frames"])
    for personal in ("dana@client.example", "hunter2", "password"):
        assert personal not in raw
    assert "request" not in event and "user" not in event


def test_reported_functions_report_defects_but_not_retries(sentry: list[bytes]) -> None:
    @monitoring.reported
    def trigger() -> None:
        raise ValueError("boom")

    @monitoring.reported
    def task() -> None:
        raise monitoring.Retrying("try again later")

    with pytest.raises(ValueError):
        trigger()
    with pytest.raises(monitoring.Retrying):
        task()
    events = _events(sentry)
    assert [e["tags"]["function"] for e in events] == ["trigger"]


def test_a_retry_is_a_503_to_the_task_queue_without_an_error_line(caplog: pytest.LogCaptureFixture) -> None:
    import flask
    from firebase_functions import tasks_fn

    @tasks_fn.on_task_dispatched()
    @monitoring.reported
    def task(req: tasks_fn.CallableRequest) -> None:
        raise monitoring.Retrying("not due yet")

    body = {"data": {}}
    with flask.Flask(__name__).test_request_context("/", method="POST", json=body):
        response = task(flask.request)
    assert response.status_code == 503
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_without_a_dsn_nothing_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    monitoring.reset()
    assert monitoring.enabled() is False
    monitoring.capture(RuntimeError("x"))  # no error, no network
