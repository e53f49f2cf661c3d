"""The task queue that delivers Slack, n8n and email messages, with retries and backoff."""

from deployment import EVENTS, with_secrets
from firebase_functions import options, tasks_fn

from params import SMTP_PASSWORD
from portal.deliveries.service import MAX_ATTEMPTS, attempt
from portal.integrations.outbound import Retry

RETRIES = options.RetryConfig(max_attempts=MAX_ATTEMPTS, min_backoff_seconds=10, max_backoff_seconds=600)


@tasks_fn.on_task_dispatched(
    retry_config=RETRIES,
    rate_limits=options.RateLimits(max_concurrent_dispatches=10),
    **with_secrets(EVENTS, SMTP_PASSWORD),
)
def deliver(req: tasks_fn.CallableRequest) -> None:
    retries = int(req.raw_request.headers.get("X-CloudTasks-TaskRetryCount", "0") or 0)
    try:
        attempt(str(req.data["deliveryId"]), final=retries + 1 >= MAX_ATTEMPTS)
    except Retry as exc:  # the queue tries again after its backoff
        raise RuntimeError(str(exc)) from None
