"""The request pipeline, without the emulators: a Flask test request through a Route."""

from __future__ import annotations

import json
from collections.abc import Iterator

import flask
import pytest
from pydantic import BaseModel

from portal.api import web
from portal.api.web import Operation, RawBody, Route, Stream
from portal.errors import Conflict

app = flask.Flask(__name__)


class Body(BaseModel):
    name: str


def _boom(ctx: web.Ctx) -> None:
    raise RuntimeError("secret internals")


def _conflict(ctx: web.Ctx) -> None:
    raise Conflict("Already done.")


def _contended(ctx: web.Ctx) -> None:
    from google.api_core.exceptions import Aborted

    raise Aborted("Transaction lock timeout.")


ROUTE = Route(
    "things",
    "/api/things/{thingId}",
    "test",
    (
        Operation("GET", lambda ctx: {"id": ctx.params["thingId"]}, "get", public=True),
        Operation("POST", lambda ctx: {"name": ctx.body.name}, "post", body=Body, public=True, status=201),
        Operation("PUT", _boom, "boom", public=True),
        Operation("DELETE", _conflict, "conflict", public=True),
        Operation("PATCH", _contended, "contended", public=True),
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


def test_contention_is_a_503_to_retry_not_a_defect() -> None:
    status, body, headers = call("PATCH", "/api/things/abc", json={})
    assert (status, body["error"]["code"], headers["Retry-After"]) == (503, "busy", "1")
    assert "lock" not in json.dumps(body)


def test_portal_errors_keep_their_status() -> None:
    status, body, _ = call("DELETE", "/api/things/abc")
    assert (status, body["error"]["code"]) == (409, "conflict")


def test_validation_errors_name_the_field() -> None:
    status, body, _ = call("POST", "/api/things/abc", json={"name": 5})
    assert status == 400
    assert body["error"]["details"][0]["field"] == "name"


def test_unmatched_path_and_method() -> None:
    assert call("GET", "/api/things")[0] == 404
    assert call("TRACE", "/api/things/abc")[0] == 405


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


# Raw bodies, streamed and ranged responses, other content types: the same pipeline.

DATA = bytes(range(256)) * 4  # 1024 bytes


def _slices(start: int, stop: int) -> Iterator[bytes]:
    for at in range(start, stop, 100):
        yield DATA[at : min(at + 100, stop)]


def _upload(ctx: web.Ctx) -> dict:
    return {"size": len(ctx.raw_body), "type": ctx.request.mimetype}


MEDIA = Route(
    "media",
    "/api/media/{kind}",
    "test",
    (
        Operation(
            "PUT",
            _upload,
            "upload a chunk",
            public=True,
            raw_body=RawBody(content_types=("application/octet-stream", "image/png"), max_bytes=64),
        ),
        Operation(
            "GET",
            lambda ctx: Stream(_slices, size=len(DATA), filename="data.bin"),
            "download",
            public=True,
            produces="application/octet-stream",
            ranges=True,
        ),
        Operation(
            "POST",
            lambda ctx: (f"data: {n}\n\n".encode() for n in range(3)),
            "events",
            public=True,
            produces="text/event-stream",
        ),
        Operation("PATCH", lambda ctx: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "calendar", produces="text/calendar"),
    ),
)
CSV = Route(
    "export",
    "/api/export.csv",
    "test",
    (Operation("GET", lambda ctx: Stream(b"a,b\r\n1,2\r\n"), "export", public=True, produces="text/csv", ranges=True),),
)


def media(method: str, path: str = "/api/media/x", route: Route = MEDIA, **kwargs: object) -> flask.Response:
    with app.test_request_context(path, method=method, **kwargs):  # type: ignore[arg-type]
        response = route.serve(flask.request)
        response.get_data()  # consume a streamed body while the request is current
        return response


def test_raw_body_with_its_own_limit_and_content_types() -> None:
    r = media("PUT", data=b"\x00" * 64, content_type="image/png")
    assert r.status_code == 200 and r.get_json() == {"size": 64, "type": "image/png"}
    assert media("PUT", data=b"\x00" * 65, content_type="image/png").status_code == 413
    wrong = media("PUT", data=b"{}", content_type="application/json")
    assert wrong.status_code == 415 and wrong.get_json()["error"]["code"] == "unsupported_media_type"


def test_raw_body_is_behind_authentication() -> None:
    private = Route(
        "private", "/api/private", "test", (Operation("PUT", _upload, "x", raw_body=MEDIA.operations[0].raw_body),)
    )
    r = media("PUT", "/api/private", private, data=b"x", content_type="image/png")
    assert r.status_code == 401 and r.mimetype == "application/json"


def test_a_streamed_download_with_ranges() -> None:
    whole = media("GET")
    assert whole.status_code == 200
    assert whole.get_data() == DATA and whole.headers["Content-Length"] == "1024"
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert whole.mimetype == "application/octet-stream"
    assert whole.headers["Content-Disposition"] == "attachment; filename=data.bin"
    assert whole.headers["X-Content-Type-Options"] == "nosniff"
    part = media("GET", headers={"Range": "bytes=150-349"})
    assert part.status_code == 206 and part.get_data() == DATA[150:350]
    assert part.headers["Content-Range"] == "bytes 150-349/1024"
    assert part.headers["Content-Length"] == "200"
    tail = media("GET", headers={"Range": "bytes=-24"})
    assert tail.status_code == 206 and tail.get_data() == DATA[-24:]
    assert tail.headers["Content-Range"] == "bytes 1000-1023/1024"
    beyond = media("GET", headers={"Range": "bytes=2000-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == "bytes */1024"
    assert beyond.get_json()["error"]["code"] == "range_not_satisfiable"
    for ignored in ("bytes=0-1,5-6", "items=0-5", "nonsense"):
        r = media("GET", headers={"Range": ignored})
        assert r.status_code == 200 and r.get_data() == DATA, ignored


def test_bytes_answer_ranges_too() -> None:
    r = media("GET", "/api/export.csv", CSV, headers={"Range": "bytes=5-"})
    assert r.status_code == 206 and r.get_data() == b"1,2\r\n" and r.mimetype == "text/csv"


def test_event_stream_and_calendar() -> None:
    events = media("POST", data=b"", content_type="application/json")
    assert events.status_code == 200 and events.mimetype == "text/event-stream"
    assert events.get_data() == b"data: 0\n\ndata: 1\n\ndata: 2\n\n"
    assert "Accept-Ranges" not in events.headers
    assert media("PATCH").status_code == 401  # not public: the same authentication


def test_openapi_describes_raw_bodies_streams_and_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.api import registry

    monkeypatch.setattr(registry, "routes", lambda: (MEDIA, CSV))
    registry.document.cache_clear()
    try:
        doc = registry.document()
    finally:
        registry.document.cache_clear()
    item = doc["paths"]["/api/media/{kind}"]
    put = item["put"]
    assert set(put["requestBody"]["content"]) == {"application/octet-stream", "image/png"}
    assert {"413", "415"} <= set(put["responses"])
    get = item["get"]
    assert set(get["responses"]["200"]["content"]) == {"application/octet-stream"}
    assert {"206", "416"} <= set(get["responses"])
    assert any(p["name"] == "Range" and p["in"] == "header" for p in get["parameters"])
    assert set(item["post"]["responses"]["200"]["content"]) == {"text/event-stream"}
    assert set(item["patch"]["responses"]["200"]["content"]) == {"text/calendar"}
    assert "401" in item["patch"]["responses"]


def test_the_request_context_is_set_while_serving_and_empty_after(monkeypatch: pytest.MonkeyPatch) -> None:
    from portal import context

    seen: list[context.RequestContext] = []
    route = Route(
        "ctx", "/api/ctx", "test", (Operation("GET", lambda ctx: seen.append(context.current()), "x", public=True),)
    )
    with app.test_request_context(
        "/api/ctx", headers={"X-Request-Id": "req-ctx"}, environ_base={"REMOTE_ADDR": "9.9.9.9"}
    ):
        route.serve(flask.request)
    assert (seen[0].request_id, seen[0].ip) == ("req-ctx", "9.9.9.9")
    assert context.current() == context.RequestContext()


def test_server_timing_says_how_long_the_portal_took() -> None:
    """Every answer, a success, a caller's mistake or a defect, carries the portal's own time."""
    import re

    for method, status in (("GET", 200), ("DELETE", 409), ("PUT", 500), ("OPTIONS", 403)):
        got, _, headers = call(method, "/api/things/abc")
        assert got == status
        assert re.fullmatch(r"app;dur=\d+\.\d", headers["Server-Timing"]), headers


# A public operation that identifies a caller who sends credentials, and never refuses one.

WHO = Route(
    "who",
    "/api/who",
    "test",
    (Operation("GET", lambda ctx: {"uid": ctx.caller and ctx.caller.uid}, "who", public=True, identifies=True),),
)


def _who(headers: dict[str, str]) -> tuple[int, dict]:
    with app.test_request_context("/api/who", headers=headers):
        response = WHO.serve(flask.request)
        return response.status_code, json.loads(response.get_data())


def test_a_public_operation_that_identifies_never_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    from portal import authn
    from portal.errors import Unauthenticated
    from portal.identity import Caller, Role

    def authenticate(authorization: str | None, cookie: str | None) -> Caller:
        if authorization == "Bearer good":
            return Caller("u1", "u@x.test", Role.AJ_ADMIN, "agency")
        raise Unauthenticated("Your session has expired.", code="expired")

    monkeypatch.setattr(authn, "authenticate", authenticate)
    assert _who({}) == (200, {"uid": None})
    assert _who({"Authorization": "Bearer good"}) == (200, {"uid": "u1"})
    assert _who({"Authorization": "Bearer expired"}) == (200, {"uid": None})
    assert _who({"Authorization": "Basic x"}) == (200, {"uid": None})
