"""Error tracking: a defect (an unhandled exception in a request, a trigger, a job) goes
to Sentry when ``SENTRY_DSN`` is set, and nowhere but the logs otherwise.

Nothing personal leaves the portal: no request (URL, headers, cookies, body), no user, no
local variables, no breadcrumbs (log lines), and no exception *messages*, which can quote
what a caller sent. What is sent: the exception's type, its stack (files, functions,
lines), the function's name, the request id, which finds the whole story in the logs, and the
release (``PORTAL_RELEASE``).

The SDK is imported on the first error, never at cold start.
"""

from __future__ import annotations

import threading
from typing import Any

from firebase_functions.https_fn import FunctionsErrorCode, HttpsError

from . import config

_lock = threading.Lock()
_ready: bool | None = None


def _scrub(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    for key in ("request", "user", "breadcrumbs", "extra", "contexts", "modules"):
        event.pop(key, None)
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = ""
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            for key in ("vars", "pre_context", "context_line", "post_context"):
                frame.pop(key, None)
    event.pop("logentry", None)
    event.pop("message", None)
    return event


def enabled() -> bool:
    global _ready
    if _ready is None:
        with _lock:
            if _ready is None:
                dsn = config.env("SENTRY_DSN")
                if dsn:
                    import sentry_sdk

                    sentry_sdk.init(
                        dsn=dsn,
                        environment=config.project_id(),
                        release=config.release(),
                        data_collection={
                            "user_info": False,
                            "http_bodies": [],
                            "stack_frame_variables": False,
                            "frame_context_lines": 0,
                            "database_query_data": False,
                        },
                        max_breadcrumbs=0,
                        default_integrations=False,
                        auto_enabling_integrations=False,
                        traces_sample_rate=0,
                        before_send=_scrub,  # type: ignore[arg-type]
                    )
                _ready = bool(dsn)
    return _ready


def capture(exc: BaseException, **tags: str) -> None:
    """Report ``exc`` (with ``tags`` such as the function and request id) when enabled,
    and wait briefly for it to leave: a function may be frozen once it has answered."""
    if not enabled():
        return
    import sentry_sdk

    with sentry_sdk.new_scope() as scope:
        for name, value in tags.items():
            scope.set_tag(name, value)
        sentry_sdk.capture_exception(exc)
    sentry_sdk.flush(timeout=2)


def reset() -> None:
    """Forget the configuration (tests change ``SENTRY_DSN``)."""
    global _ready
    with _lock:
        if _ready:
            import sentry_sdk

            sentry_sdk.get_client().close(timeout=2)
            sentry_sdk.init()  # a client with no DSN: sends nothing
        _ready = None


class Retrying(HttpsError):
    """An expected failure that asks a task queue to run the task again after its backoff:
    answered 503 (the queue retries any failure) without the SDK's "Unhandled error" line at
    ERROR severity, which is for defects (and what error alerts count); never reported."""

    def __init__(self, message: str) -> None:
        super().__init__(FunctionsErrorCode.UNAVAILABLE, message)


def reported(fn: Any) -> Any:
    """Wrap a trigger, scheduled or task function: a defect is reported, then raised as
    before (so the platform's own retry and logs still see it)."""
    import functools

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Retrying:
            raise
        except Exception as exc:
            capture(exc, function=fn.__name__)
            raise

    return run
