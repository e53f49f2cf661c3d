"""Models of the notifications feed and preferences."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from ..api.common import Documented, Limit, Model, Out
from . import kinds

KindId = Annotated[
    str, StringConstraints(min_length=1, max_length=64), Documented(lambda: {"enum": sorted(kinds.KINDS)})
]
"""A kind of notification (one the caller receives, or 400 ``unknown_kind``)."""
ChannelName = Annotated[str, StringConstraints(max_length=32), Documented({"enum": list(kinds.CHANNELS)})]
"""How a kind reaches the caller (another, 400 ``unknown_channel``)."""


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
    kinds: Annotated[dict[KindId, ChannelName], Field(max_length=50)]
