"""The task queue that delivers Slack, n8n and email messages, with retries and backoff."""

from deployment import EVENTS, with_secrets
from firebase_functions import options, tasks_fn

from params import N8N_EVENTS_SECRET, SMTP_PASSWORD
from portal.deliveries import MAX_ATTEMPTS
from portal.monitoring import Retrying, reported

RETRIES = options.RetryConfig(max_attempts=MAX_ATTEMPTS, min_backoff_seconds=10, max_backoff_seconds=600)


@tasks_fn.on_task_dispatched(
    retry_config=RETRIES,
    rate_limits=options.RateLimits(max_concurrent_dispatches=10),
    **with_secrets(EVENTS, N8N_EVENTS_SECRET, SMTP_PASSWORD),
)
@reported
def deliver(req: tasks_fn.CallableRequest) -> None:
    from portal.deliveries.service import attempt
    from portal.integrations.outbound import Retry

    retries = int(req.raw_request.headers.get("X-CloudTasks-TaskRetryCount", "0") or 0)
    try:
        attempt(str(req.data["deliveryId"]), final=retries + 1 >= MAX_ATTEMPTS)
    except Retry as exc:  # the queue tries again after its backoff
        raise Retrying(str(exc)) from None
