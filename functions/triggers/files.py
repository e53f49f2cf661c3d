"""File trigger: a file uploaded through the portal notifies the other side, once per version."""

from deployment import EVENTS
from firebase_functions import firestore_fn

from portal.monitoring import reported

from ._change import data


@firestore_fn.on_document_written(document="orgs/{orgId}/files/{fileId}", **EVENTS)
@reported
def file_written(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
    from portal.files.events import on_file_written

    on_file_written(event.params["orgId"], event.params["fileId"], data(event.data.before), data(event.data.after))
