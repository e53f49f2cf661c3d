"""Routes of the assistant (ChatKit): its status, and ChatKit's protocol."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api.lazy import lazy
from ..api.web import GET, POST, Ctx, Operation, RawBody, Route

if TYPE_CHECKING:
    from . import models as m
    from . import service
else:
    m, service = lazy("portal.assistant.models"), lazy("portal.assistant.service")

MAX_REQUEST_BYTES = 64 * 1024

CHATKIT_DOC = (
    "ChatKit's protocol (the `openai-chatkit` server): the body is a ChatKit request "
    "`{type, params}`. Requests that run the model (`threads.create`, `threads.add_user_message`, "
    "`threads.retry_after_item`) answer with a `text/event-stream` of ChatKit events (`data: {...}`); "
    "`threads.list`, `threads.get_by_id`, `items.list`, `items.feedback`, `threads.update` and "
    "`threads.delete` answer with JSON. Conversations are the caller's own: listing shows only theirs, "
    "another person's is 404. The assistant's tools read only what the caller may read through the API. "
    "When the organisation's daily limit is reached the stream carries an `error` event saying so. "
    "Without an OpenAI key the assistant is not configured: 503 `assistant_not_configured`."
)


def _status(ctx: Ctx) -> Any:
    return service.status(ctx.user)


def _chatkit(ctx: Ctx) -> Any:
    return service.handle(ctx.user, ctx.raw_body)


# fmt: off
chatkit = Route("chatkit", "/api/chatkit", "assistant", (
    Operation(GET, _status, "Whether the assistant is on, and today's spend of the caller's organisation",
              response=m.AssistantStatus, errors=(503,)),
    Operation(POST, _chatkit, "A ChatKit request: ask the assistant, list, read or delete one's conversations",
              raw_body=RawBody(("application/json",), MAX_REQUEST_BYTES), produces="text/event-stream",
              also_produces=("application/json",),
              errors=(400, 404, 429, 503), description=CHATKIT_DOC),
))
# fmt: on

ROUTES = (chatkit,)
