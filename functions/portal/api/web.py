"""The request pipeline every HTTPS function runs a request through.

An HTTPS function is a doorway: it hands its Flask request to :meth:`Route.serve`,
which applies, in order: request id, trace and request context, CORS, route and method
matching, per-IP rate limit, body size limit, authentication (for a public operation that
``identifies``, only of credentials that come with it, and never a refusal), per-user rate limit,
CSRF for cookie sessions, view as client (an ``X-View-As`` token turns an admin into
a read-only caller of that client, :mod:`portal.viewas`: unsafe requests and operations
marked ``acts_as_caller`` are refused), query and body validation with the
operation's models, the handler, and the response with security headers. Whatever goes wrong, the
caller gets a JSON error with the right status; only a defect of ours is a 500.

Most operations take and give JSON. An operation may instead take its body raw
(:class:`RawBody`: accepted content types, its own size limit) and answer with
another content type (``produces``), from bytes or a generator (:class:`Stream`),
with byte ranges when it declares ``ranges``.

Route declarations are cheap to import: models may be lazy references
(:mod:`portal.api.lazy`), resolved on first use.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import authn, config, context, ids, logs, monitoring
from ..errors import (
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    PortalError,
    RangeNotSatisfiable,
    RateLimited,
    UnsupportedMediaType,
)
from ..identity import Caller
from ..ratelimit import LIMITER
from .lazy import resolve

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    ModelRef = type[BaseModel]
    """A model class, or a lazy reference to one (the type checker sees the class)."""

JSON = "application/json"
GET, POST, PUT, PATCH, DELETE = "GET", "POST", "PUT", "PATCH", "DELETE"
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


@dataclass
class Ctx:
    """What a handler gets: the caller, validated input and request facts.
    The request id and the client's address are in :func:`portal.context.current`."""

    request: Any
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


@dataclass
class Stream:
    """A response body that is not JSON: bytes, or chunks produced while it is sent.

    ``chunks`` is bytes, an iterable of bytes, or ``(start, stop) -> iterable of bytes``
    giving the bytes ``start`` to ``stop - 1``; with that form and a known ``size``, an
    operation declared with ``ranges`` answers ``Range`` requests (206, or 416)."""

    chunks: bytes | Iterable[bytes] | Callable[[int, int], Iterable[bytes]]
    size: int | None = None
    media_type: str | None = None
    """Overrides the operation's ``produces`` (for example a file's own type)."""
    filename: str | None = None
    """Sent as an attachment with this name."""
    status: int | None = None
    """Overrides the operation's status (a body that answers a range itself: 206)."""
    headers: dict[str, str] = field(default_factory=dict)
    """Headers sent last, over the pipeline's (a relayed ``Content-Range``, a framing policy)."""

    def __post_init__(self) -> None:
        if isinstance(self.chunks, bytes) and self.size is None:
            self.size = len(self.chunks)

    def read(self, span: tuple[int, int] | None) -> bytes | Iterable[bytes]:
        """The body, or the bytes ``span`` (start, stop) of it."""
        chunks = self.chunks
        if span is None or not (isinstance(chunks, bytes) or callable(chunks)):
            assert span is None or span == (0, self.size), "a range needs bytes or (start, stop) -> chunks"
            assert not callable(chunks), "(start, stop) -> chunks needs a size"
            return chunks
        if isinstance(chunks, bytes):
            return chunks[span[0] : span[1]]
        return chunks(*span)

    @property
    def ranged(self) -> bool:
        return self.size is not None and (isinstance(self.chunks, bytes) or callable(self.chunks))


@dataclass(frozen=True)
class RawBody:
    """An operation that takes its request body as bytes (``ctx.raw_body``), not JSON."""

    content_types: tuple[str, ...]
    max_bytes: int


@dataclass(frozen=True)
class Operation:
    method: str
    handler: Callable[[Ctx], Any]
    summary: str
    response: ModelRef | None = None
    body: ModelRef | None = None
    query: ModelRef | None = None
    status: int = 200
    public: bool = False
    errors: tuple[int, ...] = ()
    description: str = ""
    verify: Callable[[Ctx], Any] | None = None
    """For webhooks: authenticates the raw request before anything is parsed."""
    rate_bucket: str | None = None
    raw_body: RawBody | None = None
    produces: str = JSON
    """The response's content type; anything but JSON is answered from a :class:`Stream`."""
    also_produces: tuple[str, ...] = ()
    """Other content types the :class:`Stream` may answer with (its ``media_type``): a picture
    in its own type, JSON beside an event stream. Documented with ``produces``."""
    ranges: bool = False
    """Answers ``Range`` requests (``Accept-Ranges: bytes``, 206 and 416)."""
    acts_as_caller: bool = False
    """A read that acts as the caller (a download is recorded as theirs): refused to staff
    viewing as someone, like every unsafe request."""
    identifies: bool = False
    """A public operation that still recognises a signed-in caller (``ctx.caller``) when the
    request carries credentials, to say more to some (the health check, to staff admins).
    Credentials that do not verify leave the caller anonymous: never a refusal."""

    @property
    def media_types(self) -> tuple[str, ...]:
        """Every content type a success may have, ``produces`` first."""
        return (self.produces, *(t for t in self.also_produces if t != self.produces))

    @property
    def models(self) -> tuple[ModelRef | None, ModelRef | None, ModelRef | None]:
        """(body, query, response), resolved."""
        return resolve(self.body), resolve(self.query), resolve(self.response)


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


def _response(status: int, payload: bytes | Iterable[bytes], mimetype: str, headers: dict[str, str]) -> Any:
    from flask import Response

    response = Response(payload, status=status, mimetype=mimetype)
    for key, value in headers.items():
        response.headers[key] = value
    return response


def _json_response(status: int, body: Any, headers: dict[str, str]) -> Any:
    payload = b"" if status == 204 else json.dumps(body, separators=(",", ":"), default=str).encode()
    return _response(status, payload, JSON, headers)


def _cors_headers(origin: str | None) -> dict[str, str]:
    if not origin or origin.rstrip("/") not in config.cors_origins():
        return {"Vary": "Origin"}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Headers": "Authorization, Content-Type, X-CSRF-Token, X-Request-Id, Range, X-View-As",
        "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
        "Access-Control-Max-Age": "600",
        "Access-Control-Expose-Headers": "X-Request-Id, Retry-After, Content-Range, Accept-Ranges",
        "Vary": "Origin",
    }


def _same_origin(request: Any, origin: str) -> bool:
    host = request.headers.get("X-Forwarded-Host") or request.host
    return origin.split("://", 1)[-1].rstrip("/") == host


def _read_body(request: Any, limit: int) -> bytes:
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


def _parse_query(model: ModelRef | None, request: Any) -> Any:
    if model is None:
        return None
    from pydantic import ValidationError

    args = {k: v for k, v in request.args.items()}
    try:
        return model.model_validate(args)
    except ValidationError as exc:
        raise BadRequest(
            "The query parameters are not valid.", code="invalid_query", details=_validation_details(exc)
        ) from None


def _check_raw(spec: RawBody, request: Any) -> None:
    mimetype = (request.mimetype or "").lower()
    if mimetype not in spec.content_types:
        raise UnsupportedMediaType(f"Send the body as one of: {', '.join(spec.content_types)}.")


def _parse_body(model: ModelRef | None, request: Any, raw: bytes) -> Any:
    if model is None:
        return None
    from pydantic import ValidationError

    mimetype = (request.mimetype or "").lower()
    if mimetype != JSON:
        raise UnsupportedMediaType("Send the body as application/json.")
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The body is not valid JSON.", code="invalid_json") from None
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.", code="invalid_body")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadRequest(
            "The request body is not valid.", code="invalid_body", details=_validation_details(exc)
        ) from None


def _dump(model: ModelRef | None, result: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if model is not None and result is not None:
        return model.model_validate(result).model_dump(mode="json")
    return result


def _rate(bucket: str, key: str) -> None:
    limit = config.rate_limits()[bucket]
    wait = LIMITER.hit(f"{bucket}:{key}", limit)
    if wait:
        raise RateLimited("Too many requests; slow down and try again shortly.", retry_after=wait)


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one byte range (start, stop) a ``Range`` header asks of ``size`` bytes; None
    for the whole body (no header, one we ignore: malformed, other units, several ranges)."""
    if not header:
        return None
    from werkzeug.http import parse_range_header

    parsed = parse_range_header(header)
    if parsed is None or parsed.units != "bytes" or len(parsed.ranges) != 1:
        return None
    span = parsed.range_for_length(size)
    if span is None:
        raise RangeNotSatisfiable(size)
    return span


def _stream_response(op: Operation, request: Any, result: Any, headers: dict[str, str]) -> Any:
    stream = result if isinstance(result, Stream) else Stream(result.encode() if isinstance(result, str) else result)
    status, size = op.status, stream.size
    span = (0, size) if size is not None else None
    if op.ranges and stream.ranged:
        assert size is not None
        headers["Accept-Ranges"] = "bytes"
        asked = _byte_range(request.headers.get("Range"), size)
        if asked is not None:
            span, status = asked, 206
            headers["Content-Range"] = f"bytes {asked[0]}-{asked[1] - 1}/{size}"
    elif op.ranges:
        headers["Accept-Ranges"] = "none"
    if stream.filename:
        from werkzeug.http import dump_options_header

        headers["Content-Disposition"] = dump_options_header("attachment", {"filename": stream.filename})
    if span is not None:
        headers["Content-Length"] = str(span[1] - span[0])
    headers.update(stream.headers)
    chunks = stream.read(span)
    payload = chunks if isinstance(chunks, bytes) else _guarded(iter(chunks))
    return _response(stream.status or status, payload, stream.media_type or op.produces, headers)


def _guarded(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Chunks sent after the headers: a failure can only be logged (and the body cut short)."""
    try:
        yield from chunks
    except Exception as exc:
        logs.error("stream failed", exc=exc)
        raise


def _serve(route: Route, request: Any) -> Any:
    """Handles a request and says in ``Server-Timing`` how long the portal's own handling took
    (``app;dur=`` in milliseconds, up to the response's headers): what a load run puts beside
    the time it saw, to tell the portal's cost from the platform's."""
    started = time.perf_counter()
    response = _serve_timed(route, request, started)
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


def _serve_timed(route: Route, request: Any, started: float) -> Any:
    supplied = request.headers.get("X-Request-Id", "")
    request_id = supplied if ids.valid(supplied) else uuid.uuid4().hex
    logs.reset()
    logs.bind(function=route.function, **logs.trace_fields(request.headers, config.project_id()))
    origin = request.headers.get("Origin")
    headers = {**SECURITY_HEADERS, **_cors_headers(origin), "X-Request-Id": request_id}
    status = 500
    with context.serving(request_id=request_id):
        try:
            if request.method == "OPTIONS":
                if "Access-Control-Allow-Origin" not in headers:
                    raise Forbidden("This origin is not allowed.", code="cors_origin")
                status = 204
                return _json_response(204, None, headers)
            response = _handle(route, request, origin, headers)
            status = response.status_code
            return response
        except PortalError as exc:
            status = exc.status
            if isinstance(exc, RateLimited):
                headers["Retry-After"] = str(exc.retry_after)
            if isinstance(exc, RangeNotSatisfiable):
                headers["Content-Range"] = f"bytes */{exc.size}"
            if status >= 500:
                logs.error("request failed", error=exc.message)
            return _json_response(exc.status, exc.to_json(), headers)
        except Exception as exc:  # a defect of ours: log it whole, tell the caller little
            if _contended(exc):  # Firestore was busy with the same documents: worth a retry
                status = 503
                headers["Retry-After"] = "1"
                logs.warning("request met contention", error=repr(exc))
                body = {
                    "error": {"code": "busy", "message": "Busy with the same data; try again.", "requestId": request_id}
                }
                return _json_response(503, body, headers)
            logs.error("unhandled error", exc=exc)
            monitoring.capture(exc, function=route.function, requestId=request_id)
            body = {
                "error": {"code": "internal", "message": "Something went wrong on our side.", "requestId": request_id}
            }
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


def _contended(exc: Exception) -> bool:
    """Firestore's contention answers (a commit aborted by concurrent transactions, a lock
    wait that timed out): nothing the caller did wrong and nothing broken."""
    from google.api_core.exceptions import Aborted

    return isinstance(exc, Aborted) or (isinstance(exc, ValueError) and "Failed to commit transaction" in str(exc))


def _view_as(caller: Caller, op: Operation, request: Any) -> Caller:
    """The person an admin views the portal as (``X-View-As``), read-only; else ``caller``."""
    token = request.headers.get("X-View-As")
    if not token:
        return caller
    from .. import viewas

    viewed = viewas.resolve(caller, token)
    context.update(caller=viewed)
    if request.method in UNSAFE or op.acts_as_caller:
        raise Forbidden(
            "You are viewing the portal as someone else: it is read-only (exit the view to act).",
            code="view_as_read_only",
        )
    return viewed


def _sign_in(op: Operation, request: Any, ctx: Ctx) -> Caller:
    """The caller behind the request's credentials (a bearer token or a session cookie, with
    CSRF for an unsafe request by cookie), or whom they view the portal as."""
    cookie = request.cookies.get(authn.SESSION_COOKIE)
    caller = authn.authenticate(request.headers.get("Authorization"), cookie)
    context.update(caller=caller)
    _rate("user", caller.uid)
    if caller.auth_method == "session":
        ctx.session_cookie = cookie
        from ..account import sessions

        sessions.check(caller, cookie or "")
        if request.method in UNSAFE and not authn.csrf_ok(cookie or "", request.headers.get("X-CSRF-Token")):
            raise Forbidden("Missing or invalid CSRF token.", code="csrf")
    return _view_as(caller, op, request)


def _handle(route: Route, request: Any, origin: str | None, headers: dict[str, str]) -> Any:
    path = request.path
    at = path.find("/api/")
    match = route.pattern.match(path[at:] if at >= 0 else path)
    if not match:
        raise NotFound("No such endpoint.")
    params = match.groupdict()
    if not all(ids.valid(v) for v in params.values()):
        raise NotFound("Not found.")
    op = next((o for o in route.operations if o.method == request.method), None)
    if op is None:
        raise MethodNotAllowed(
            f"{request.method} is not allowed here.", details={"allowed": [o.method for o in route.operations]}
        )
    ip = client_ip(request)
    context.update(ip=ip)
    _rate(op.rate_bucket or ("auth_ip" if op.public else "ip"), ip)
    limit = op.raw_body.max_bytes if op.raw_body is not None else config.max_body_bytes()
    raw = _read_body(request, limit) if request.method in UNSAFE else b""
    ctx = Ctx(request=request, params=params, raw_body=raw)
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
        ctx.caller = _sign_in(op, request, ctx)
    elif op.identifies and (request.headers.get("Authorization") or request.cookies.get(authn.SESSION_COOKIE)):
        try:
            ctx.caller = _sign_in(op, request, ctx)
        except PortalError:  # credentials that do not verify: answered as anyone is
            context.update(caller=None)
            ctx.caller, ctx.session_cookie = None, None
    if op.raw_body is not None:
        _check_raw(op.raw_body, request)
    body_model, query_model, response_model = op.models
    ctx.query = _parse_query(query_model, request)
    ctx.body = _parse_body(body_model, request, raw)
    result = op.handler(ctx)
    if op.produces != JSON:
        return _stream_response(op, request, result, headers)
    reply = result if isinstance(result, Reply) else Reply(body=result)
    response = _json_response(reply.status or op.status, _dump(response_model, reply.body), headers)
    for cookie in reply.cookies:
        response.set_cookie(**cookie)
    return response
