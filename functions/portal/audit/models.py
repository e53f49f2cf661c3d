"""Models of the audit log's API and of view as client."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, StringConstraints, WithJsonSchema, model_validator

from ..api.common import Id, Limit, Model, Out
from . import actions

Cursor = Annotated[str, StringConstraints(max_length=1024)]


def _known_action(value: str) -> str:
    if not actions.known(value):
        raise ValueError("unknown action: see the audit log's list of actions")
    return value


ActionName = Annotated[
    str,
    StringConstraints(max_length=64),
    AfterValidator(_known_action),
    WithJsonSchema({"type": "string", "enum": sorted(actions.ACTIONS)}),
]


class AuditQuery(Model):
    orgId: Id | None = None
    """Admins: one organisation (default: all). Client owners: their own only."""
    actor: Id | None = None
    """The uid of who acted."""
    action: ActionName | None = None
    since: AwareDatetime | None = None
    """Entries at or after this instant (ISO 8601 with a time zone)."""
    until: AwareDatetime | None = None
    """Entries before this instant."""
    cursor: Cursor | None = None
    limit: Limit | None = None

    @model_validator(mode="after")
    def _ordered(self) -> AuditQuery:
        if self.since and self.until and self.since >= self.until:
            raise ValueError("since must be before until")
        return self


class Entry(Out):
    id: str
    action: str
    at: dt.datetime | None = None
    actorUid: str | None = None
    actorEmail: str | None = None
    actorRole: str | None = None
    viewerUid: str | None = None
    orgId: str | None = None
    target: str | None = None
    details: dict[str, Any] = {}
    ip: str | None = None
    requestId: str | None = None


class ActionInfo(Out):
    name: str
    description: str


class AuditList(Out):
    items: list[Entry]
    nextCursor: str | None = None
    actions: list[ActionInfo] = []


class ViewAsIn(Model):
    uid: Id


class ViewAsOut(Out):
    token: str
    expiresAt: int
    uid: str
    email: str
    role: str
    orgId: str


ViewAsToken = Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class ViewAsEndIn(Model):
    token: ViewAsToken
