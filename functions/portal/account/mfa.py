"""Two-factor sign-in for staff accounts (Firebase Auth multi-factor, SMS).

``STAFF_SECOND_FACTOR=required`` makes a second factor compulsory for staff: a staff
credential of any kind (a session, or a Bearer ID token) whose claims carry no
``firebase.sign_in_second_factor`` is refused (403 ``second_factor_required``,
``portal.authn``), and the sign-in page then offers to enrol a phone.
Unset (the default, so the demo's staff accounts sign in as before), staff may enrol
from their profile and are then asked for the code at every sign-in by Firebase itself.
"""

from __future__ import annotations

from typing import Any

from .. import authn

# --- the enrolled factors, through Identity Toolkit ------------------------------------------
#
# The Admin SDK for Python neither models nor changes second factors. Reading them uses the
# record's Identity Toolkit answer (``mfaInfo``); changing them uses the SDK's own
# authorised Identity Toolkit client (emulator aware) for the ``accounts:update`` call the
# Admin SDKs for Node and Java make: ``mfa.enrollments`` lists the factors to keep, an
# empty ``mfa`` removes them all.


def enrollments(record: Any) -> list[dict[str, Any]]:
    """The second factors of an Auth record as Identity Toolkit reports them."""
    raw = getattr(record, "_data", None)
    factors = raw.get("mfaInfo") if isinstance(raw, dict) else None
    return [f for f in factors or [] if isinstance(f, dict) and f.get("mfaEnrollmentId")]


def _identity_toolkit() -> Any:
    from firebase_admin import auth

    return auth._get_client(authn.admin_app())._user_manager  # private: see above


def keep_only(uid: str, kept: list[dict[str, Any]]) -> None:
    """Leave account ``uid`` with the factors ``kept`` (from :func:`enrollments`); none: no
    second factor at all."""
    fields = ("mfaEnrollmentId", "displayName", "phoneInfo", "enrolledAt")
    mfa: dict[str, Any] = {}
    if kept:
        kept = [{**f, "phoneInfo": f.get("unobfuscatedPhoneInfo") or f.get("phoneInfo")} for f in kept]
        mfa["enrollments"] = [{k: f[k] for k in fields if f.get(k)} for f in kept]
    _identity_toolkit()._make_request("post", "/accounts:update", json={"localId": uid, "mfa": mfa})
