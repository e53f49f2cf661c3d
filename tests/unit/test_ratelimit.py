from __future__ import annotations

from portal.ratelimit import SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_up_to_the_limit_then_says_how_long_to_wait() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(60, clock)
    assert [limiter.hit("k", 3) for _ in range(3)] == [0, 0, 0]
    wait = limiter.hit("k", 3)
    assert 1 <= wait <= 61
    assert limiter.hit("other", 3) == 0


def test_the_previous_window_still_counts_in_proportion() -> None:
    clock = Clock()
    clock.now = 60 * 100  # start of a window
    limiter = SlidingWindowLimiter(60, clock)
    for _ in range(10):
        assert limiter.hit("k", 10) == 0
    clock.now += 60 + 30  # halfway through the next window: about 5 of 10 still count
    allowed = 0
    while limiter.hit("k", 10) == 0:
        allowed += 1
    assert allowed == 5
    clock.now += 60 * 3  # long idle: full allowance again
    assert sum(1 for _ in range(10) if limiter.hit("k", 10) == 0) == 10
