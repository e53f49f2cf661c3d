"""What the assistant's endpoint documents (ChatKit's own request and event types are its body)."""

from __future__ import annotations

from pydantic import BaseModel


class AssistantStatus(BaseModel):
    """The assistant's state for the caller: on, the model, the ChatKit domain key, and the
    organisation's tokens spent today against its daily limit (0: no limit)."""

    configured: bool
    model: str
    domainKey: str
    usedToday: int
    dailyLimit: int
    limitReached: bool
