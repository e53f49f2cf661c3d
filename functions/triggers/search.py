"""Search index triggers: every write of an indexed item re-indexes it (``portal.search``).

One trigger per kind of ``portal.search.kinds.KINDS``; a new kind adds one line here."""

from typing import Any

from deployment import EVENTS
from firebase_functions import firestore_fn

from portal.monitoring import reported
from portal.search.kinds import KINDS


def _indexer(kind: str) -> Any:
    def index(event: firestore_fn.Event[Any]) -> None:
        from portal.search.index import on_written

        on_written(kind, event.params)

    # The deployed function's name is the Python function's: one per kind.
    index.__name__ = index.__qualname__ = f"search_index_{kind}"
    return firestore_fn.on_document_written(document=KINDS[kind].document, **EVENTS)(reported(index))


search_index_project = _indexer("project")
search_index_approval = _indexer("approval")
search_index_file = _indexer("file")
search_index_thread = _indexer("thread")
search_index_message = _indexer("message")
search_index_note = _indexer("note")
