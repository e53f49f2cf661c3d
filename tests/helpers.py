"""Helpers shared by the API, rules and browser tests."""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable
from typing import Any

import httpx
from env import AUTH, HUB, PROJECT, TASKS

PASSWORD = "portal-demo"
SESSION_SECONDS = 120.0
"""How long a demo account's ID token is reused: well inside the login's recent sign-in window."""

web = httpx.Client(timeout=30, limits=httpx.Limits(keepalive_expiry=1.0))
"""One client for the emulators' REST endpoints and Hosting: a client made per call (``httpx.get``)
first builds a TLS context, tens of milliseconds on every reset, poll and sign-in. Idle
connections close after a second, before a server closes them under a request."""

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
    r = web.post(
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


def functions_busy() -> list[str]:
    """What the functions still have to do: work running or queued in the Functions emulator
    (triggers, HTTP and task functions; scripts/emulator-functions.cjs), tasks waiting in a queue."""
    work = web.get(f"{HUB}/functions/work", timeout=30).json()
    busy = [str(w) for w in work["running"]] + [f"{work['queued']} queued"] * bool(work["queued"])
    queues = web.get(f"{TASKS}/queueStats", timeout=30).json()
    return busy + [f"{name}: {q['numberOfTasks']} tasks" for name, q in queues.items() if q.get("numberOfTasks")]


def settle(timeout: float = 60.0, quiet: float = 0.3) -> None:
    """Wait until the functions are done: nothing running, queued or waiting in a task queue for
    ``quiet`` seconds on end (a write's trigger and a trigger's task start a moment after it).
    A test that shows something did *not* happen asserts after this, not after a fixed sleep."""
    deadline = time.monotonic() + timeout
    calm_since: float | None = None
    while True:
        busy = functions_busy()
        now = time.monotonic()
        if busy:
            calm_since = None
        elif calm_since is None:
            calm_since = now
        elif now - calm_since >= quiet:
            return
        if now > deadline:
            raise AssertionError(f"the functions were still busy after {timeout:.0f} s: {busy}")
        time.sleep(0.05)


def issued_at(jwt: str) -> int:
    """The ``iat`` of a token or session cookie (read, not verified)."""
    payload = jwt.split(".")[1]
    return int(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["iat"])


def after_issue(jwt: str) -> None:
    """Wait until a revocation made now would cover ``jwt``: Firebase compares issue times and
    revocation times in whole seconds, so the clock must be past the token's second."""
    assert wait_for(lambda: time.time() >= issued_at(jwt) + 1, timeout=5, interval=0.05)


def next_second() -> None:
    """Wait until the next whole second. The Auth emulator's tokens carry whole-second times and
    no nonce: the same account signed in twice in one second gets the same ID token, so the same
    session cookie (one session, not two)."""
    time.sleep(1.02 - time.time() % 1)


def revocation_seconds(margin: float = 10.0) -> float:
    """How long every instance may go on accepting a revoked or disabled account's credentials
    (``SESSION_CHECK_SECONDS``, 2 in the tests), with a margin for a loaded machine."""
    return float(os.environ.get("SESSION_CHECK_SECONDS", "60")) + margin


def refused_within_interval(request: Callable[[], httpx.Response], margin: float = 10.0) -> httpx.Response:
    """Send ``request`` until the API refuses it (401), for at most as long as an instance may
    trust what it last read of an account (``SESSION_CHECK_SECONDS``, 2 in the tests;
    :mod:`portal.revocation`) and a margin for a loaded machine; the last answer. A revoked,
    disabled or removed account is refused at once by the instance that made the change, and by
    every other instance within that interval: a test that makes the change in one place and asks
    another polls, it does not expect the refusal at once."""
    deadline = time.monotonic() + revocation_seconds(margin)
    while True:
        response = request()
        if response.status_code == 401 or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def in_process(method: str, path: str, headers: dict[str, str]) -> Any:
    """One request through the real pipeline in this process (a Flask response): the test process is
    an instance of its own, with its own memory of accounts, so what it changes itself it knows at once."""
    import flask

    from portal.api import registry

    route = next(r for r in registry.routes() if r.pattern.match(path.split("?")[0]))
    app = _flask.setdefault("app", flask.Flask("tests"))
    with app.test_request_context(path, method=method, headers=headers):
        return route.serve(flask.request)


_flask: dict[str, Any] = {}


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


def browser_session(http: httpx.Client, email: str, *, fresh: bool = False) -> dict[str, str]:
    """Sign in as the browser does (``POST /api/auth/login``): the session cookie and its
    CSRF token, as the headers of the requests that follow."""
    r = http.post("/api/auth/login", json={"idToken": token(email, fresh=fresh)})
    assert r.status_code == 200, r.text
    return {"Cookie": f"__session={r.cookies.get('__session')}", "X-CSRF-Token": r.json()["csrfToken"]}


def upload_file(http: httpx.Client, headers: dict[str, str], name: str, data: bytes, **extra: Any) -> dict[str, Any]:
    """Upload ``data`` as ``name`` through the files API in one chunk; the file as the 201 shows it."""
    r = http.post("/api/files/upload", json={"name": name, "size": len(data), **extra}, headers=headers)
    assert r.status_code == 201, r.text
    upload = r.json()["upload"]
    r = http.put(f"/api/files/upload/{upload['id']}", content=data,
                 headers={**headers, "Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}",
                          "Content-Type": "application/octet-stream"})  # fmt: skip
    assert r.status_code == 201, r.text
    return dict(r.json()["file"])


def error_code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


def oob_codes(email: str, kind: str | None = None) -> list[dict[str, Any]]:
    """The out-of-band codes (sign-in links, password resets, verifications) the Auth
    emulator has "emailed" to ``email``, oldest first; ``kind`` e.g. ``EMAIL_SIGNIN``."""
    r = web.get(f"{AUTH}/emulator/v1/projects/{PROJECT}/oobCodes", timeout=30)
    r.raise_for_status()
    return [
        c
        for c in r.json().get("oobCodes", [])
        if c.get("email", "").lower() == email.lower() and (kind is None or c.get("requestType") == kind)
    ]


def email_link_token(email: str, continue_url: str = "http://127.0.0.1:5000/login") -> str:
    """What the owner of ``email`` gets by asking for a sign-in link and opening it: an ID token."""
    identity = f"{AUTH}/identitytoolkit.googleapis.com/v1"
    sent = web.post(
        f"{identity}/accounts:sendOobCode?key=any",
        json={"requestType": "EMAIL_SIGNIN", "email": email, "continueUrl": continue_url, "canHandleCodeInApp": True},
        timeout=30,
    )
    sent.raise_for_status()
    code = oob_codes(email, "EMAIL_SIGNIN")[-1]["oobCode"]
    r = web.post(f"{identity}/accounts:signInWithEmailLink?key=any", json={"email": email, "oobCode": code}, timeout=30)
    r.raise_for_status()
    return str(r.json()["idToken"])


def accept_invite(
    http: httpx.Client, invite_token: str, password: str = "new-password-1", first: str = "Nia", last: str = "New"
) -> httpx.Response:
    """Accept an invite as the invited person does: ask for the confirmation email, open
    its sign-in link, finish with the proof. Returns the first failing answer, or the last."""
    started = http.post("/api/invites/accept", json={"token": invite_token})
    if started.status_code != 200:
        return started
    body = started.json()
    return http.post(
        "/api/invites/complete",
        json={
            "invite": body["invite"],
            "idToken": email_link_token(body["email"]),
            "password": password,
            "firstName": first,
            "lastName": last,
        },
    )


def enrol_phone(uid: str, phone: str = "+15555550100", name: str = "Work phone") -> None:
    """Give an account an SMS second factor, as an administrator can (Auth emulator REST)."""
    r = web.post(
        f"{AUTH}/identitytoolkit.googleapis.com/v1/projects/{PROJECT}/accounts:update",
        json={
            "localId": uid,
            "mfa": {
                "enrollments": [{"phoneInfo": phone, "displayName": name, "mfaEnrollmentId": f"phone{phone[-4:]}"}]
            },
        },
        headers={"Authorization": "Bearer owner"},
        timeout=30,
    )
    r.raise_for_status()


def sms_codes(phone: str) -> list[str]:
    """The SMS codes the Auth emulator has "texted" to ``phone``, oldest first."""
    r = web.get(f"{AUTH}/emulator/v1/projects/{PROJECT}/verificationCodes", timeout=30)
    r.raise_for_status()
    return [c["code"] for c in r.json().get("verificationCodes", []) if c.get("phoneNumber") == phone]


def sms_code_after(phone: str, before: list[str], timeout: float = 10.0) -> str:
    """The newest code the Auth emulator "texted" to ``phone`` that is not among ``before``
    (``sms_codes(phone)`` taken earlier: the emulator forgets a code once it is used)."""
    code = wait_for(lambda: next((c for c in reversed(sms_codes(phone)) if c not in before), None), timeout)
    assert code, f"no code texted to {phone}"
    return str(code)


def password_works(email: str, password: str) -> bool:
    """Whether Firebase accepts the password (for an account with a second factor it then
    asks for the code: still a yes)."""
    r = web.post(
        f"{AUTH}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any",
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=30,
    )
    return r.status_code == 200


def enrol_phones(uid: str, *phones: str) -> list[str]:
    """Give an account several SMS second factors at once (Auth emulator REST); returns
    their enrolment ids (``phone`` and the number's last four digits)."""
    enrollments = [
        {"phoneInfo": p, "displayName": f"Phone {p[-4:]}", "mfaEnrollmentId": f"phone{p[-4:]}"} for p in phones
    ]
    r = web.post(
        f"{AUTH}/identitytoolkit.googleapis.com/v1/projects/{PROJECT}/accounts:update",
        json={"localId": uid, "mfa": {"enrollments": enrollments}},
        headers={"Authorization": "Bearer owner"},
        timeout=30,
    )
    r.raise_for_status()
    return [e["mfaEnrollmentId"] for e in enrollments]


def two_factor_sign_in(email: str, phone: str, password: str = PASSWORD) -> dict[str, Any]:
    """Sign in as Firebase's SDK does for an account with a second factor: the password, then
    the code the Auth emulator "texts" to ``phone`` (enrolled as ``phone`` + its last four
    digits, as :func:`enrol_phone` does). Returns idToken and refreshToken."""
    base = f"{AUTH}/identitytoolkit.googleapis.com"
    r = web.post(
        f"{base}/v1/accounts:signInWithPassword?key=any",
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=30,
    )
    r.raise_for_status()
    pending = r.json()["mfaPendingCredential"]
    before = sms_codes(phone)
    r = web.post(
        f"{base}/v2/accounts/mfaSignIn:start?key=any",
        json={"mfaPendingCredential": pending, "mfaEnrollmentId": f"phone{phone[-4:]}", "phoneSignInInfo": {}},
        timeout=30,
    )
    r.raise_for_status()
    session = r.json()["phoneResponseInfo"]["sessionInfo"]
    code = sms_code_after(phone, before)
    r = web.post(
        f"{base}/v2/accounts/mfaSignIn:finalize?key=any",
        json={"mfaPendingCredential": pending, "phoneVerificationInfo": {"sessionInfo": session, "code": code}},
        timeout=30,
    )
    r.raise_for_status()
    return dict(r.json())
