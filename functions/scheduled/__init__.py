"""Scheduled functions: polling fallbacks, reminders, digests, clean-ups.

Each is declared with :func:`job`, and only so: its schedule is the one ``portal.jobs.JOBS``
gives its name (where the health check finds it too), each run's success or failure is
recorded there (``portal.jobs.recorded``), and a defect is reported (``portal.monitoring``).
"""

from collections.abc import Callable
from typing import Any

from firebase_functions import scheduler_fn

from portal import jobs
from portal.monitoring import reported

Body = Callable[[scheduler_fn.ScheduledEvent], None]


def job(**options: Any) -> Callable[[Body], Any]:
    """``scheduler_fn.on_schedule`` with the function's declared schedule, recorded and reported."""

    def declare(fn: Body) -> Any:
        spec = jobs.declared(fn.__name__)
        timing = {"schedule": spec.schedule, **({"timezone": spec.timezone} if spec.timezone else {})}
        return scheduler_fn.on_schedule(**timing, **options)(reported(jobs.recorded(fn)))

    return declare
