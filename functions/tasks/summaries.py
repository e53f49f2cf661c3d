"""The task queue that refreshes dashboard summaries: one run per organisation and window.
(A task queue is named after its function, and queue names take no underscores.)"""

from deployment import EVENTS
from firebase_functions import options, tasks_fn

from portal.monitoring import reported

RETRIES = options.RetryConfig(max_attempts=5, min_backoff_seconds=5, max_backoff_seconds=120)


@tasks_fn.on_task_dispatched(
    retry_config=RETRIES, rate_limits=options.RateLimits(max_concurrent_dispatches=20), **EVENTS
)
@reported
def summarize(req: tasks_fn.CallableRequest) -> None:
    from portal.dashboard.summaries import run_requested

    run_requested(str(req.data["orgId"]), int(req.data["window"]))
