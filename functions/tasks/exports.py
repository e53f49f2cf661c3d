"""The task queue that builds data export archives (one task per export; it can take minutes)."""

from deployment import EVENTS, with_secrets
from firebase_functions import options, tasks_fn

from params import DRIVE_SERVICE_ACCOUNT_JSON
from portal.monitoring import reported

RETRIES = options.RetryConfig(max_attempts=2, min_backoff_seconds=60, max_backoff_seconds=300)


@tasks_fn.on_task_dispatched(
    retry_config=RETRIES,
    rate_limits=options.RateLimits(max_concurrent_dispatches=2),
    memory=options.MemoryOption.MB_512,
    timeout_sec=1800,
    **with_secrets(EVENTS, DRIVE_SERVICE_ACCOUNT_JSON),
)
@reported
def exporter(req: tasks_fn.CallableRequest) -> None:
    from portal.privacy.exports import build

    build(str(req.data["orgId"]), str(req.data["exportId"]))
