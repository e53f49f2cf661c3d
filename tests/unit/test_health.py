"""The health check answers 503 (and logs why) when Firestore does not answer."""

from __future__ import annotations

from typing import Any

import pytest

from portal import db
from portal.errors import Unavailable


class _Unreachable:
    def collection(self, name: str) -> Any:
        return self

    def document(self, name: str) -> Any:
        return self

    def get(self, **kwargs: Any) -> Any:
        assert kwargs["timeout"] <= 5  # an uptime monitor must not wait on retries
        raise TimeoutError("deadline exceeded")


def test_unreachable_firestore_is_unavailable() -> None:
    with db.using(_Unreachable()), pytest.raises(Unavailable) as caught:  # type: ignore[arg-type]
        db.check_reachable()
    assert caught.value.status == 503 and "deadline" not in str(caught.value)
