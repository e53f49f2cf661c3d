"""Routes of message threads: the inbox, starting a thread, reading and posting, internal
notes (staff), editing and deleting, marking read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api.lazy import lazy
from ..api.web import DELETE, GET, PATCH, POST, Ctx, Operation, Reply, Route

if TYPE_CHECKING:
    from . import models as m
    from . import service
else:
    m, service = lazy("portal.messages.models"), lazy("portal.messages.service")

NOTES_DOC = (
    "Staff may post `internal: true`: an internal note, which clients never see (not through the API, the rules, "
    "notifications, counts, Slack channels of the client or n8n). A file attached to a note becomes staff-only."
)


def _list(ctx: Ctx) -> Any:
    q = ctx.query
    return service.list_threads(ctx.user, org_id=q.orgId, project_id=q.projectId, cursor=q.cursor, limit=q.limit)


def _start(ctx: Ctx) -> Any:
    b = ctx.body
    return Reply(service.start_thread(ctx.user, subject=b.subject, body=b.body, project_id=b.projectId,
                                      org_id=b.orgId, attachments=b.attachments), status=201)  # fmt: skip


def _post(ctx: Ctx) -> Any:
    b = ctx.body
    return Reply(service.post(ctx.user, ctx.params["threadId"], body=b.body, attachments=b.attachments,
                              internal=b.internal), status=201)  # fmt: skip


def _edit(ctx: Ctx) -> Any:
    return service.change(ctx.user, ctx.params["threadId"], ctx.params["messageId"], body=ctx.body.body)


def _delete(ctx: Ctx) -> Any:
    return service.change(ctx.user, ctx.params["threadId"], ctx.params["messageId"], body=None)


# fmt: off
messages = Route("messages", "/api/messages", "messages", (
    Operation(GET, _list, "The caller's threads, newest activity first, with unread counts, paginated",
              query=m.ThreadsQuery, response=m.ThreadList, errors=(400, 403, 404),
              description="Staff see every client's threads, or one client's with `orgId`."),
    Operation(POST, _start, "Start a thread with its first message (staff name the organisation)",
              body=m.ThreadIn, response=m.ThreadOut, status=201, errors=(400, 403, 404, 409),
              description="`attachments` are ids of files of the same organisation (`GET /api/files`)."),
))
message_thread = Route("message_thread", "/api/messages/{threadId}", "messages", (
    Operation(GET, lambda ctx: service.get_thread(ctx.user, ctx.params["threadId"], cursor=ctx.query.cursor,
                                                  limit=ctx.query.limit),
              "A thread and its messages, paginated backwards from the newest (each page oldest first)",
              query=m.MessagesQuery, response=m.ThreadDetail, errors=(400, 403, 404)),
    Operation(POST, _post, "Send a message, or (staff) an internal note", body=m.MessageIn, response=m.MessageOut,
              status=201, errors=(400, 403, 404, 409), description=NOTES_DOC),
))
message_read = Route("message_read", "/api/messages/{threadId}/read", "messages", (
    Operation(POST, lambda ctx: service.mark_read(ctx.user, ctx.params["threadId"]),
              "Mark a thread read for the caller (and their notifications about it)", response=m.ReadOut,
              errors=(403, 404)),
))
message_detail = Route("message_detail", "/api/messages/{threadId}/{messageId}", "messages", (
    Operation(PATCH, _edit, "Edit a message: its author, within 15 minutes (marked edited)", body=m.MessageEdit,
              response=m.MessageOut, errors=(400, 403, 404, 409)),
    Operation(DELETE, _delete, "Delete a message: its author within 15 minutes, or staff (a trace stays)",
              response=m.MessageOut, errors=(403, 404, 409)),
))
# fmt: on

ROUTES = (messages, message_thread, message_read, message_detail)
