"""ChatKit's ``Store`` on Firestore: one person's conversations in their organisation.

A conversation is ``orgs/{orgId}/assistantThreads/{threadId}`` (its owner's ``uid``, title,
times, and ChatKit's thread metadata as JSON); its items are ``.../items/{itemId}``, each
ChatKit's item as JSON with the time it was made. Every read and write goes through the
caller's grant (``assistant.use`` on their own organisation) and checks the owner: another
person's conversation, or another organisation's, is "not found"."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chatkit.store import NotFoundError, Store, StoreItemType
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata
from pydantic import TypeAdapter

from .. import db, ids
from ..db import Grant
from ..identity import Caller

_ITEM: TypeAdapter[ThreadItem] = TypeAdapter(ThreadItem)
_PREFIX = {"thread": "thr", "message": "msg", "tool_call": "tc", "workflow": "wf", "task": "tsk",
           "attachment": "atc", "sdk_hidden_context": "shcx"}  # fmt: skip


@dataclass(frozen=True)
class Request:
    """What every ChatKit call carries: who asks, and their grant on their own organisation."""

    caller: Caller
    grant: Grant


def _new_id(kind: str) -> str:
    return f"{_PREFIX.get(kind, kind)}-{secrets.token_hex(8)}"


def _at(value: Any) -> float:
    return float(value.timestamp()) if hasattr(value, "timestamp") else float(db.now())


class FirestoreStore(Store[Request]):
    """Conversations of the person in ``context.caller``, nobody else's."""

    def generate_thread_id(self, context: Request) -> str:
        return _new_id("thread")

    def generate_item_id(self, item_type: StoreItemType, thread: ThreadMetadata, context: Request) -> str:
        return _new_id(item_type)

    # --- threads ---------------------------------------------------------------------------

    def _thread_ref(self, thread_id: str, context: Request, *, must_exist: bool = True) -> Any:
        if not ids.valid(thread_id):
            raise NotFoundError("Conversation not found.")
        ref = context.grant.assistant_thread(thread_id)
        if must_exist:
            snap = ref.get(["uid"])
            if not snap.exists or snap.get("uid") != context.caller.uid:
                raise NotFoundError("Conversation not found.")
        return ref

    async def load_thread(self, thread_id: str, context: Request) -> ThreadMetadata:
        ref = self._thread_ref(thread_id, context, must_exist=False)
        snap = ref.get()
        data = snap.to_dict() or {}
        if not snap.exists or data.get("uid") != context.caller.uid:
            raise NotFoundError("Conversation not found.")
        return ThreadMetadata.model_validate_json(data["thread"])

    async def save_thread(self, thread: ThreadMetadata, context: Request) -> None:
        ref = self._thread_ref(thread.id, context, must_exist=False)
        snap = ref.get(["uid"])
        if snap.exists and snap.get("uid") != context.caller.uid:
            raise NotFoundError("Conversation not found.")
        ref.set(
            {
                "id": thread.id,
                "uid": context.caller.uid,
                "orgId": context.grant.org.id,
                "title": thread.title,
                "createdAt": _at(thread.created_at),
                "updatedAt": db.now(),
                "thread": thread.model_dump_json(exclude={"items"}),
            },
            merge=True,
        )

    async def load_threads(self, limit: int, after: str | None, order: str, context: Request) -> Page[ThreadMetadata]:
        from google.cloud import firestore

        direction = firestore.Query.ASCENDING if order == "asc" else firestore.Query.DESCENDING
        query = (
            context.grant.assistant_threads()
            .where(filter=db.eq("uid", context.caller.uid))
            .order_by("createdAt", direction=direction)
            .order_by("__name__", direction=direction)
        )
        if after:
            start = context.grant.assistant_thread(after).get() if ids.valid(after) else None
            if start is None or not start.exists or start.get("uid") != context.caller.uid:
                raise NotFoundError("Conversation not found.")
            query = query.start_after(start)
        return _page(
            query, max(1, min(int(limit or 20), 100)), lambda s: ThreadMetadata.model_validate_json(s.get("thread"))
        )

    async def delete_thread(self, thread_id: str, context: Request) -> None:
        ref = self._thread_ref(thread_id, context)
        _delete_thread(ref)

    # --- items -----------------------------------------------------------------------------

    async def load_thread_items(
        self, thread_id: str, after: str | None, limit: int, order: str, context: Request
    ) -> Page[ThreadItem]:
        from google.cloud import firestore

        ref = self._thread_ref(thread_id, context)
        direction = firestore.Query.ASCENDING if order == "asc" else firestore.Query.DESCENDING
        query = db.assistant_items(ref).order_by("at", direction=direction).order_by("__name__", direction=direction)
        if after:
            start = db.assistant_items(ref).document(after).get() if ids.valid(after) else None
            if start is None or not start.exists:
                raise NotFoundError("Item not found.")
            query = query.start_after(start)
        return _page(query, max(1, min(int(limit or 50), 200)), lambda s: _ITEM.validate_json(s.get("item")))

    async def add_thread_item(self, thread_id: str, item: ThreadItem, context: Request) -> None:
        await self.save_item(thread_id, item, context)

    async def save_item(self, thread_id: str, item: ThreadItem, context: Request) -> None:
        ref = self._thread_ref(thread_id, context)
        if not ids.valid(item.id):
            raise NotFoundError("Item not found.")
        items = db.assistant_items(ref)
        existing = items.document(item.id).get(["at"])
        at = existing.get("at") if existing.exists else _at(item.created_at)
        items.document(item.id).set({"id": item.id, "type": item.type, "at": at, "item": item.model_dump_json()})
        ref.update({"updatedAt": db.now()})

    async def load_item(self, thread_id: str, item_id: str, context: Request) -> ThreadItem:
        ref = self._thread_ref(thread_id, context)
        snap = db.assistant_items(ref).document(item_id).get() if ids.valid(item_id) else None
        if snap is None or not snap.exists:
            raise NotFoundError("Item not found.")
        return _ITEM.validate_json(snap.get("item"))

    async def delete_thread_item(self, thread_id: str, item_id: str, context: Request) -> None:
        ref = self._thread_ref(thread_id, context)
        if ids.valid(item_id):
            db.assistant_items(ref).document(item_id).delete()

    def set_feedback(self, thread_id: str, item_ids: list[str], kind: str, context: Request) -> None:
        """Record ``kind`` (positive, negative) on the named items of one's own conversation."""
        ref = self._thread_ref(thread_id, context)
        for item_id in item_ids[:50]:
            doc = db.assistant_items(ref).document(item_id) if ids.valid(item_id) else None
            if doc is not None and doc.get(["at"]).exists:
                doc.update({"feedback": kind})

    # --- attachments (the portal's assistant takes none) -------------------------------------

    async def save_attachment(self, attachment: Attachment, context: Request) -> None:
        raise NotImplementedError("The assistant takes no attachments.")

    async def load_attachment(self, attachment_id: str, context: Request) -> Attachment:
        raise NotFoundError("Attachment not found.")

    async def delete_attachment(self, attachment_id: str, context: Request) -> None:
        raise NotFoundError("Attachment not found.")


def _delete_thread(ref: Any) -> int:
    """Delete a conversation and its items; the number of items deleted."""
    count = db.delete_matching(db.assistant_items(ref))
    ref.delete()
    return count


def transcript(items: list[ThreadItem], limit: int = 8000) -> str:
    """A conversation as plain text (who said what), the latest part if it is long."""
    lines: list[str] = []
    for item in items:
        if item.type == "user_message":
            text = " ".join(getattr(c, "text", "") for c in item.content)
            lines.append(f"Client: {text.strip()}")
        elif item.type == "assistant_message":
            text = " ".join(getattr(c, "text", "") for c in item.content)
            lines.append(f"Assistant: {text.strip()}")
    out = "\n".join(lines)
    return out if len(out) <= limit else "…" + out[-limit:]


def _page(query: Any, limit: int, decode: Callable[[Any], Any]) -> Page[Any]:
    """One page of ``query`` (one document more is read to know whether another follows),
    each document decoded; ``after`` is the last one's id when there is more."""
    snaps = list(query.limit(limit + 1).stream())
    more = len(snaps) > limit
    data = [decode(s) for s in snaps[:limit]]
    return Page(data=data, has_more=more, after=data[-1].id if more and data else None)
