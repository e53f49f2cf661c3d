"""What every function does: JSON errors, limits, CORS, headers, robots, request ids."""

from __future__ import annotations

import collections

import httpx
import pytest
from env import PORTAL
from helpers import bearer, error_code

pytestmark = pytest.mark.usefixtures("world")


def test_unknown_api_path_is_a_json_404(http: httpx.Client) -> None:
    r = http.get("/api/does/not/exist")
    assert r.status_code == 404
    assert error_code(r) == "not_found"


def test_wrong_method_is_405(http: httpx.Client) -> None:
    r = http.delete("/api/auth/me", headers=bearer("owner@acme.test"))
    assert r.status_code == 405
    assert r.json()["error"]["details"]["allowed"] == ["GET"]


def test_body_too_large_is_413(http: httpx.Client) -> None:
    big = b'{"idToken": "' + b"x" * 1_100_000 + b'"}'
    r = http.post("/api/auth/login", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert error_code(r) == "payload_too_large"


@pytest.mark.parametrize(
    ("content", "ctype", "status"),
    [
        (b"[]", "application/json", 400),
        (b"null", "application/json", 400),
        (b'{"email": 5, "role": "client_member"}', "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b'{"email": "a@b.test", "role": "client_member"}', "text/plain", 415),
        (b"", "application/json", 400),
    ],
)
def test_bad_bodies_get_clear_errors(http: httpx.Client, content: bytes, ctype: str, status: int) -> None:
    headers = {**bearer("owner@acme.test"), "Content-Type": ctype}
    r = http.post("/api/invites", content=content, headers=headers)
    assert r.status_code == status
    assert r.json()["error"]["message"]


def test_security_and_robots_headers_on_api_responses(http: httpx.Client) -> None:
    for r in (http.get("/api/auth/config"), http.get("/api/auth/me")):
        assert r.headers["x-robots-tag"] == "noindex, nofollow"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "max-age=" in r.headers["strict-transport-security"]
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["referrer-policy"]
        assert r.headers["x-request-id"]


def test_pages_are_hardened_and_excluded_from_search_engines(http: httpx.Client) -> None:
    robots = http.get("/robots.txt")
    assert robots.status_code == 200
    assert "Disallow: /" in robots.text
    page = http.get("/")
    assert page.status_code == 200
    assert page.headers["x-robots-tag"] == "noindex, nofollow"
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert '<meta name="robots" content="noindex' in page.text


def test_request_id_is_echoed_when_sane(http: httpx.Client) -> None:
    r = http.get("/api/auth/config", headers={"X-Request-Id": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = http.get("/api/auth/config", headers={"X-Request-Id": "<script>"})
    assert r.headers["x-request-id"] != "<script>"


def test_cors_allows_listed_origins_only(http: httpx.Client) -> None:
    ok = http.options(
        "/api/auth/me", headers={"Origin": "http://localhost:5000", "Access-Control-Request-Method": "GET"}
    )
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == "http://localhost:5000"
    assert ok.headers["access-control-allow-credentials"] == "true"
    bad = http.options(
        "/api/auth/me", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert bad.status_code == 403
    assert "access-control-allow-origin" not in bad.headers
    plain = http.get("/api/auth/config", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in plain.headers


def test_per_user_rate_limit_answers_429_with_retry_after() -> None:
    # A member of its own: the demo accounts keep their uids from test to test, and the
    # limiter's counters (in the functions' memory) would stay exhausted for later tests.
    from portal.identity import Role
    from portal.members import service as members

    members.create_user(email="limited@globex.test", role=Role.CLIENT_MEMBER, org_id="globex", password="portal-demo")
    headers = bearer("limited@globex.test")
    # One request at a time: the emulator starts more instances under concurrent requests,
    # each with counters of its own (as a deployment would; see portal/ratelimit.py). The
    # window is approximated from two fixed minutes, so a burst across a minute boundary may
    # pass up to twice the limit (600 in the test project) before it is refused.
    with httpx.Client(base_url=PORTAL, timeout=30) as client:
        statuses = []
        while len(statuses) < 1250 and 429 not in statuses:
            statuses.append(client.get("/api/orgs", headers=headers).status_code)
        assert statuses[0] == 200
        assert statuses[-1] == 429, collections.Counter(statuses)
        assert len(statuses) > 600
        limited = client.get("/api/orgs", headers=headers)
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        assert error_code(limited) == "rate_limited"
        # Another user is not affected.
        assert client.get("/api/orgs", headers=bearer("owner@globex.test")).status_code == 200


def test_path_parameters_are_validated(http: httpx.Client) -> None:
    r = http.delete("/api/members/" + "x" * 300, headers=bearer("admin@agency.test"))
    assert r.status_code == 404
    r = http.post("/api/invites/bad%20id/revoke", headers=bearer("owner@acme.test"))
    assert r.status_code == 404


def test_health_for_uptime_monitors_says_ok_and_nothing_else(http: httpx.Client) -> None:
    r = http.get("/api/health")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ok"}
    assert "no-store" in r.headers["cache-control"]
    assert http.post("/api/health").status_code == 405
