"""Helpers shared by the API, rules and browser tests."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
from env import AUTH, PROJECT

PASSWORD = "portal-demo"
SESSION_SECONDS = 120.0
"""How long a demo account's ID token is reused: well inside the login's recent sign-in window."""

_cacheable: set[str] = set()
_sessions: dict[str, tuple[float, dict[str, Any]]] = {}


def cache_sessions_for(*emails: str) -> None:
    """Reuse ID tokens of these accounts (the demo accounts, which conftest restores between
    tests and forgets here whenever it has to make one again)."""
    _cacheable.update(emails)


def forget_sessions(*emails: str) -> None:
    """Drop the reused tokens of ``emails`` (of every account when none is given)."""
    for email in emails or list(_sessions):
        _sessions.pop(email, None)


def sign_in(email: str, password: str = PASSWORD, *, fresh: bool = False) -> dict[str, Any]:
    """Sign in with the Auth emulator's REST API: returns idToken, localId, refreshToken.
    A demo account's token is reused for a while unless ``fresh`` (a test that changed the
    account itself, and wants a token minted after the change, asks for a fresh one)."""
    cacheable = password == PASSWORD and email in _cacheable
    hit = _sessions.get(email) if cacheable and not fresh else None
    if hit and time.monotonic() - hit[0] < SESSION_SECONDS:
        return dict(hit[1])
    r = httpx.post(
        f"{AUTH}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any",
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=30,
    )
    r.raise_for_status()
    session = r.json()
    if cacheable:
        _sessions[email] = (time.monotonic(), session)
    return dict(session)


def token(email: str, password: str = PASSWORD, *, fresh: bool = False) -> str:
    return str(sign_in(email, password, fresh=fresh)["idToken"])


def bearer(email: str, password: str = PASSWORD, *, fresh: bool = False) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(email, password, fresh=fresh)}"}


def wait_for(check: Callable[[], Any], timeout: float = 60.0, interval: float = 0.25) -> Any:
    """Poll until ``check`` returns something truthy, or the deadline passes (then its last answer).
    The deadline is generous: triggers queue behind the ones the per-test restore causes, and
    a loaded machine runs them late; a passing check returns at once."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


def issued_at(jwt: str) -> int:
    """The ``iat`` of a token or session cookie (read, not verified)."""
    payload = jwt.split(".")[1]
    return int(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["iat"])


def after_issue(jwt: str) -> None:
    """Wait until a revocation made now would cover ``jwt``: Firebase compares issue times and
    revocation times in whole seconds, so the clock must be past the token's second."""
    assert wait_for(lambda: time.time() >= issued_at(jwt) + 1, timeout=5, interval=0.05)


def forged_token(uid: str, *, exp_offset: int = 3600, **claims: Any) -> str:
    """An unsigned token, as the Auth emulator makes them (accepted only by emulators)."""
    now = int(time.time())
    payload = {
        "iss": f"https://securetoken.google.com/{PROJECT}",
        "aud": PROJECT,
        "sub": uid,
        "user_id": uid,
        "iat": now,
        "auth_time": now,
        "exp": now + exp_offset,
        **claims,
    }

    def b64(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload)}."


def error_code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])
