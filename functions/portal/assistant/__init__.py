"""The assistant (ChatKit): answers a person's questions from the portal data they may see,
and hands the conversation to the team as a message thread.

- ``routes``/``service``: ``/api/chatkit``, ChatKit's protocol behind the request pipeline.
- ``store``: ChatKit's ``Store`` on Firestore, one person's conversations in their organisation.
- ``server``: ``respond`` with the Agents SDK; ``tools``: what it may read, as the caller.
- ``spend``: the daily token cap per organisation. ``settings``: configuration.

For a person's data export and erasure (``portal.privacy``)::

    from portal.assistant import export_user, erase_user
    export_user(uid)  # {"conversations": [{"id", "orgId", "title", "createdAt", "updatedAt", "items": [...]}]}
    erase_user(uid)   # deletes them all; the number of conversations deleted
"""

from __future__ import annotations

from typing import Any


def export_user(uid: str) -> dict[str, Any]:
    """The conversations of ``uid`` with the assistant, as JSON-able data (see the module doc)."""
    from .personal import export_user as export

    return export(uid)


def erase_user(uid: str) -> int:
    """Delete every conversation of ``uid`` with the assistant; how many were deleted."""
    from .personal import erase_user as erase

    return erase(uid)
