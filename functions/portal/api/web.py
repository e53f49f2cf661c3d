"""The request pipeline every HTTPS function runs a request through.

An HTTPS function is a doorway: it hands its Flask request to :meth:`Route.serve`,
which applies, in order: request id and logging context, CORS, route and method
matching, per-IP rate limit, body size limit, authentication, per-user rate limit,
CSRF for cookie sessions, query and body validation with the operation's models,
the handler, and the JSON response with security headers. Whatever goes wrong, the
caller gets a JSON error with the right status; only a defect of ours is a 500.
"""

from __future__ import annotations

import json
import re
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .. import authn, config, logs
from ..errors import (
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    PortalError,
    RateLimited,
    UnsupportedMediaType,
)
from ..identity import Caller
from ..ratelimit import LIMITER

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "private, no-store",  # private: Hosting passes Set-Cookie only then
    "Cross-Origin-Resource-Policy": "same-origin",
}
_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


@dataclass
class Ctx:
    """What a handler gets: the caller, validated input and request facts."""

    request: Any
    request_id: str
    ip: str
    params: dict[str, str]
    caller: Caller | None = None
    query: Any = None
    body: Any = None
    raw_body: bytes = b""
    session_cookie: str | None = None
    verified: Any = None  # what an operation's ``verify`` returned (a webhook's parsed event)

    @property
    def user(self) -> Caller:
        assert self.caller is not None
        return self.caller


@dataclass
class Reply:
    """A handler's answer when it needs more than a 200 with a JSON body."""

    body: Any = None
    status: int | None = None
    cookies: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Operation:
    method: str
    handler: Callable[[Ctx], Any]
    summary: str
    response: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    status: int = 200
    public: bool = False
    errors: tuple[int, ...] = ()
    description: str = ""
    verify: Callable[[Ctx], Any] | None = None
    """For webhooks: authenticates the raw request before anything is parsed."""
    rate_bucket: str | None = None


@dataclass(frozen=True)
class Route:
    """One path, served by one function, with an operation per method."""

    function: str
    path: str
    tag: str
    operations: tuple[Operation, ...]

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.path)
        return re.compile(f"^{regex}/?$")

    @property
    def param_names(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)

    def serve(self, request: Any) -> Any:
        return _serve(self, request)


def client_ip(request: Any) -> str:
    """The client's address: the entry a trusted proxy appended to X-Forwarded-For."""
    hops = config.trusted_proxy_hops()
    forwarded = [p.strip() for p in (request.headers.get("X-Forwarded-For") or "").split(",") if p.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return str(request.remote_addr or "unknown")


def _json_response(status: int, body: Any, headers: dict[str, str]) -> Any:
    from flask import Response

    payload = b"" if status == 204 else json.dumps(body, separators=(",", ":"), default=str).encode()
    response = Response(payload, status=status, mimetype="application/json")
    for key, value in headers.items():
        response.headers[key] = value
    return response


def _cors_headers(origin: str | None) -> dict[str, str]:
    if not origin or origin.rstrip("/") not in config.cors_origins():
        return {"Vary": "Origin"}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Headers": "Authorization, Content-Type, X-CSRF-Token, X-Request-Id",
        "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
        "Access-Control-Max-Age": "600",
        "Access-Control-Expose-Headers": "X-Request-Id, Retry-After",
        "Vary": "Origin",
    }


def _same_origin(request: Any, origin: str) -> bool:
    host = request.headers.get("X-Forwarded-Host") or request.host
    return origin.split("://", 1)[-1].rstrip("/") == host


def _read_body(request: Any) -> bytes:
    limit = config.max_body_bytes()
    length = request.content_length
    if length is not None and length > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    return bytes(data)


def _validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"], "type": err["type"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]


def _parse_query(op: Operation, request: Any) -> Any:
    if op.query is None:
        return None
    args = {k: v for k, v in request.args.items()}
    try:
        return op.query.model_validate(args)
    except ValidationError as exc:
        raise BadRequest(
            "The query parameters are not valid.", code="invalid_query", details=_validation_details(exc)
        ) from None


def _parse_body(op: Operation, request: Any, raw: bytes) -> Any:
    if op.body is None:
        return None
    mimetype = (request.mimetype or "").lower()
    if mimetype != "application/json":
        raise UnsupportedMediaType("Send the body as application/json.")
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The body is not valid JSON.", code="invalid_json") from None
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.", code="invalid_body")
    try:
        return op.body.model_validate(data)
    except ValidationError as exc:
        raise BadRequest(
            "The request body is not valid.", code="invalid_body", details=_validation_details(exc)
        ) from None


def _dump(op: Operation, result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if op.response is not None and result is not None:
        return op.response.model_validate(result).model_dump(mode="json")
    return result


def _rate(bucket: str, key: str) -> None:
    limit = config.rate_limits()[bucket]
    wait = LIMITER.hit(f"{bucket}:{key}", limit)
    if wait:
        raise RateLimited("Too many requests; slow down and try again shortly.", retry_after=wait)


def _serve(route: Route, request: Any) -> Any:
    started = time.perf_counter()
    supplied = request.headers.get("X-Request-Id", "")
    request_id = supplied if _ID.match(supplied) else uuid.uuid4().hex
    logs.reset()
    logs.bind(requestId=request_id, function=route.function)
    origin = request.headers.get("Origin")
    headers = {**SECURITY_HEADERS, **_cors_headers(origin), "X-Request-Id": request_id}
    status = 500
    try:
        if request.method == "OPTIONS":
            if "Access-Control-Allow-Origin" not in headers:
                raise Forbidden("This origin is not allowed.", code="cors_origin")
            status = 204
            return _json_response(204, None, headers)
        reply = _handle(route, request, request_id, origin)
        status = reply.status or 200
        response = _json_response(status, reply.body, headers)
        for cookie in reply.cookies:
            response.set_cookie(**cookie)
        return response
    except PortalError as exc:
        status = exc.status
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = str(exc.retry_after)
        if status >= 500:
            logs.error("request failed", error=exc.message)
        return _json_response(exc.status, exc.to_json(), headers)
    except Exception as exc:  # a defect of ours: log it whole, tell the caller little
        logs.error("unhandled error", error=repr(exc), stack=traceback.format_exc())
        body = {"error": {"code": "internal", "message": "Something went wrong on our side.", "requestId": request_id}}
        return _json_response(500, body, headers)
    finally:
        logs.info(
            "request",
            httpRequest={
                "requestMethod": request.method,
                "requestUrl": request.path,
                "status": status,
                "latency": f"{time.perf_counter() - started:.4f}s",
            },
        )


def _handle(route: Route, request: Any, request_id: str, origin: str | None) -> Reply:
    path = request.path
    at = path.find("/api/")
    match = route.pattern.match(path[at:] if at >= 0 else path)
    if not match:
        raise NotFound("No such endpoint.")
    params = match.groupdict()
    if not all(_ID.match(v) for v in params.values()):
        raise NotFound("Not found.")
    op = next((o for o in route.operations if o.method == request.method), None)
    if op is None:
        raise MethodNotAllowed(
            f"{request.method} is not allowed here.", details={"allowed": [o.method for o in route.operations]}
        )
    ip = client_ip(request)
    logs.bind(ip=ip)
    _rate(op.rate_bucket or ("auth_ip" if op.public else "ip"), ip)
    raw = _read_body(request) if request.method in UNSAFE else b""
    ctx = Ctx(request=request, request_id=request_id, ip=ip, params=params, raw_body=raw)
    if op.verify is not None:
        ctx.verified = op.verify(ctx)
    if (
        request.method in UNSAFE
        and origin
        and origin.rstrip("/") not in config.cors_origins()
        and not _same_origin(request, origin)
    ):
        raise Forbidden("Cross-site requests are not allowed.", code="bad_origin")
    if not op.public:
        cookie = request.cookies.get(authn.SESSION_COOKIE)
        caller = authn.authenticate(request.headers.get("Authorization"), cookie)
        logs.bind(uid=caller.uid, orgId=caller.org_id, role=caller.role.value)
        _rate("user", caller.uid)
        if caller.auth_method == "session":
            ctx.session_cookie = cookie
            if request.method in UNSAFE and not authn.csrf_ok(cookie or "", request.headers.get("X-CSRF-Token")):
                raise Forbidden("Missing or invalid CSRF token.", code="csrf")
        ctx.caller = caller
    ctx.query = _parse_query(op, request)
    ctx.body = _parse_body(op, request, raw)
    result = op.handler(ctx)
    if isinstance(result, Reply):
        result.body = _dump(op, result.body)
        result.status = result.status or op.status
        return result
    return Reply(body=_dump(op, result), status=op.status)
