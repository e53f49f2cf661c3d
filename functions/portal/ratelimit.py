"""Rate limiting with a sliding window, per key (user id, client IP) and bucket.

Counters live in the function instance's memory: no I/O on the request path. The
bound across a deployment is the limit times the instances; ``functions/https``
caps instances per function (``max_instances``) so that bound is known.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class SlidingWindowLimiter:
    """Allows ``limit`` events per ``window`` seconds per key (two-window approximation)."""

    def __init__(self, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int, int]] = {}  # key -> (window index, current, previous)

    def hit(self, key: str, limit: int) -> int:
        """Count one event; return 0 when allowed, else seconds until it would be."""
        now = self.clock()
        index = int(now // self.window)
        with self._lock:
            start, current, previous = self._counts.get(key, (index, 0, 0))
            if index != start:
                previous = current if index == start + 1 else 0
                current = 0
            elapsed = (now % self.window) / self.window
            estimate = previous * (1 - elapsed) + current
            if estimate + 1 > limit:
                self._counts[key] = (index, current, previous)
                return max(1, int(self.window - (now % self.window)) + 1)
            self._counts[key] = (index, current + 1, previous)
            if len(self._counts) > 50_000:
                self._evict(index)
            return 0

    def _evict(self, index: int) -> None:
        for key in [k for k, (start, _, _) in self._counts.items() if start < index - 1]:
            del self._counts[key]


LIMITER = SlidingWindowLimiter()
