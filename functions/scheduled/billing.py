"""The polling fallback for missed Whop webhooks (backs off while Whop is down)."""

from deployment import EVENTS, with_secrets
from firebase_functions import scheduler_fn

from params import WHOP_API_KEY, WHOP_WEBHOOK_SECRET
from scheduled import job


@job(**with_secrets(EVENTS, WHOP_API_KEY, WHOP_WEBHOOK_SECRET))
def poll_whop(event: scheduler_fn.ScheduledEvent) -> None:
    from portal.billing.service import sync_all

    sync_all(respect_backoff=True)
