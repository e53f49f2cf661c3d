"""What an instance remembers of accounts' revocation state (portal.revocation), with clocks
and a Firebase Auth handed in: expiry, credentials newer than the read, forgetting, the bound,
Firebase's whole-second rule; and how authn turns a refusal into a 401."""

from __future__ import annotations

import math
import threading
import types
from typing import Any

import pytest

from portal import authn, revocation
from portal.errors import Unauthenticated
from portal.revocation import GONE, Refused, Revocations, State

T0 = 1_700_000_000  # a whole second, on the wall clock


class World:
    """Firebase Auth's accounts and two clocks, all in the test's hands."""

    def __init__(self) -> None:
        self.accounts: dict[str, State] = {}
        self.asked: list[str] = []
        self.now = 100.0  # monotonic
        self.wall = T0 + 0.5
        self.during_lookup: Any = None

    def lookup(self, uid: str) -> State:
        self.asked.append(uid)
        state = self.accounts.get(uid, GONE)
        if self.during_lookup:  # something happens while the answer is on its way
            self.during_lookup()
        return state

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.wall += seconds

    def cache(self, ttl: float = 60, size: int = 100) -> Revocations:
        return Revocations(self.lookup, lambda: ttl, size=size, monotonic=lambda: self.now, wall=lambda: self.wall)


@pytest.fixture
def world() -> World:
    w = World()
    w.accounts = {uid: State() for uid in ("a", "b", "c", "d")}
    return w


def reason(cache: Revocations, uid: str, iat: Any) -> str | None:
    try:
        cache.check(uid, iat)
    except Refused as refused:
        return refused.reason
    return None


OLD = T0 - 3600  # a credential issued an hour before the clocks' start


def test_one_lookup_per_account_within_the_interval_then_again(world: World) -> None:
    cache = world.cache(ttl=60)
    for _ in range(200):
        cache.check("a", OLD)
        world.advance(0.25)  # 50 seconds in all
    assert world.asked == ["a"] and cache.lookups() == 1
    world.advance(10)  # the state read at the start is now 60.25 s old
    cache.check("a", OLD)
    assert world.asked == ["a", "a"]


def test_an_interval_of_zero_looks_every_credential_up(world: World) -> None:
    cache = world.cache(ttl=0)
    for _ in range(5):
        cache.check("a", OLD)
    assert len(world.asked) == 5


def test_each_account_is_remembered_on_its_own(world: World) -> None:
    cache = world.cache()
    for uid in ("a", "b", "a", "b", "c"):
        cache.check(uid, OLD)
    assert world.asked == ["a", "b", "c"]


def test_firebase_rules_disabled_revoked_gone() -> None:
    revoked_at = State(valid_after_ms=(T0 - 10) * 1000)
    assert revocation.refusal(State(), OLD) is None
    assert revocation.refusal(State(disabled=True), T0) == "disabled"
    assert revocation.refusal(State(valid_after_ms=(T0 + 5) * 1000, disabled=True), T0) == "disabled"  # checked first
    assert revocation.refusal(revoked_at, T0 - 11) == "revoked"
    assert revocation.refusal(GONE, T0) == "gone"


def test_whole_seconds_a_credential_of_the_revocations_second_stays_valid() -> None:
    """Firebase keeps ``tokens_valid_after`` in whole seconds and compares ``iat * 1000 < it``."""
    state = State(valid_after_ms=T0 * 1000)
    assert revocation.refusal(state, T0 - 1) == "revoked"
    assert revocation.refusal(state, T0) is None  # issued in the second of the revocation
    assert revocation.refusal(state, T0 + 1) is None
    assert revocation.refusal(state, T0 - 0.001) == "revoked"  # a fractional iat, as the SDK compares it


def test_a_revocation_elsewhere_is_seen_once_the_interval_has_passed(world: World) -> None:
    cache = world.cache(ttl=60)
    iat = T0 - 100
    cache.check("a", iat)
    world.accounts["a"] = State(valid_after_ms=T0 * 1000)  # revoked by another instance
    world.advance(59)
    assert reason(cache, "a", iat) is None  # the price: within the interval this instance still accepts it
    world.advance(1)
    assert reason(cache, "a", iat) == "revoked"
    world.accounts["a"] = State(valid_after_ms=T0 * 1000, disabled=True)
    world.advance(30)
    assert reason(cache, "a", iat) == "revoked"
    world.advance(30)
    assert reason(cache, "a", iat) == "disabled"


def test_forgetting_an_account_refuses_at_once_on_this_instance(world: World) -> None:
    cache = world.cache(ttl=60)
    iat = T0 - 100
    cache.check("a", iat)
    cache.check("b", iat)
    world.accounts["a"] = State(valid_after_ms=T0 * 1000)
    cache.forget("a")
    assert reason(cache, "a", iat) == "revoked"
    assert world.asked == ["a", "b", "a"]
    cache.check("b", iat)  # the others are still remembered
    assert world.asked == ["a", "b", "a"]
    cache.forget()
    cache.check("b", iat)
    assert world.asked == ["a", "b", "a", "b"]


def test_a_lookup_under_way_when_the_account_changed_is_not_remembered(world: World) -> None:
    cache = world.cache(ttl=60)
    iat = T0 - 100

    def revoke_meanwhile() -> None:  # the read returned the state before the revocation
        world.during_lookup = None
        cache.forget("a")
        world.accounts["a"] = State(valid_after_ms=T0 * 1000)

    world.during_lookup = revoke_meanwhile
    assert reason(cache, "a", iat) is None  # that request had already been let in
    assert reason(cache, "a", iat) == "revoked"  # the next one reads again
    assert len(world.asked) == 2


def test_a_credential_newer_than_the_read_is_looked_up_again(world: World) -> None:
    """Firebase gives no credential to a disabled account: one issued since the read means the
    account may have been enabled again (or made again under the same uid)."""
    cache = world.cache(ttl=60)
    world.accounts["a"] = State(disabled=True)
    assert reason(cache, "a", OLD) == "disabled"
    world.accounts["a"] = State(valid_after_ms=T0 * 1000)  # enabled again elsewhere, its old credentials revoked
    world.advance(1)
    fresh = math.floor(world.wall)  # signed in again, a second after the read
    world.advance(1)
    assert reason(cache, "a", fresh) is None
    assert reason(cache, "a", OLD) == "revoked"  # the old ones stay refused, from the new read
    assert len(world.asked) == 2
    for _ in range(10):  # the new credential is older than what is remembered now: no more lookups
        world.advance(1)
        cache.check("a", fresh)
    assert len(world.asked) == 2


def test_a_credential_of_the_reads_own_second_is_looked_up_again(world: World) -> None:
    cache = world.cache(ttl=60)
    cache.check("a", T0 - 1)
    cache.check("a", T0 - 1)
    assert len(world.asked) == 1  # read in second T0: a credential of T0 - 1 was issued before
    cache.check("a", T0)  # issued in the read's second: perhaps after it
    assert len(world.asked) == 2


def test_the_memory_is_bounded_least_recently_used_first(world: World) -> None:
    cache = world.cache(size=3)
    for uid in ("a", "b", "c"):
        cache.check(uid, OLD)
    cache.check("a", OLD)  # a is used again: b is now the oldest
    cache.check("d", OLD)
    assert len(cache) == 3
    world.asked.clear()
    cache.check("a", OLD)
    cache.check("c", OLD)
    cache.check("d", OLD)
    assert world.asked == []
    cache.check("b", OLD)
    assert world.asked == ["b"]


def test_an_account_that_is_gone_is_refused_and_remembered(world: World) -> None:
    cache = world.cache()
    assert reason(cache, "nobody", OLD) == "gone"
    assert reason(cache, "nobody", OLD) == "gone"
    assert world.asked == ["nobody"]


@pytest.mark.parametrize("iat", [None, "1700000000", True, math.inf, math.nan, [1]])
def test_a_credential_without_a_usable_iat_is_refused_without_a_lookup(world: World, iat: Any) -> None:
    cache = world.cache()
    assert reason(cache, "a", iat) == "invalid"
    assert world.asked == []


def test_many_threads_at_once(world: World) -> None:
    world.accounts = {f"u{i}": State() for i in range(50)}
    cache = world.cache(size=10)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(500):
                cache.check(f"u{(i + offset) % 50}", OLD)
                if i % 97 == 0:
                    cache.forget(f"u{i % 50}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(cache) <= 10


# --- authn: a refusal is a 401 with Firebase's old codes ------------------------------------------


@pytest.fixture
def accounts(monkeypatch: pytest.MonkeyPatch) -> World:
    w = World()
    monkeypatch.setattr(
        authn, "REVOCATIONS", Revocations(w.lookup, lambda: 60, monotonic=lambda: w.now, wall=lambda: w.wall)
    )
    return w


@pytest.mark.parametrize(
    ("state", "code"),
    [
        (State(disabled=True), "user_disabled"),
        (State(valid_after_ms=(T0 + 1) * 1000), "revoked"),
        (GONE, "invalid_token"),
    ],
)
def test_authn_refuses_with_the_codes_firebase_gave(accounts: World, state: State, code: str) -> None:
    accounts.accounts["u"] = state
    with pytest.raises(Unauthenticated) as refused:
        authn._not_revoked({"uid": "u", "iat": T0})
    assert refused.value.code == code


def test_authn_lets_a_good_credential_through_and_counts_the_lookups(accounts: World) -> None:
    accounts.accounts["u"] = State(valid_after_ms=(T0 - 10) * 1000)
    claims = {"uid": "u", "iat": T0 - 1}
    before = authn.auth_lookups()
    assert authn._not_revoked(claims) is claims
    authn._not_revoked(claims)
    assert authn.auth_lookups() - before == 1


def test_authn_refuses_a_credential_without_iat(accounts: World) -> None:
    with pytest.raises(Unauthenticated) as refused:
        authn._not_revoked({"uid": "u"})
    assert refused.value.code == "invalid_token" and accounts.asked == []


def test_revoking_and_changing_an_account_forget_it_here(accounts: World, monkeypatch: pytest.MonkeyPatch) -> None:
    revoked: list[str] = []
    monkeypatch.setattr(authn, "admin_auth", lambda: types.SimpleNamespace(revoke_refresh_tokens=revoked.append))
    accounts.accounts["u"] = State()
    authn._not_revoked({"uid": "u", "iat": T0 - 10})
    accounts.accounts["u"] = State(valid_after_ms=T0 * 1000)
    authn.revoke_sessions("u")
    assert revoked == ["u"]
    with pytest.raises(Unauthenticated):
        authn._not_revoked({"uid": "u", "iat": T0 - 10})
    accounts.accounts["u"] = State(disabled=True)
    authn.account_changed("u")
    with pytest.raises(Unauthenticated) as refused:
        authn._not_revoked({"uid": "u", "iat": T0 - 10})
    assert refused.value.code == "user_disabled"


def test_an_auth_outage_is_a_401_to_try_again_not_a_500(monkeypatch: pytest.MonkeyPatch) -> None:
    from firebase_admin import auth, exceptions

    def unavailable(uid: str) -> None:
        raise exceptions.UnavailableError("Auth is down")

    fake = types.SimpleNamespace(get_user=unavailable, UserNotFoundError=auth.UserNotFoundError)
    monkeypatch.setattr(authn, "admin_auth", lambda: fake)
    with pytest.raises(Unauthenticated) as refused:
        authn._account_state("u")
    assert refused.value.code == "unavailable"


def test_the_interval_is_session_check_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    from portal import config
    from portal.account import sessions

    for value, seconds in (("", 60.0), ("2", 2.0), ("0", 0.0), ("-5", 0.0), ("9999", 600.0), ("x", 60.0)):
        monkeypatch.setenv("SESSION_CHECK_SECONDS", value)
        assert config.session_check_seconds() == seconds == sessions.check_seconds()
