"""Signed-in devices: one record per session cookie, so one device can be signed out.

Firebase cannot revoke one session cookie (revoking refresh tokens ends them all), so
each cookie gets a record at ``orgs/{orgId}/users/{uid}/sessions/{sessionId}``, whose id
is derived from the cookie itself (a SHA-256 prefix: the cookie is never stored). Ending
a session marks its record ended, and a request with that cookie is then refused.

Cost: checking the record on every request would add a Firestore read to every API
call. Instead each instance remembers what it read for :func:`check_seconds` (60 by
default, ``SESSION_CHECK_SECONDS``): at most
one read per session per instance per interval, whatever the traffic. The price is that
a device signed out elsewhere may keep working on an instance that checked it recently,
for up to that interval (the instance that ends the session knows at once). Signing
out everywhere revokes every credential of the account, under the same rule
(:mod:`portal.revocation`: at once on the instance that did it, within the interval on the
others). A cookie without a record (minted before records existed) is valid until it expires.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections import OrderedDict
from typing import Any

from .. import config, db
from ..errors import NotFound, Unauthenticated
from ..identity import Caller


def check_seconds() -> float:
    """How long an instance trusts what it last read of a session's record."""
    return config.session_check_seconds()


_CACHE_SIZE = 4096

_lock = threading.Lock()
_checked: OrderedDict[str, tuple[float, bool]] = OrderedDict()
_reads = [0]


def reads() -> int:
    """Session records this instance has read to check cookies (measured by the tests)."""
    return _reads[0]


def session_id(cookie: str) -> str:
    """The id of a session cookie's record: not the cookie, and not reversible to it."""
    return hashlib.sha256(cookie.encode()).hexdigest()[:32]


def start(caller: Caller, cookie: str, max_age: int, *, ip: str | None, user_agent: str | None) -> str:
    """Record a new session (at sign-in)."""
    sid = session_id(cookie)
    now = dt.datetime.now(dt.UTC)
    db.system(caller.org_id).session(caller.uid, sid).set(
        {
            "createdAt": now,
            "expiresAt": now + dt.timedelta(seconds=max_age),
            "ip": ip,
            "userAgent": (user_agent or "")[:300],
            "ended": False,
        }
    )
    _remember(sid, ended=False)
    end_revoked(caller, keep=sid)
    return sid


def end_revoked(caller: Caller, *, keep: str) -> int:
    """Mark ended the records of cookies Firebase no longer accepts: those made before the
    account's tokens were last revoked (a password change in the browser revokes them without
    the portal being told). Run at sign-in, so the list of devices stays true."""
    from .. import authn

    valid_after_ms = authn.REVOCATIONS.read(caller.uid).valid_after_ms  # read now, and remembered
    valid_after = dt.datetime.fromtimestamp(valid_after_ms / 1000, dt.UTC)
    # Firebase compares whole seconds (a token issued in the second of the revocation stays valid).
    stale = [
        snap
        for snap in db.system(caller.org_id).sessions(caller.uid).where(filter=db.eq("ended", False)).stream()
        if snap.id != keep and (snap.get("createdAt") or valid_after).replace(microsecond=0) < valid_after
    ]
    if stale:
        batch = db.batch()
        for snap in stale:
            batch.update(snap.reference, {"ended": True, "endedAt": dt.datetime.now(dt.UTC)})
            _remember(snap.id, ended=True)
        batch.commit()
    return len(stale)


def _remember(sid: str, *, ended: bool) -> None:
    with _lock:
        _checked[sid] = (time.monotonic(), ended)
        _checked.move_to_end(sid)
        while len(_checked) > _CACHE_SIZE:
            _checked.popitem(last=False)


def forget() -> None:
    """Drop what this instance remembers (tests)."""
    with _lock:
        _checked.clear()


def check(caller: Caller, cookie: str) -> None:
    """Refuse a session cookie whose device was signed out."""
    sid = session_id(cookie)
    with _lock:
        hit = _checked.get(sid)
    if hit is None or time.monotonic() - hit[0] > check_seconds():
        snap = db.system(caller.org_id).session(caller.uid, sid).get()
        _reads[0] += 1
        ended = bool(snap.exists and snap.get("ended"))
        _remember(sid, ended=ended)
    else:
        ended = hit[1]
    if ended:
        raise Unauthenticated("This device was signed out. Please sign in again.", code="revoked")


def _json(snap: Any, current: str | None) -> dict[str, Any]:
    data = snap.to_dict() or {}
    return {
        "id": snap.id,
        "createdAt": db.to_json(data.get("createdAt")),
        "expiresAt": db.to_json(data.get("expiresAt")),
        "ip": data.get("ip") or "",
        "userAgent": data.get("userAgent") or "",
        "current": snap.id == current,
    }


def list_sessions(caller: Caller, cookie: str | None) -> list[dict[str, Any]]:
    """The caller's devices still signed in, newest first; ``current`` marks this one."""
    now = dt.datetime.now(dt.UTC)
    current = session_id(cookie) if cookie else None
    query = db.system(caller.org_id).sessions(caller.uid).where(filter=db.eq("ended", False))
    snaps = [s for s in query.stream() if (s.get("expiresAt") or now) > now]
    snaps.sort(key=lambda s: s.get("createdAt") or now, reverse=True)
    return [_json(s, current) for s in snaps[:50]]


def end(caller: Caller, sid: str, cookie: str | None) -> dict[str, Any]:
    """Sign one of the caller's devices out; anything else is NotFound."""
    from ..audit import service as audit

    ref = db.system(caller.org_id).session(caller.uid, sid)

    def run(tx: Any) -> None:
        snap = ref.get(transaction=tx)
        if not snap.exists or snap.get("ended"):
            raise NotFound("Session not found.")
        tx.update(ref, {"ended": True, "endedAt": dt.datetime.now(dt.UTC)})
        audit.record(
            "auth.session_ended",
            actor=caller,
            org_id=caller.org_id,
            target=caller.uid,
            details={"session": sid},
            transaction=tx,
        )

    db.transact(run)
    _remember(sid, ended=True)
    return {"ok": True, "current": bool(cookie) and session_id(cookie or "") == sid}


def end_all(caller: Caller) -> None:
    """Mark every session of the caller ended (signing out everywhere)."""
    batch = db.batch()
    for snap in db.system(caller.org_id).sessions(caller.uid).where(filter=db.eq("ended", False)).stream():
        batch.update(snap.reference, {"ended": True, "endedAt": dt.datetime.now(dt.UTC)})
        _remember(snap.id, ended=True)
    batch.commit()
