"""Project triggers: the activity timeline, the dashboard summaries, and the notifications,
Slack messages and n8n events of a status change or a completed milestone; a contract GBU sent
for signature tells the client's owners."""

from deployment import EVENTS
from firebase_functions import firestore_fn

from portal.monitoring import reported

from ._change import data


@firestore_fn.on_document_written(document="orgs/{orgId}/projects/{projectId}", **EVENTS)
@reported
def project_written(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
    from portal.projects.activity import on_project_written

    before, after = event.data.before, event.data.after
    on_project_written(
        event.id,
        event.params["orgId"],
        event.params["projectId"],
        data(before),
        data(after),
    )


@firestore_fn.on_document_written(document="orgs/{orgId}/contracts/{contractId}", **EVENTS)
@reported
def contract_written(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
    from portal.contracts.events import on_contract_written

    before, after = event.data.before, event.data.after
    on_contract_written(event.params["orgId"], event.params["contractId"], data(before), data(after))
