"""Approval triggers: new items and versions ask for a decision; decisions are announced."""

from deployment import EVENTS
from firebase_functions import firestore_fn

from portal.monitoring import reported

from ._change import data


@firestore_fn.on_document_written(document="orgs/{orgId}/approvals/{approvalId}", **EVENTS)
@reported
def approval_written(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
    from portal.approvals.events import on_approval_written

    before, after = event.data.before, event.data.after
    on_approval_written(
        event.id,
        event.params["orgId"],
        event.params["approvalId"],
        data(before),
        data(after),
    )


@firestore_fn.on_document_created(document="orgs/{orgId}/approvals/{approvalId}/decisions/{decisionId}", **EVENTS)
@reported
def decision_created(event: firestore_fn.Event[firestore_fn.DocumentSnapshot | None]) -> None:
    from portal.approvals.events import on_decision_created

    if event.data is not None:
        on_decision_created(event.params["orgId"], event.params["approvalId"], event.data.to_dict() or {})
