"""Authentication: Firebase ID tokens, session cookies and CSRF tokens.

A credential is verified by the SDK (signature, issuer, audience, expiry) without asking Firebase
Auth about the account; whether it was revoked or its account disabled is decided from what this
instance remembers of the account (:mod:`portal.revocation`, trusted for ``SESSION_CHECK_SECONDS``),
not from a lookup on every request. Whoever revokes, disables, enables or deletes an account goes
through :func:`revoke_sessions` or :func:`account_changed`, so that this instance knows at once.

The Firebase Admin SDK is imported on first use, not at cold start.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from functools import cache
from typing import Any

from . import config, revocation
from .errors import Forbidden, Unauthenticated
from .identity import Caller, Role

SESSION_COOKIE = "__session"
RECENT_SIGN_IN_SECONDS = 5 * 60


@cache
def admin_app() -> Any:
    """The Firebase Admin app for this project (initialised once, lazily)."""
    import firebase_admin

    try:
        return firebase_admin.get_app()
    except ValueError:
        return firebase_admin.initialize_app(options={"projectId": config.project_id()})


def admin_auth() -> Any:
    from firebase_admin import auth

    admin_app()
    return auth


def _unauthenticated(exc: Exception) -> Unauthenticated:
    from firebase_admin import auth

    if isinstance(exc, (auth.ExpiredIdTokenError, auth.ExpiredSessionCookieError)):
        return Unauthenticated("Your session has expired. Please sign in again.", code="expired")
    return Unauthenticated("Invalid credentials.", code="invalid_token")


LIVE_CLAIM = "live"
"""The claim of a credential minted for live updates (``portal.live.token``): the session
record it belongs to. Such a credential reads its owner's change signal and nothing else."""


def staff_second_factor_required() -> bool:
    """``STAFF_SECOND_FACTOR=required``: no credential of staff without a second factor."""
    return config.env("STAFF_SECOND_FACTOR", "").strip().lower() == "required"


def _credential_rules(role: Role, claims: dict[str, Any]) -> None:
    """What every credential the API accepts must be, whatever its kind (a Bearer ID token,
    a session cookie, the ID token a session is made from): not one minted for live
    updates, and for staff, when the portal requires it, from a sign-in with a second factor."""
    if LIVE_CLAIM in claims:
        raise Unauthenticated("This credential only listens to live updates.", code="live_only")
    if (
        role.is_staff
        and staff_second_factor_required()
        and not (claims.get("firebase") or {}).get("sign_in_second_factor")
    ):
        raise Forbidden(
            "Staff accounts sign in with a second factor. Enrol a phone to continue.", code="second_factor_required"
        )


def caller_from_claims(claims: dict[str, Any], method: str) -> Caller:
    """A :class:`Caller` from verified claims; accounts without portal claims are refused,
    and so is a credential :func:`_credential_rules` refuses."""
    try:
        role = Role(str(claims.get("role")))
    except ValueError:
        raise Forbidden("This account has no access to the portal.", code="no_access") from None
    org_id = claims.get("orgId")
    if not isinstance(org_id, str) or not org_id:
        raise Forbidden("This account has no access to the portal.", code="no_access")
    _credential_rules(role, claims)
    perms = claims.get("permissions") or []
    return Caller(
        uid=str(claims["uid"]),
        email=str(claims.get("email", "")),
        role=role,
        org_id=org_id,
        permissions=frozenset(p for p in perms if isinstance(p, str)),
        auth_method=method,
    )


def _unexpired(claims: dict[str, Any]) -> dict[str, Any]:
    """Refuse an expired token. The SDK checks ``exp`` too, except against the Auth
    emulator; checking here keeps the behaviour the same everywhere."""
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= time.time():
        raise Unauthenticated("Your session has expired. Please sign in again.", code="expired")
    return claims


def _account_state(uid: str) -> revocation.State:
    """What Firebase Auth says of the account now (one ``accounts:lookup`` round trip)."""
    from firebase_admin import exceptions

    auth = admin_auth()
    try:
        user = auth.get_user(uid)
    except auth.UserNotFoundError:
        return revocation.GONE
    except (ValueError, exceptions.FirebaseError):
        raise Unauthenticated("Credentials could not be checked; try again.", code="unavailable") from None
    return revocation.State(valid_after_ms=int(user.tokens_valid_after_timestamp or 0), disabled=bool(user.disabled))


REVOCATIONS = revocation.Revocations(_account_state, config.session_check_seconds)
"""This instance's memory of accounts' revocation state."""

_REFUSALS = {
    "disabled": ("This account is disabled.", "user_disabled"),
    "revoked": ("Your session was revoked. Please sign in again.", "revoked"),
}


def _not_revoked(claims: dict[str, Any]) -> dict[str, Any]:
    """Refuse a credential revoked since it was issued, or whose account is disabled or gone:
    Firebase's ``check_revoked``, from what this instance knows of the account."""
    try:
        REVOCATIONS.check(str(claims.get("uid") or ""), claims.get("iat"))
    except revocation.Refused as refused:
        message, code = _REFUSALS.get(refused.reason, ("Invalid credentials.", "invalid_token"))
        raise Unauthenticated(message, code=code) from None
    return claims


def auth_lookups() -> int:
    """Round trips this instance has made to Firebase Auth to check credentials (measured by the
    tests and ``bench/revocation.py``)."""
    return REVOCATIONS.lookups()


def verify_id_token(token: str) -> dict[str, Any]:
    auth = admin_auth()
    try:
        claims = _unexpired(dict(auth.verify_id_token(token)))
    except (ValueError, auth.InvalidIdTokenError) as exc:
        raise _unauthenticated(exc) from None
    except auth.CertificateFetchError:
        raise Unauthenticated("Credentials could not be checked; try again.", code="unavailable") from None
    return _not_revoked(claims)


def verify_session_cookie(cookie: str) -> dict[str, Any]:
    auth = admin_auth()
    try:
        claims = _unexpired(dict(auth.verify_session_cookie(cookie)))
    except (ValueError, auth.InvalidSessionCookieError) as exc:
        raise _unauthenticated(exc) from None
    except auth.CertificateFetchError:
        raise Unauthenticated("Credentials could not be checked; try again.", code="unavailable") from None
    return _not_revoked(claims)


def authenticate(authorization: str | None, cookie: str | None) -> Caller:
    """The caller behind an ``Authorization: Bearer`` header or a session cookie."""
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Authorization must be 'Bearer <Firebase ID token>'.", code="invalid_token")
        return caller_from_claims(verify_id_token(token.strip()), "bearer")
    if cookie:
        return caller_from_claims(verify_session_cookie(cookie), "session")
    raise Unauthenticated("Sign in to continue.", code="no_credentials")


def signed_in_recently(claims: dict[str, Any]) -> bool:
    """Whether verified token claims come from a sign-in of the last RECENT_SIGN_IN_SECONDS."""
    return time.time() - int(claims.get("auth_time") or 0) <= RECENT_SIGN_IN_SECONDS


def create_session_cookie(id_token: str) -> tuple[str, dict[str, Any], int]:
    """Exchange a freshly minted ID token for a session cookie: (cookie, claims, max_age)."""
    claims = verify_id_token(id_token)
    if not signed_in_recently(claims):
        raise Unauthenticated("Sign in again to start a session.", code="stale_sign_in")
    caller_from_claims(claims, "session")  # refuse accounts without portal access
    days = config.session_days()
    auth = admin_auth()
    try:
        cookie = auth.create_session_cookie(id_token, expires_in=dt.timedelta(days=days))
    except (ValueError, auth.InvalidIdTokenError) as exc:
        raise _unauthenticated(exc) from None
    return cookie, claims, days * 86400


def unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT read without checking it (for the audit of a refusal only);
    empty when it is not one."""
    import base64
    import json

    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def verify_email_proof(id_token: str) -> dict[str, Any]:
    """The claims of a fresh ID token whose email Firebase has verified: after signing in
    with a link emailed to the address, the holder controls that mailbox."""
    claims = verify_id_token(id_token)
    if not signed_in_recently(claims):
        raise Unauthenticated("Open the link in your email again.", code="stale_sign_in")
    if claims.get("email_verified") is not True or not claims.get("email"):
        raise Forbidden("Confirm your email address with the link we sent to it.", code="email_not_verified")
    return claims


def revoke_sessions(uid: str) -> None:
    """Revoke every credential of the account (refresh tokens, ID tokens, session cookies):
    this instance refuses them at once, every other one within ``SESSION_CHECK_SECONDS``."""
    admin_auth().revoke_refresh_tokens(uid)
    REVOCATIONS.forget(uid)


def account_changed(uid: str) -> None:
    """After the account was disabled, enabled or deleted: this instance looks it up again
    at its next credential (the others within ``SESSION_CHECK_SECONDS``)."""
    REVOCATIONS.forget(uid)


def csrf_token(session_cookie: str) -> str:
    """The CSRF token bound to a session cookie (HMAC, so only the server can mint it)."""
    digest = hashlib.sha256(session_cookie.encode()).digest()
    return hmac.new(config.csrf_secret(), digest, hashlib.sha256).hexdigest()


def csrf_ok(session_cookie: str, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(csrf_token(session_cookie), token or "")
