"""Models of the notifications feed and preferences."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from ..api.common import Limit, Model, Out

KindId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class FeedQuery(Model):
    cursor: Annotated[str, StringConstraints(max_length=2000)] | None = None
    limit: Limit = 20
    unread: bool = False


class Notification(Out):
    id: str
    kind: str
    label: str
    title: str
    body: str = ""
    link: str
    read: bool
    orgId: str | None = None
    createdAt: str | None = None
    count: int | None = None
    """A thread's notification: how many of its messages are new since it was last read."""


class Feed(Out):
    items: list[Notification]
    next: str | None = None
    unread: int


class UnreadCount(Out):
    unread: int


class Marked(Out):
    id: str
    read: bool
    unread: int


class MarkedAll(Out):
    updated: int
    unread: int


class KindPreference(Out):
    id: str
    label: str
    receives: str
    default: Literal["in_app", "email", "digest"]
    channel: Literal["in_app", "email", "digest"]
    batched: bool = False


class Preferences(Out):
    channels: list[str]
    kinds: list[KindPreference]


class PreferencesPatch(Model):
    kinds: Annotated[dict[KindId, Annotated[str, StringConstraints(max_length=32)]], Field(max_length=50)]
