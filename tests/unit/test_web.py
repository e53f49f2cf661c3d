"""The request pipeline, without the emulators: a Flask test request through a Route."""

from __future__ import annotations

import json

import flask
import pytest
from pydantic import BaseModel

from portal.api import web
from portal.api.web import Operation, Route
from portal.errors import Conflict

app = flask.Flask(__name__)


class Body(BaseModel):
    name: str


def _boom(ctx: web.Ctx) -> None:
    raise RuntimeError("secret internals")


def _conflict(ctx: web.Ctx) -> None:
    raise Conflict("Already done.")


ROUTE = Route(
    "things",
    "/api/things/{thingId}",
    "test",
    (
        Operation("GET", lambda ctx: {"id": ctx.params["thingId"]}, "get", public=True),
        Operation("POST", lambda ctx: {"name": ctx.body.name}, "post", body=Body, public=True, status=201),
        Operation("PUT", _boom, "boom", public=True),
        Operation("DELETE", _conflict, "conflict", public=True),
    ),
)


def call(method: str, path: str, **kwargs: object) -> tuple[int, dict, dict]:
    with app.test_request_context(path, method=method, **kwargs):  # type: ignore[arg-type]
        response = ROUTE.serve(flask.request)
        body = json.loads(response.get_data() or b"null")
        return response.status_code, body, dict(response.headers)


def test_happy_paths() -> None:
    assert call("GET", "/api/things/abc")[:2] == (200, {"id": "abc"})
    assert call("POST", "/api/things/abc", json={"name": "n"})[:2] == (201, {"name": "n"})


def test_a_defect_is_a_500_that_reveals_nothing() -> None:
    status, body, headers = call("PUT", "/api/things/abc", json={})
    assert status == 500
    assert "secret" not in json.dumps(body)
    assert body["error"]["requestId"] == headers["X-Request-Id"]


def test_portal_errors_keep_their_status() -> None:
    status, body, _ = call("DELETE", "/api/things/abc")
    assert (status, body["error"]["code"]) == (409, "conflict")


def test_validation_errors_name_the_field() -> None:
    status, body, _ = call("POST", "/api/things/abc", json={"name": 5})
    assert status == 400
    assert body["error"]["details"][0]["field"] == "name"


def test_unmatched_path_and_method() -> None:
    assert call("GET", "/api/things")[0] == 404
    assert call("PATCH", "/api/things/abc")[0] == 405


def test_body_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_BODY_BYTES", "10")
    assert call("POST", "/api/things/abc", json={"name": "x" * 20})[0] == 413


@pytest.mark.parametrize(
    ("xff", "hops", "ip"),
    [
        ("1.1.1.1", "1", "1.1.1.1"),
        ("6.6.6.6, 1.1.1.1", "1", "1.1.1.1"),
        ("6.6.6.6, 1.1.1.1, 2.2.2.2", "2", "1.1.1.1"),
        ("", "1", "127.0.0.1"),
        ("6.6.6.6", "0", "127.0.0.1"),
    ],
)
def test_client_ip_trusts_only_the_proxy_hops(monkeypatch: pytest.MonkeyPatch, xff: str, hops: str, ip: str) -> None:
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", hops)
    headers = {"X-Forwarded-For": xff} if xff else {}
    with app.test_request_context("/", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        assert web.client_ip(flask.request) == ip


def test_structured_log_line_per_request(capsys: pytest.CaptureFixture[str]) -> None:
    call("GET", "/api/things/abc", headers={"X-Request-Id": "req-1"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    line = next(x for x in lines if x["message"] == "request")
    assert line["severity"] == "INFO"
    assert line["requestId"] == "req-1"
    assert line["httpRequest"]["status"] == 200
