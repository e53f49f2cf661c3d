"""Signing in and out: Firebase ID token in, HttpOnly session cookie out."""

from __future__ import annotations

from typing import Any

from .. import authn, config
from ..audit import service as audit
from ..errors import PortalError
from ..identity import Caller
from ..members import service as users


def login(id_token: str, user_agent: str | None = None) -> tuple[dict[str, Any], str, int]:
    """Verify a fresh ID token and mint a session: (user + csrfToken, cookie, max_age).
    The session gets a record (this device, for signing it out alone)."""
    from .. import context
    from ..account import sessions

    try:
        cookie, claims, max_age = authn.create_session_cookie(id_token)
        caller = authn.caller_from_claims(claims, "session")  # a second factor where required, no live credential
    except PortalError as exc:
        _refused(id_token, exc)
        raise
    users.record_login(caller)
    sessions.start(caller, cookie, max_age, ip=context.current().ip, user_agent=user_agent)
    audit.record(
        "auth.login",
        actor=caller,
        org_id=caller.org_id,
        target=caller.uid,
        details={
            "provider": (claims.get("firebase") or {}).get("sign_in_provider"),
            "secondFactor": (claims.get("firebase") or {}).get("sign_in_second_factor"),
            "userAgent": (user_agent or "")[:300],
        },
    )
    return {"user": users.me(caller), "csrfToken": authn.csrf_token(cookie)}, cookie, max_age


def _refused(id_token: str, exc: PortalError) -> None:
    """Audit a refused sign-in. Who it claimed to be is read from the token unverified
    (it may be forged or expired), so it is kept as a claim, not as the actor."""
    claimed = authn.unverified_claims(id_token)
    audit.record(
        "auth.login_refused",
        actor_label=str(claimed.get("email") or "")[:254] or None,
        target=str(claimed.get("sub") or "")[:128] or None,
        details={"code": exc.code, "claimed": bool(claimed)},
    )


def logout(caller: Caller) -> None:
    """End every session of the caller (all devices): refresh tokens are revoked."""
    from ..account import sessions

    authn.revoke_sessions(caller.uid)
    sessions.end_all(caller)
    audit.record("auth.logout", actor=caller, org_id=caller.org_id, target=caller.uid)


def session(caller: Caller, cookie: str | None) -> dict[str, Any]:
    return {
        "authenticated": True,
        "user": users.me(caller),
        "csrfToken": authn.csrf_token(cookie) if cookie and caller.auth_method == "session" else None,
    }


def web_config() -> dict[str, Any]:
    """What the browser needs to initialise the Firebase Auth web SDK, and where it reports
    its errors (``errorTracking``, null unless ``SENTRY_BROWSER_DSN`` is set)."""
    project = config.project_id()
    dsn = config.browser_error_dsn()
    return {
        "firebase": {
            "apiKey": config.web_api_key(),
            "authDomain": config.env("AUTH_DOMAIN", f"{project}.firebaseapp.com"),
            "projectId": project,
        },
        "authEmulatorUrl": config.auth_emulator_url(),
        "firestoreEmulatorHost": config.firestore_emulator_host(),
        "errorTracking": {"dsn": dsn, "release": config.release(), "environment": project} if dsn else None,
    }
