"""What a Firestore trigger's snapshots hold, as the services take it."""

from typing import Any

from firebase_functions import firestore_fn


def data(snapshot: firestore_fn.DocumentSnapshot | None) -> dict[str, Any] | None:
    """The document's fields, or None when it does not exist (created or deleted)."""
    return snapshot.to_dict() if snapshot is not None and snapshot.exists else None
