"""View as client: an admin opens the portal as a client's owner or member, read-only.

Starting it (:func:`start`) checks the policy (``view_as``, admins) and that the person
is a client's, records ``viewas.started`` and hands back a signed view-as token. The
browser sends it as the ``X-View-As`` header with its own credentials; the request
pipeline (:mod:`portal.api.web`) resolves the pair with :func:`resolve` into a
:class:`Caller` of that person with ``viewer`` set to the admin, so every endpoint
answers exactly what that person would see. Such a caller is read-only: the pipeline
refuses every unsafe request and the operations that act as the person even when read
(downloads), and mints no live-update sign-in for them. Ending it (:func:`end`) records
``viewas.ended``.

The token is an HMAC (the session secret, with a purpose prefix) over the admin's uid,
the person's uid, role, organisation and permissions as read when it started, and an
expiry; it is worth nothing without the admin's own credentials.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from . import config, db
from .errors import Forbidden
from .identity import CLIENT_ROLES, Caller, Role
from .policy import Action

HEADER = "X-View-As"
TTL_SECONDS = 30 * 60
_PURPOSE = b"view-as:"


def _sign(payload: bytes) -> str:
    return hmac.new(config.csrf_secret(), _PURPOSE + payload, hashlib.sha256).hexdigest()


def _encode(claims: dict[str, Any]) -> str:
    payload = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()
    return f"{base64.urlsafe_b64encode(payload).decode().rstrip('=')}.{_sign(payload)}"


def _invalid() -> Forbidden:
    return Forbidden("This view-as session is not valid; exit it and start again.", code="view_as_invalid")


def _decode(token: str, *, check_expiry: bool = True) -> dict[str, Any]:
    body, _, signature = token.partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        claims = json.loads(payload)
    except (ValueError, TypeError):
        raise _invalid() from None
    signed = hmac.compare_digest(_sign(payload).encode(), signature.encode("utf-8", "replace"))
    if not isinstance(claims, dict) or not signed:
        raise _invalid()
    if check_expiry and not (isinstance(claims.get("exp"), int) and claims["exp"] > time.time()):
        raise Forbidden("This view-as session has ended; start it again.", code="view_as_expired")
    return claims


def start(caller: Caller, uid: str) -> dict[str, Any]:
    """Begin viewing as the client account ``uid`` (admins; never a member of staff)."""
    from .audit import service as audit
    from .members import service as members

    if caller.read_only:
        raise Forbidden("Exit the current view first.", code="view_as_read_only")
    record, org_id, role = members._account(uid)
    if role not in CLIENT_ROLES:
        raise Forbidden("Only a client's owner or members can be viewed as.", code="view_as_staff")
    db.grant(caller, Action.VIEW_AS, org_id)
    claims = dict(record.custom_claims or {})
    perms = [p for p in claims.get("permissions") or [] if isinstance(p, str)]
    expires = int(time.time()) + TTL_SECONDS
    token = _encode({"v": caller.uid, "u": uid, "e": record.email or "", "r": role.value, "o": org_id,
                     "p": perms, "exp": expires})  # fmt: skip
    audit.record("viewas.started", actor=caller, org_id=org_id, target=uid,
                 details={"email": record.email, "role": role.value, "expiresAt": expires})  # fmt: skip
    return {"token": token, "expiresAt": expires, "uid": uid, "email": record.email or "", "role": role.value,
            "orgId": org_id}  # fmt: skip


def resolve(caller: Caller, token: str) -> Caller:
    """The person ``token`` views as, for the admin ``caller`` who started it (still
    allowed to): a read-only :class:`Caller` with ``viewer`` set."""
    claims = _decode(token)
    if caller.read_only or claims.get("v") != caller.uid:
        raise _invalid()
    try:
        role = Role(str(claims["r"]))
        org_id, uid = str(claims["o"]), str(claims["u"])
    except (KeyError, ValueError):
        raise _invalid() from None
    if role not in CLIENT_ROLES:
        raise _invalid()
    db.grant(caller, Action.VIEW_AS, org_id)  # still an admin, the organisation still a client's
    return Caller(uid=uid, email=str(claims.get("e") or ""), role=role, org_id=org_id,
                  permissions=frozenset(p for p in claims.get("p") or [] if isinstance(p, str)),
                  auth_method=caller.auth_method, viewer=caller.uid)  # fmt: skip


def end(caller: Caller, token: str) -> dict[str, Any]:
    """Stop viewing (also after the token expired): recorded once per call."""
    from .audit import service as audit

    claims = _decode(token, check_expiry=False)
    if claims.get("v") != caller.uid:
        raise _invalid()
    audit.record("viewas.ended", actor=caller, org_id=str(claims.get("o") or "") or None,
                 target=str(claims.get("u") or "") or None, details={"email": claims.get("e")})  # fmt: skip
    return {"ok": True}
