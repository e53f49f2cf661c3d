"""Settings read from the environment when first needed, never at import time.

In a deployed project the values come from Firebase params (``functions/params.py``
declares them) and secrets; locally from ``functions/.env.local`` and
``functions/.secret.local``, which ``make dev`` writes with development values.
"""

from __future__ import annotations

import json
import os
from functools import cache


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


SWITCHED_OFF = "off"
"""The value that switches an optional integration's secret off: a deployment must give every
secret a value (``make deploy`` sets the missing optional ones to it), and this one means "not
connected", exactly as an unset secret does locally."""


def secret(name: str) -> str:
    """A secret's value, or ``""`` when it is unset or switched off (``off``)."""
    value = env(name).strip()
    return "" if value.lower() == SWITCHED_OFF else value


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, ""))
    except ValueError:
        return default


def env_float(name: str, default: float) -> float:
    """A positive number of the environment, or ``default`` when unset, unreadable or not positive."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def session_check_seconds() -> float:
    """How long an instance trusts what it last read of a session's record and of an account's
    revocation state (``SESSION_CHECK_SECONDS``, default 60, at most 600; 0 reads every time)."""
    return float(max(0, min(600, env_int("SESSION_CHECK_SECONDS", 60))))


@cache
def project_id() -> str:
    for name in ("GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT"):
        if os.environ.get(name):
            return os.environ[name]
    try:
        return str(json.loads(os.environ.get("FIREBASE_CONFIG", "{}")).get("projectId", ""))
    except ValueError:
        return ""


def release() -> str:
    """The release being served: the commit ``PORTAL_RELEASE`` names, written into the
    functions' environment when they are deployed (never asked of git at run time); ``dev``
    when unset. Every log line and every error report carries it."""
    return env("PORTAL_RELEASE").strip()[:64] or "dev"


def browser_error_dsn() -> str:
    """The Sentry DSN the browser reports its errors to (``SENTRY_BROWSER_DSN``), empty when
    unset. Deliberately not ``SENTRY_DSN``: the browser's reports are turned on on their own
    (a project of their own in Sentry, and a host the Content-Security-Policy must allow)."""
    dsn = secret("SENTRY_BROWSER_DSN")
    return "" if dsn.lower() == "none" else dsn


def is_emulated() -> bool:
    return bool(os.environ.get("FIREBASE_AUTH_EMULATOR_HOST") or os.environ.get("FUNCTIONS_EMULATOR"))


def portal_url() -> str:
    """The public origin of the portal, used in invite links."""
    return env("PORTAL_URL", "http://127.0.0.1:5000").rstrip("/")


def cors_origins() -> frozenset[str]:
    raw = env("CORS_ORIGINS", "")
    origins = {o.strip().rstrip("/") for o in raw.split(",") if o.strip()}
    origins.add(portal_url())
    return frozenset(origins)


def csrf_secret() -> bytes:
    value = secret("SESSION_SECRET")
    if not value:
        if is_emulated():
            value = "emulator-only-session-secret"
        else:  # pragma: no cover - deployment misconfiguration
            raise RuntimeError("SESSION_SECRET is not set")
    return value.encode()


def session_days() -> int:
    return max(1, min(14, env_int("SESSION_DAYS", 5)))


def invite_ttl_hours() -> int:
    return max(1, env_int("INVITE_TTL_HOURS", 168))


def max_body_bytes() -> int:
    return env_int("MAX_BODY_BYTES", 1_048_576)


def rate_limits() -> dict[str, int]:
    """Requests allowed per minute, by bucket."""
    return {
        "user": env_int("RATE_LIMIT_PER_USER", 300),
        "ip": env_int("RATE_LIMIT_PER_IP", 600),
        "auth_ip": env_int("RATE_LIMIT_AUTH_PER_IP", 30),
    }


def trusted_proxy_hops() -> int:
    """How many proxies in front of the functions append to X-Forwarded-For."""
    return max(0, env_int("TRUSTED_PROXY_HOPS", 1))


def web_api_key() -> str:
    return env("WEB_API_KEY", "demo-api-key" if is_emulated() else "")


def auth_emulator_url() -> str | None:
    host = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST")
    return f"http://{host}" if host else None


def firestore_emulator_host() -> str | None:
    return os.environ.get("FIRESTORE_EMULATOR_HOST") or None


# --- files on Google Drive -----------------------------------------------------------------


def drive_root_folder_id() -> str:
    """The folder (inside a Shared Drive the service account belongs to) that holds one
    folder per client organisation. Empty: Drive is not connected."""
    return env("DRIVE_ROOT_FOLDER_ID") if env("DRIVE_SERVICE_ACCOUNT_JSON").strip().lower() != SWITCHED_OFF else ""


def drive_shared_drive_id() -> str:
    """The Shared Drive holding the root folder, to scope the changes feed (optional)."""
    return env("DRIVE_SHARED_DRIVE_ID")


def drive_service_account_json() -> str:
    """A service account's JSON key (a secret). Anything else (``default``): the
    functions' own service account (Application Default Credentials)."""
    return secret("DRIVE_SERVICE_ACCOUNT_JSON")


def drive_api_url() -> str:
    """Where the Drive API is (its discovery ``rootUrl``); set only for a local stand-in."""
    return env("DRIVE_API_URL")


def files_max_bytes() -> int:
    """The largest file an upload may declare (default 2 GiB)."""
    return max(1, env_int("FILES_MAX_BYTES", 2 * 1024**3))


FILES_CHUNK_LIMIT = 16 * 1024**2
"""The largest upload chunk (and request body) accepted, well within Cloud Functions'
32 MiB request limit; memory per request stays bounded by it."""


def files_chunk_bytes() -> int:
    """Upload chunk size: a multiple of 256 KiB (default 8 MiB), at most 16 MiB."""
    quantum = 256 * 1024
    wanted = env_int("FILES_CHUNK_BYTES", 8 * 1024**2)
    return max(quantum, min(wanted, FILES_CHUNK_LIMIT) // quantum * quantum)
