"""The task queue that mails a person's still-unread message notifications, batched."""

from deployment import EVENTS
from firebase_functions import options, tasks_fn

from portal.monitoring import Retrying, reported

RETRIES = options.RetryConfig(max_attempts=12, min_backoff_seconds=30, max_backoff_seconds=300)


@tasks_fn.on_task_dispatched(retry_config=RETRIES, **EVENTS)
@reported
def mailer(req: tasks_fn.CallableRequest) -> None:
    from portal.notifications.service import send_waiting

    if send_waiting(str(req.data["home"]), str(req.data["uid"])) == "early":
        raise Retrying("not due yet")  # the queue tries again after its backoff
