"""Helpers shared by the API, rules and browser tests."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
from env import AUTH, PROJECT

PASSWORD = "portal-demo"


def sign_in(email: str, password: str = PASSWORD) -> dict[str, Any]:
    """Sign in with the Auth emulator's REST API: returns idToken, localId, refreshToken."""
    r = httpx.post(
        f"{AUTH}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any",
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=30,
    )
    r.raise_for_status()
    return r.json()


def token(email: str, password: str = PASSWORD) -> str:
    return str(sign_in(email, password)["idToken"])


def bearer(email: str, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(email, password)}"}


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
