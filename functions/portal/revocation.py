"""Whether a credential was revoked or its account disabled, without asking Firebase Auth
on every request.

Firebase's own check (``verify_id_token(token, check_revoked=True)``, the same for session
cookies) looks the account up (Identity Toolkit ``accounts:lookup``) on every call: deployed,
a network round trip to Google's Auth API before every API request. Instead each instance
remembers, per account, what the lookup said, and trusts it for ``SESSION_CHECK_SECONDS``
(60 by default; the interval signing one device out already accepts, :mod:`portal.account.sessions`):

- **what is remembered**: when the account's credentials were last revoked
  (``tokens_valid_after``, whole seconds, in milliseconds as Firebase gives it), whether it is
  disabled, whether it exists;
- **the decision is Firebase's own**, from that state: a disabled account is refused, then a
  credential with ``iat * 1000 < tokens_valid_after`` is revoked (whole seconds: a credential
  issued in the second of the revocation stays valid, as Firebase has it), and an account that
  no longer exists is refused;
- **read again** when what is remembered is older than the interval, and for a credential
  issued in or after the second the state was read: Firebase gives no credential to a disabled
  account, so a newer credential means the account may have changed since (enabled again, or
  made again under the same uid). That costs one lookup per new credential per instance;
- **forgotten at once** by the instance that revokes, disables, enables or deletes an account
  (:meth:`Revocations.forget`): that instance refuses on its next request. A lookup that was
  under way when something was forgotten is not remembered (it may predate the change).

The price: an account revoked or disabled by another instance, or outside the portal (a
password changed in the browser, the Firebase console), keeps working on an instance that
looked it up recently for at most the interval. ``SESSION_CHECK_SECONDS=0`` looks every
credential up, as before.

Bounded (the least recently used account is dropped past :data:`DEFAULT_SIZE`), thread-safe,
and free of the SDK: the lookup and the clocks are handed in, so the rules are unit-tested.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEFAULT_SIZE = 4096


@dataclass(frozen=True)
class State:
    """What Firebase Auth says of an account (``UserRecord``): ``valid_after_ms`` is
    ``tokens_valid_after_timestamp`` (whole seconds, in milliseconds; 0 when never revoked)."""

    valid_after_ms: int = 0
    disabled: bool = False
    exists: bool = True


GONE = State(exists=False)
"""An account that does not exist (deleted)."""


class Refused(Exception):
    """A credential Firebase would refuse: ``reason`` is ``disabled``, ``revoked``, ``gone``
    (no such account) or ``invalid`` (no usable ``iat``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def refusal(state: State, issued_at: float) -> str | None:
    """Firebase's decision (``_check_jwt_revoked_or_disabled``) for a credential issued at
    ``issued_at`` (its ``iat``, seconds): why it is refused, or None."""
    if not state.exists:
        return "gone"
    if state.disabled:
        return "disabled"
    if issued_at * 1000 < state.valid_after_ms:
        return "revoked"
    return None


@dataclass(frozen=True)
class _Entry:
    state: State
    read_at: float  # monotonic, when the lookup started
    read_second: int  # the wall clock's second when the lookup started


class Revocations:
    """Per-instance memory of accounts' revocation state (see the module's docstring).

    ``lookup(uid)`` reads the account from Firebase Auth (a round trip); ``ttl()`` is how long
    a state is trusted, in seconds; ``monotonic`` and ``wall`` are the clocks."""

    def __init__(
        self,
        lookup: Callable[[str], State],
        ttl: Callable[[], float],
        *,
        size: int = DEFAULT_SIZE,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._lookup = lookup
        self._ttl = ttl
        self._size = size
        self._monotonic = monotonic
        self._wall = wall
        self._lock = threading.Lock()
        self._known: OrderedDict[str, _Entry] = OrderedDict()
        self._epoch = 0  # counts forgets: a lookup that spans one is not remembered
        self._lookups = 0

    def lookups(self) -> int:
        """Accounts this instance has looked up in Firebase Auth (round trips), since it started."""
        return self._lookups

    def __len__(self) -> int:
        return len(self._known)

    def check(self, uid: str, issued_at: Any) -> None:
        """Raise :class:`Refused` unless a credential of ``uid`` issued at ``issued_at`` (its
        ``iat``) is still good: not revoked, the account enabled and existing."""
        if isinstance(issued_at, bool) or not isinstance(issued_at, (int, float)) or not math.isfinite(issued_at):
            raise Refused("invalid")
        reason = refusal(self.state(uid, issued_at), issued_at)
        if reason:
            raise Refused(reason)

    def state(self, uid: str, issued_at: float | None = None) -> State:
        """The account's state as this instance knows it, looked up when it is older than
        ``ttl()`` or not older than a credential issued at ``issued_at`` (None: any age will do
        within the interval)."""
        with self._lock:
            entry = self._known.get(uid)
            if entry is not None:
                self._known.move_to_end(uid)
        fresh = entry is not None and self._monotonic() - entry.read_at < self._ttl()
        if entry is not None and fresh and (issued_at is None or issued_at < entry.read_second):
            return entry.state
        return self.read(uid)

    def read(self, uid: str) -> State:
        """Look the account up now, and remember what it says."""
        with self._lock:
            epoch = self._epoch
            self._lookups += 1
        read_at, read_second = self._monotonic(), math.floor(self._wall())
        state = self._lookup(uid)
        with self._lock:
            if self._epoch == epoch:
                self._known[uid] = _Entry(state, read_at, read_second)
                self._known.move_to_end(uid)
                while len(self._known) > self._size:
                    self._known.popitem(last=False)
        return state

    def forget(self, uid: str | None = None) -> None:
        """Drop what this instance knows of ``uid`` (of every account when None): after it
        revoked, disabled, enabled or deleted it."""
        with self._lock:
            self._epoch += 1
            if uid is None:
                self._known.clear()
            else:
                self._known.pop(uid, None)
