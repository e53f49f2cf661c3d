"""The caller's own account: profile (name, time zone, avatar), email verification
status, second factors, and recent sign-ins read from the audit log.

Passwords, password resets, email verification and second-factor enrolment happen in the
browser with the Firebase Auth SDK (Firebase requires a recent sign-in for them); the API
reports their state and records the profile.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from .. import authn, db
from ..audit import service as audit
from ..errors import BadRequest, Conflict, NotFound
from ..identity import STAFF_ROLES, Caller
from ..policy import Action

RECENT_SIGN_INS = 10


@cache
def time_zones() -> frozenset[str]:
    """The IANA time zone names this runtime knows."""
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def valid_time_zone(name: str) -> str:
    if name not in time_zones():
        raise ValueError("not an IANA time zone name (for example Europe/London)")
    return name


def _grant(caller: Caller) -> db.Grant:
    return db.grant(caller, Action.ACCOUNT_OWN, caller.org_id)


def _second_factors(record: Any) -> list[dict[str, Any]]:
    """The second factors of an Auth record. The Admin SDK for Python does not model them,
    so they are read from the record's Identity Toolkit answer (``mfaInfo``)."""
    raw = getattr(record, "_data", None)
    factors = raw.get("mfaInfo") if isinstance(raw, dict) else None
    out = []
    for f in factors or []:
        if not isinstance(f, dict):
            continue
        phone = str(f.get("phoneInfo") or "")
        out.append(
            {
                "uid": str(f.get("mfaEnrollmentId") or ""),
                "factorId": "phone" if phone or "phoneInfo" in f else "totp",
                "displayName": str(f.get("displayName") or ""),
                "phoneNumber": (phone[:3] + "•" * max(0, len(phone) - 5) + phone[-2:]) if phone else "",
                "enrolledAt": str(f["enrolledAt"]) if f.get("enrolledAt") else None,
            }
        )
    return out


def second_factor_required(caller: Caller) -> bool:
    """Staff accounts must sign in with a second factor (``STAFF_SECOND_FACTOR``, :mod:`portal.authn`)."""
    return caller.role in STAFF_ROLES and authn.staff_second_factor_required()


def recent_sign_ins(caller: Caller, limit: int = RECENT_SIGN_INS) -> list[dict[str, Any]]:
    """The caller's last sign-ins, from the audit log's ``auth.login`` entries."""
    query = (
        db.audit_log()
        .where(filter=db.eq("target", caller.uid))
        .where(filter=db.eq("event", "auth.login"))
        .order_by("at", direction="DESCENDING")
        .limit(limit)
    )
    out = []
    for snap in query.stream():
        data = snap.to_dict() or {}
        details = data.get("details") or {}
        out.append(
            {
                "at": db.to_json(data.get("at")),
                "ip": data.get("ip") or "",
                "method": details.get("provider") or "",
                "secondFactor": details.get("secondFactor") or None,
                "userAgent": details.get("userAgent") or "",
            }
        )
    return out


def profile(caller: Caller) -> dict[str, Any]:
    """The caller's profile with the state of their sign-in methods."""
    grant = _grant(caller)
    snap = grant.user(caller.uid).get()
    stored = ((snap.to_dict() or {}).get("profile") or {}) if snap.exists else {}
    auth = authn.admin_auth()
    record = auth.get_user(caller.uid)
    return {
        "email": caller.email,
        "emailVerified": bool(record.email_verified),
        "profile": {
            "firstName": stored.get("firstName") or "",
            "lastName": stored.get("lastName") or "",
            "avatarUrl": stored.get("avatarUrl") or None,
            "timezone": stored.get("timezone") or None,
        },
        "secondFactors": _second_factors(record),
        "secondFactorRequired": second_factor_required(caller),
        "recentSignIns": recent_sign_ins(caller),
    }


def update_profile(caller: Caller, changes: dict[str, Any]) -> dict[str, Any]:
    """Change the caller's name or time zone (``timezone`` null: the browser's own)."""
    if not changes:
        raise BadRequest("Nothing to change.", code="empty_patch")
    grant = _grant(caller)
    ref = grant.user(caller.uid)
    ref.set({"profile": changes, "updatedAt": dt.datetime.now(dt.UTC)}, merge=True)
    if "firstName" in changes or "lastName" in changes:
        data = (ref.get().to_dict() or {}).get("profile") or {}
        display = f"{data.get('firstName', '')} {data.get('lastName', '')}".strip() or None
        authn.admin_auth().update_user(caller.uid, display_name=display)
    audit.record(
        "user.profile_updated",
        actor=caller,
        org_id=caller.org_id,
        target=caller.uid,
        details={"fields": sorted(changes)},
    )
    return profile(caller)


def _fresh_second_factor_sign_in(caller: Caller, id_token: str) -> dict[str, Any]:
    """The claims of ``id_token`` if it proves that the caller has just signed in again with
    their password and a second factor; else a 400 (the page signs in again and retries)."""
    from ..errors import PortalError

    again = "Sign in again with your password and the texted code, then retry."
    try:
        claims = authn.verify_id_token(id_token)
    except PortalError:
        raise BadRequest(again, code="reauthentication_required") from None
    two_factor = bool((claims.get("firebase") or {}).get("sign_in_second_factor"))
    if claims.get("uid") != caller.uid or not authn.signed_in_recently(claims) or not two_factor:
        raise BadRequest(again, code="reauthentication_required")
    return claims


def remove_second_factor(caller: Caller, factor_uid: str, id_token: str) -> dict[str, Any]:
    """Remove one of the caller's second factors, after a fresh sign-in with the password and
    a second factor (``id_token``). An account that must sign in with a second factor keeps its
    last one (409 ``second_factor_required``: add another phone first). The caller's sessions
    go on; the removal is audited."""
    from . import mfa

    _grant(caller)
    _fresh_second_factor_sign_in(caller, id_token)
    auth = authn.admin_auth()
    factors = mfa.enrollments(auth.get_user(caller.uid))
    removed = next((f for f in factors if f.get("mfaEnrollmentId") == factor_uid), None)
    if removed is None:
        raise NotFound("No such second factor on your account.", code="factor_not_found")
    kept = [f for f in factors if f is not removed]
    if not kept and second_factor_required(caller):
        raise Conflict(
            "Your account must sign in with a second factor: add another phone before removing this one.",
            code="second_factor_required",
        )
    mfa.keep_only(caller.uid, kept)
    audit.record(
        "auth.second_factor_removed",
        actor=caller,
        org_id=caller.org_id,
        target=caller.uid,
        details={"factor": factor_uid, "displayName": str(removed.get("displayName") or ""), "remaining": len(kept)},
    )
    return profile(caller)
