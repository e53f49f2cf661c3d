"""Message triggers: a new message or internal note has its side effects, once."""

from deployment import EVENTS
from firebase_functions import firestore_fn


@firestore_fn.on_document_created(document="orgs/{orgId}/threads/{threadId}/messages/{messageId}", **EVENTS)
def message_created(event: firestore_fn.Event[firestore_fn.DocumentSnapshot | None]) -> None:
    from portal.messages.events import on_message_created

    if event.data is not None:
        p = event.params
        on_message_created(p["orgId"], p["threadId"], p["messageId"], event.data.to_dict() or {})


@firestore_fn.on_document_created(document="orgs/{orgId}/threads/{threadId}/notes/{noteId}", **EVENTS)
def note_created(event: firestore_fn.Event[firestore_fn.DocumentSnapshot | None]) -> None:
    from portal.messages.events import on_message_created

    if event.data is not None:
        p = event.params
        on_message_created(p["orgId"], p["threadId"], p["noteId"], event.data.to_dict() or {}, internal=True)
