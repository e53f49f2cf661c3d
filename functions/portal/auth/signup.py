"""Self sign-up is closed: the portal is invitation-only."""

from __future__ import annotations

from .. import logs


def refuse_self_signup(email: str | None) -> str:
    """Log the attempt and return the message the browser will see."""
    from ..audit import service as audit

    logs.warning("self sign-up refused", email=email or "")
    audit.record("auth.signup_blocked", actor_label=(email or "")[:254] or None, details={"email": email or ""})
    return "Accounts are created by invitation only. Ask your agency contact for an invite."
