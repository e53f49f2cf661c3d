"""Models of message threads, messages and internal notes."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from ..api.common import Id, Limit, Model, Out, Title
from ..files.models import Attachment, AttachmentIds

MAX_BODY = 10_000
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_BODY)]
"""A message's text: not empty, at most 10,000 characters."""
Cursor = Annotated[str, StringConstraints(max_length=1024)]


class ThreadsQuery(Model):
    orgId: Id | None = None
    """Staff: one client's threads (default: every client's)."""
    projectId: Id | None = None
    cursor: Cursor | None = None
    limit: Limit = 25


class ThreadIn(Model):
    subject: Title
    body: Body
    projectId: Id | None = None
    orgId: Id | None = None
    """Staff name the client organisation; clients start threads in their own."""
    attachments: AttachmentIds = []


class MessagesQuery(Model):
    cursor: Cursor | None = None
    """From ``nextCursor``: older messages."""
    limit: Limit = 50


class MessageIn(Model):
    body: Body
    attachments: AttachmentIds = []
    internal: bool = False
    """Staff: an internal note, which clients never see."""


class MessageEdit(Model):
    body: Body


class Author(Out):
    uid: str | None = None
    email: str | None = None
    name: str | None = None
    role: str | None = None


class Message(Out):
    id: str
    threadId: str
    seq: int | None = None
    internal: bool = False
    """An internal note (staff only)."""
    author: Author
    body: str
    attachments: list[Attachment] = []
    createdAt: str | None = None
    editedAt: str | None = None
    deleted: bool = False
    deletedAt: str | None = None
    deletedBy: Author | None = None
    canEdit: bool = False
    canDelete: bool = False


class LastMessage(Out):
    id: str | None = None
    author: Author | None = None
    excerpt: str = ""
    at: str | None = None
    deleted: bool = False


class Thread(Out):
    id: str
    orgId: str
    orgName: str = ""
    projectId: str | None = None
    projectName: str | None = None
    subject: str
    participants: list[Author] = []
    createdBy: Author | None = None
    createdAt: str | None = None
    lastActivityAt: str | None = None
    lastMessage: LastMessage | None = None
    messageCount: int = 0
    unread: int = 0


class ThreadList(Out):
    items: list[Thread]
    nextCursor: str | None = None
    unreadThreads: int = 0
    """Threads with news for the caller in this scope (all pages; the navigation's badge)."""


class ThreadOut(Out):
    thread: Thread


class ThreadDetail(Out):
    thread: Thread
    messages: list[Message]
    """Oldest first; for staff, internal notes interleaved by time."""
    nextCursor: str | None = None
    """Older messages: ``?cursor=``."""


class MessageOut(Out):
    message: Message


class ReadOut(Out):
    ok: bool = True
    notificationsRead: int = 0
