"""Two-factor sign-in for staff accounts (Firebase Auth multi-factor, SMS).

``STAFF_SECOND_FACTOR=required`` makes a second factor compulsory for staff: a staff
sign-in whose ID token carries no ``firebase.sign_in_second_factor`` gets no session
(403 ``second_factor_required``), and the sign-in page then offers to enrol a phone.
Unset (the default, so the demo's staff accounts sign in as before), staff may enrol
from their profile and are then asked for the code at every sign-in by Firebase itself.
"""

from __future__ import annotations

from typing import Any

from .. import config
from ..errors import Forbidden
from ..identity import STAFF_ROLES, Caller


def required_for_staff() -> bool:
    return config.env("STAFF_SECOND_FACTOR", "").strip().lower() == "required"


def check_sign_in(caller: Caller, claims: dict[str, Any]) -> None:
    """Refuse a staff session without a second factor when the portal requires one."""
    if caller.role not in STAFF_ROLES or not required_for_staff():
        return
    if (claims.get("firebase") or {}).get("sign_in_second_factor"):
        return
    raise Forbidden(
        "Staff accounts sign in with a second factor. Enrol a phone to continue.", code="second_factor_required"
    )
