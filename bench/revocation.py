"""What checking a credential for revocation costs per authenticated request: round trips to
Firebase Auth and the median time, before (``check_revoked=True``: the SDK looks the account up,
Identity Toolkit ``accounts:lookup``, on every request) and after (the account's state as the
instance last read it, trusted for ``SESSION_CHECK_SECONDS``, :mod:`portal.revocation`).

In-process against the Auth and Firestore emulators, for a Bearer ID token and a session cookie
(unsigned, as the Auth emulator makes them; the SDK verifies them as it would a signed one, but
for the signature): every call to the Auth API made through the Admin SDK is counted, and each
way is timed over REQUESTS requests, RUNS times, the median of each run's median reported. The
baseline is the SDK's own ``check_revoked=True``, measured in the same run. The whole request
(``GET /api/auth/me`` through the real pipeline, which also reads the caller's member document)
is measured with ``SESSION_CHECK_SECONDS=0`` (a lookup on every request, as before) and at the
default 60. The emulator is a local process: deployed, each round trip goes to Google's Auth API
over the network and costs more than here, so the round trip count is the figure that carries over.

    make bench           # starts the emulators around this script
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import env  # noqa: E402, F401  (the functions' local settings: the test project's raised rate limits)
import flask  # noqa: E402
from dashboard import Meter as FirestoreMeter  # noqa: E402

from portal import authn, db  # noqa: E402
from portal.errors import Conflict, Unauthenticated  # noqa: E402
from portal.identity import OrgKind, Role  # noqa: E402

REQUESTS = 200
RUNS = 5
INTERVAL = "60"  # the production default of SESSION_CHECK_SECONDS (the test project's is 2)
APP = flask.Flask(__name__)


class AuthMeter:
    """Counts the requests the Admin SDK sends to the Auth API (every one is a round trip)."""

    def __init__(self) -> None:
        from firebase_admin import _http_client

        self.calls = 0
        original = _http_client.HttpClient.request

        def counted(client: Any, method: str, url: str, **kwargs: Any) -> Any:
            self.calls += 1
            return original(client, method, url, **kwargs)

        _http_client.HttpClient.request = counted  # type: ignore[method-assign]


def jwt(payload: dict[str, Any]) -> str:
    import base64

    def b64(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload)}."


def credentials(account: dict[str, Any]) -> dict[str, str]:
    """A Bearer ID token and a session cookie of the account, issued now (after the account was
    made: Firebase refuses a credential older than the account); returns in the next second, when
    the state read at the first request is newer than them (a credential of the read's own second
    is looked up again, :mod:`portal.revocation`)."""
    project = db.config.project_id()
    now = int(time.time())
    while time.time() < now + 1:
        time.sleep(0.05)
    claims = {"sub": account["uid"], "user_id": account["uid"], "aud": project, "iat": now, "auth_time": now,
              "exp": now + 3600, "email": account["email"], "role": account["role"], "orgId": account["orgId"],
              "permissions": []}  # fmt: skip
    return {
        "bearer": jwt({**claims, "iss": f"https://securetoken.google.com/{project}"}),
        "session": jwt({**claims, "iss": f"https://session.firebase.google.com/{project}"}),
    }


def seed() -> dict[str, Any]:
    from portal.members import service as members
    from portal.orgs import service as orgs

    with contextlib.suppress(Conflict):  # made by an earlier run against the same emulators
        orgs.create_org("Bench auth", OrgKind.CLIENT, org_id="bench-auth", actor_label="bench")
    auth = authn.admin_auth()
    email = "owner@bench-auth.test"
    with contextlib.suppress(auth.UserNotFoundError):
        auth.delete_user(auth.get_user_by_email(email).uid)
    return members.create_user(email=email, role=Role.CLIENT_OWNER, org_id="bench-auth", actor_label="bench")


def before(kind: str, credential: str) -> Callable[[], Any]:
    """The check as it was: the SDK with ``check_revoked=True`` (a lookup on every call)."""
    auth = authn.admin_auth()
    verify = auth.verify_id_token if kind == "bearer" else auth.verify_session_cookie

    def check() -> Any:
        return authn.caller_from_claims(dict(verify(credential, check_revoked=True)), kind)

    return check


def after(kind: str, credential: str) -> Callable[[], Any]:
    """The check as it is: ``authn.authenticate`` (the SDK without the lookup, then the state remembered)."""
    if kind == "bearer":
        return lambda: authn.authenticate(f"Bearer {credential}", None)
    return lambda: authn.authenticate(None, credential)


def whole_request(credential: str) -> Callable[[], Any]:
    from portal.auth import routes

    def call() -> Any:
        with APP.test_request_context("/api/auth/me", headers={"Authorization": f"Bearer {credential}"}):
            response = routes.auth_me.serve(flask.request)
        if response.status_code != 200:
            raise AssertionError(f"GET /api/auth/me: {response.status_code} {response.get_data()[:300]!r}")
        return response

    return call


def measure(fn: Callable[[], Any], auth: AuthMeter, store: FirestoreMeter) -> dict[str, float]:
    """RUNS runs of REQUESTS calls: round trips and reads per request, the median of the runs' medians."""
    medians, calls, reads = [], 0, 0
    for _ in range(RUNS):
        authn.REVOCATIONS.forget()  # each run starts as a fresh instance: its first request looks the account up
        auth.calls = store.reads = 0
        samples = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - started)
        medians.append(statistics.median(samples))
        calls += auth.calls
        reads += store.reads
    n = RUNS * REQUESTS
    return {"auth": calls / n, "reads": reads / n, "ms": statistics.median(medians) * 1000}


def main() -> None:
    if not db.config.project_id():
        db.config.project_id.cache_clear()
    os.environ["SESSION_CHECK_SECONDS"] = INTERVAL
    os.environ["RATE_LIMIT_PER_USER"] = "1000000"  # one account makes thousands of requests a minute here
    account = seed()
    creds = credentials(account)
    auth, store = AuthMeter(), FirestoreMeter()
    for fn in (before("bearer", creds["bearer"]), after("session", creds["session"]), whole_request(creds["bearer"])):
        fn()  # warm up: the SDK's clients, the Firestore channel
    rows: list[tuple[str, str, dict[str, float]]] = []
    for kind in ("bearer", "session"):
        rows.append((kind, "before (check_revoked on every request)", measure(before(kind, creds[kind]), auth, store)))
        rows.append((kind, f"after (state remembered {INTERVAL} s)", measure(after(kind, creds[kind]), auth, store)))
    me = whole_request(creds["bearer"])
    os.environ["SESSION_CHECK_SECONDS"] = "0"
    rows.append(("GET /api/auth/me", "before (SESSION_CHECK_SECONDS=0)", measure(me, auth, store)))
    os.environ["SESSION_CHECK_SECONDS"] = INTERVAL
    rows.append(("GET /api/auth/me", f"after ({INTERVAL} s)", measure(me, auth, store)))
    print(f"{RUNS} runs of {REQUESTS} requests each, one account, each run a fresh instance")
    print(f"{'credential':<18}{'check':<42}{'auth round trips/request':>26}{'doc reads/request':>19}{'median ms':>11}")
    for kind, how, m in rows:
        print(f"{kind:<18}{how:<42}{m['auth']:>26.3f}{m['reads']:>19.2f}{m['ms']:>11.2f}")
    by = {(kind, how.split()[0]): m for kind, how, m in rows}
    for kind in ("bearer", "session", "GET /api/auth/me"):
        b, a = by[(kind, "before")], by[(kind, "after")]
        print(f"{kind}: round trips per request {b['auth']:.3f} -> {a['auth']:.3f}; "
              f"median {b['ms']:.2f} -> {a['ms']:.2f} ms, ratio before / after {b['ms'] / a['ms']:.1f}x")  # fmt: skip
    # the promise kept: revoked here, refused at once by this instance
    check = after("bearer", creds["bearer"])
    check()
    authn.revoke_sessions(account["uid"])
    try:
        check()
        refused = "no"
    except Unauthenticated as exc:
        refused = f"yes ({exc.code})"
    print(f"revoked on this instance, the next request refused at once: {refused}")
    kinds = ("bearer", "session", "GET /api/auth/me")
    summary = {kind: {"before": by[(kind, "before")], "after": by[(kind, "after")]} for kind in kinds}
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "revocation.json").write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
