"""Log lines as Cloud Logging and Error Reporting read them: the time in RFC 3339, the
release, a request's trace, and on an error the event type and the traceback."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import flask
import pytest

from portal import logs
from portal.api import web

TRACE_ID = "105445aa7843bc8bf206b12000100000"


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            {"X-Cloud-Trace-Context": f"{TRACE_ID}/1;o=1"},
            {logs.TRACE: f"projects/p1/traces/{TRACE_ID}", logs.SPAN: "0000000000000001", logs.SAMPLED: True},
        ),
        ({"X-Cloud-Trace-Context": TRACE_ID}, {logs.TRACE: f"projects/p1/traces/{TRACE_ID}"}),
        (
            {"X-Cloud-Trace-Context": f"{TRACE_ID}/18446744073709551615;o=0"},
            {logs.TRACE: f"projects/p1/traces/{TRACE_ID}", logs.SPAN: "ffffffffffffffff", logs.SAMPLED: False},
        ),
        (
            {"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"},
            {logs.TRACE: f"projects/p1/traces/{TRACE_ID}", logs.SPAN: "00f067aa0ba902b7", logs.SAMPLED: True},
        ),
        (  # both: the W3C header first, as Google's own logging library reads them
            {"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-00", "X-Cloud-Trace-Context": f"{'a' * 32}/5"},
            {logs.TRACE: f"projects/p1/traces/{TRACE_ID}", logs.SPAN: "00f067aa0ba902b7", logs.SAMPLED: False},
        ),
        (  # a traceparent that is not one: the other header
            {"traceparent": f"ff-{TRACE_ID}-00f067aa0ba902b7-01", "X-Cloud-Trace-Context": f"{'a' * 32}/5"},
            {logs.TRACE: f"projects/p1/traces/{'a' * 32}", logs.SPAN: "0000000000000005"},
        ),
        ({"X-Cloud-Trace-Context": "not a trace"}, {}),
        ({"X-Cloud-Trace-Context": f"{'0' * 32}/1"}, {}),
        ({"X-Cloud-Trace-Context": f"{TRACE_ID}/99999999999999999999"}, {logs.TRACE: f"projects/p1/traces/{TRACE_ID}"}),
        ({"traceparent": f"00-{'0' * 32}-00f067aa0ba902b7-01"}, {}),
        ({"traceparent": "00-\u00e9" + "x" * 60}, {}),
        ({}, {}),
    ],
)
def test_trace_fields_from_either_header(headers: dict[str, str], expected: dict[str, Any]) -> None:
    assert logs.trace_fields(headers, "p1") == expected


def test_no_trace_without_a_project() -> None:
    assert logs.trace_fields({"X-Cloud-Trace-Context": f"{TRACE_ID}/1"}, "") == {}


def test_every_line_has_an_rfc3339_time_and_the_release(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_RELEASE", "3f2a9c1")
    logs.reset()
    logs.info("hello")
    line = _lines(capsys)[0]
    assert line["release"] == "3f2a9c1"
    assert line["time"].endswith("Z") and "." in line["time"]
    assert dt.datetime.fromisoformat(line["time"]).tzinfo is not None
    assert "@type" not in line and "serviceContext" not in line
    monkeypatch.delenv("PORTAL_RELEASE")
    logs.info("hello")
    assert _lines(capsys)[0]["release"] == "dev"


def test_an_error_is_an_error_event_with_its_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_RELEASE", "3f2a9c1")
    logs.reset()
    logs.bind(function="projects_list")
    try:
        {}["missing"]
    except KeyError as exc:
        logs.error("unhandled error", exc=exc)
    logs.error("delivery given up", error="410 Gone")
    with_stack, without = _lines(capsys)
    assert with_stack["stack_trace"].startswith("Traceback (most recent call last):")
    assert "KeyError: 'missing'" in with_stack["stack_trace"] and with_stack["error"] == "KeyError('missing')"
    for line in (with_stack, without):
        assert line["@type"] == logs.ERROR_EVENT
        assert line["serviceContext"] == {"service": "projects_list", "version": "3f2a9c1"}
    assert "stack_trace" not in without


app = flask.Flask(__name__)
ROUTE = web.Route(
    "things", "/api/things", "test", (web.Operation("GET", lambda ctx: {"ok": True}, "get", public=True),)
)


def test_each_line_of_a_request_carries_its_trace(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GCLOUD_PROJECT", "portal-prod")
    from portal import config

    config.project_id.cache_clear()
    try:
        headers = {"X-Cloud-Trace-Context": f"{TRACE_ID}/7;o=1"}
        with app.test_request_context("/api/things", headers=headers):
            assert ROUTE.serve(flask.request).status_code == 200
    finally:
        config.project_id.cache_clear()
    line = next(x for x in _lines(capsys) if x["message"] == "request")
    assert line[logs.TRACE] == f"projects/portal-prod/traces/{TRACE_ID}"
    assert line[logs.SPAN] == "0000000000000007" and line[logs.SAMPLED] is True
    with app.test_request_context("/api/things"):
        ROUTE.serve(flask.request)
    assert logs.TRACE not in next(x for x in _lines(capsys) if x["message"] == "request")  # not another's
