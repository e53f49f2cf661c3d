"""The assistant's endpoint: ChatKit's protocol for the caller's own conversations.

``POST /api/chatkit`` takes a ChatKit request (JSON) and answers as ChatKit's server does:
requests that run the model (``threads.create``, ``threads.add_user_message``, ...) with a
``text/event-stream`` of events, the others (``threads.list``, ``threads.get_by_id``,
``items.list``, ``threads.update``, ``threads.delete``) with JSON. The conversation list and
deletion are ChatKit's own ``threads.list`` and ``threads.delete``.

Nothing from ChatKit, the Agents SDK or OpenAI is imported until a request needs them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from .. import db, logs
from ..api.web import Stream
from ..audit import service as audit
from ..errors import BadRequest, NotConnected, NotFound, RateLimited
from ..identity import Caller
from ..policy import Action
from ..ratelimit import LIMITER
from . import settings

MODEL_REQUESTS = frozenset({"threads.create", "threads.add_user_message", "threads.retry_after_item"})
"""ChatKit requests that run the model (counted against the per-person rate and the daily cap)."""
SUPPORTED = MODEL_REQUESTS | {"threads.get_by_id", "threads.list", "items.list", "items.feedback", "threads.update",
                              "threads.delete", "threads.custom_action"}  # fmt: skip
"""What the portal's assistant answers (no attachments, dictation or client tools); the one
custom action is the person's answer to a confirmation the assistant asked for."""
AUDITED = MODEL_REQUESTS | {"threads.delete", "threads.update", "threads.custom_action"}


def require_configured() -> None:
    if not settings.configured():
        raise NotConnected(
            "The assistant is not configured: set OPENAI_API_KEY to turn it on.", code="assistant_not_configured"
        )


def status(caller: Caller) -> dict[str, Any]:
    """``GET /api/chatkit``: whether the assistant is on, what the web component needs, and
    the caller's organisation's spend today."""
    require_configured()
    from . import spend

    grant = db.grant(caller, Action.ASSISTANT_USE)
    return {
        "configured": True,
        "model": settings.model(),
        "domainKey": settings.domain_key(),
        "usedToday": spend.used(grant.org.id),
        "dailyLimit": settings.daily_tokens(),
        "limitReached": spend.reached(grant.org.id),
    }


def _request_type(raw: bytes) -> tuple[str, dict[str, Any]]:
    """The ChatKit request's ``type`` and ``params``, once the whole request is checked
    against ChatKit's request types (a clear 400 otherwise)."""
    from chatkit.types import ChatKitReq
    from pydantic import TypeAdapter, ValidationError

    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The body is not valid JSON.", code="invalid_json") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise BadRequest("The body must be a ChatKit request: a JSON object with a type.", code="invalid_body")
    try:
        TypeAdapter(ChatKitReq).validate_python(data)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False)[:10]
        ]
        raise BadRequest("The ChatKit request is not valid.", code="invalid_body", details=details) from None
    if data["type"] not in SUPPORTED:
        raise BadRequest(f"The assistant does not take {data['type']} requests.", code="unsupported_request")
    params: dict[str, Any] = data["params"] if isinstance(data.get("params"), dict) else {}
    message: dict[str, Any] = params["input"] if isinstance(params.get("input"), dict) else {}
    if message.get("attachments"):
        raise BadRequest("The assistant takes no attachments.", code="unsupported_request")
    return data["type"], params


def handle(caller: Caller, raw: bytes) -> Stream:
    """Serve one ChatKit request for ``caller``."""
    require_configured()
    grant = db.grant(caller, Action.ASSISTANT_USE)
    kind, params = _request_type(raw)
    if kind in MODEL_REQUESTS:
        wait = LIMITER.hit(f"assistant:{caller.uid}", settings.messages_per_minute())
        if wait:
            raise RateLimited("You are asking the assistant very fast; wait a moment.", retry_after=wait)
    thread_id = params.get("thread_id") if isinstance(params.get("thread_id"), str) else None

    def audited() -> None:  # once the request was accepted (the conversation was found)
        if kind in AUDITED:
            audit.record(f"assistant.{kind.split('.', 1)[1]}", actor=caller, org_id=grant.org.id, target=thread_id)

    from chatkit.server import StreamingResult
    from chatkit.store import NotFoundError

    from .server import build
    from .store import Request

    server = build()
    loop = asyncio.new_event_loop()
    try:
        result = loop.run_until_complete(server.process(raw, Request(caller, grant)))
        if not isinstance(result, StreamingResult):
            loop.close()
            audited()
            return Stream(result.json, media_type="application/json")
        chunks = _sync(loop, result.__aiter__())
        first = next(chunks, b"")  # the thread is loaded (or not found) before the first event
        audited()
    except NotFoundError:
        loop.close()
        raise NotFound("Conversation not found.") from None
    except BaseException:
        if not loop.is_closed():
            loop.close()
        raise
    return Stream(_then(first, chunks), headers={"X-Accel-Buffering": "no"})


def _then(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _sync(loop: asyncio.AbstractEventLoop, events: AsyncIterator[bytes]) -> Iterator[bytes]:
    """An async stream of events as a plain iterator, each event sent as soon as it is made.
    One task drives the whole stream (context variables set in one step of it are still
    there in the next); the loop runs while the next event is awaited."""
    queue: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue()

    async def drive() -> None:
        try:
            async for chunk in events:
                await queue.put(chunk)
        except Exception as exc:
            await queue.put(exc)
        else:
            await queue.put(None)

    task = loop.create_task(drive())
    try:
        while True:
            item = loop.run_until_complete(queue.get())
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        try:
            if not task.done():
                task.cancel()
            _finish(loop)
        except Exception as exc:  # the stream is over either way
            logs.warning("assistant stream cleanup", error=repr(exc))
        finally:
            loop.close()


def _finish(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what the run left waiting (the agent's event queue) and close generators."""
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
