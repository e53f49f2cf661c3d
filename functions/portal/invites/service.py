"""Invitations: the only way to get a portal account.

An invite lives at ``orgs/{orgId}/invites/{inviteId}`` and stores only the SHA-256
of its secret. The link carries ``{orgId}.{inviteId}.{secret}``, so looking it up reads
one document. Invites are single-use (Firebase Auth's unique email plus a
transaction on the invite), expire, and can be revoked.

Holding the link is not enough to get the account: whoever creates an invite sees its
link too. Accepting happens in two steps. :func:`accept` (with the link's secret)
prepares a *pending* Firebase Auth account for the invited address: no password, email
not verified, no portal claims, so nobody can sign in with it and the API refuses it.
The browser then asks Firebase to email a sign-in link to that address, and only whoever
opens that email can sign in to the pending account. :func:`complete` takes that fresh
ID token (its ``email_verified`` is true only after the email link) and turns the pending
account into the member: password, name, claims, profile, invite accepted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from .. import authn, config, db
from ..audit import service as audit
from ..errors import BadRequest, Conflict, Forbidden, Gone, NotFound
from ..identity import Caller, Role
from ..members import service as users
from ..policy import Action, assignable_roles


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _status(data: dict[str, Any], now: dt.datetime) -> str:
    status = str(data.get("status", "pending"))
    expires = data.get("expiresAt")
    if status == "pending" and expires is not None and expires <= now:
        return "expired"
    return status


def _grant(caller: Caller | None, org_id: str | None) -> db.Grant:
    """The policy's grant for managing invites; ``caller`` None is the admin CLI."""
    if caller is not None:
        return db.grant(caller, Action.MEMBERS_INVITE, org_id)
    if not org_id:
        raise BadRequest("Name the organisation.")
    return db.trusted_grant(Action.MEMBERS_INVITE, org_id)


def _label(caller: Caller | None) -> str:
    return caller.email if caller else "admin-cli"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def invite_json(snap: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    data = snap.to_dict() or {}
    out = db.to_json({k: data.get(k) for k in ("email", "role", "orgId", "expiresAt", "createdAt", "invitedBy")})
    out["id"] = snap.id
    out["status"] = _status(data, now or _now())
    return out


def create(
    caller: Caller | None,
    *,
    email: str,
    role: Role,
    org_id: str | None,
) -> dict[str, Any]:
    """Invite ``email`` into ``org_id`` with ``role``; returns the invite and its link.

    ``caller`` None is the admin CLI. A new invite for the same email and organisation
    replaces any pending one."""
    from google.cloud import firestore

    grant = _grant(caller, org_id)
    if caller is not None and role not in assignable_roles(caller, grant.org):
        raise Forbidden("You may not invite someone with this role here.", code="role_not_allowed")
    users.check_role_fits(role, grant.org.kind)
    inviter = _label(caller)
    if users.portal_account(email) is not None:
        raise Conflict("This person already has an account.", code="email_exists")
    invites = grant.invites()
    secret = secrets.token_urlsafe(32)
    now = _now()
    ref = invites.document()
    data = {
        "email": email,
        "role": role.value,
        "orgId": grant.org.id,
        "status": "pending",
        "tokenHash": _hash(secret),
        "createdAt": now,
        "expiresAt": now + dt.timedelta(hours=config.invite_ttl_hours()),
        "invitedBy": inviter,
        "invitedByUid": caller.uid if caller else None,
    }
    batch = db.batch()
    for old in invites.where(filter=db.eq("email", email)).where(filter=db.eq("status", "pending")).stream():
        batch.update(
            old.reference, {"status": "revoked", "revokedAt": firestore.SERVER_TIMESTAMP, "revokedBy": inviter}
        )
    batch.create(ref, data)
    batch.commit()
    audit.record(
        "invite.created",
        actor=caller,
        actor_label=inviter,
        org_id=grant.org.id,
        target=ref.id,
        details={"email": email, "role": role.value},
    )
    token = f"{grant.org.id}.{ref.id}.{secret}"
    invite = invite_json(_Snap(ref.id, data), now)
    return {"invite": invite, "inviteUrl": f"{config.portal_url()}/invite#token={token}"}


class _Snap:
    """A just-written document, shaped like a snapshot."""

    def __init__(self, id_: str, data: dict[str, Any]) -> None:
        self.id, self._data = id_, data

    def to_dict(self) -> dict[str, Any]:
        return self._data


def list_invites(caller: Caller | None, org_id: str | None) -> list[dict[str, Any]]:
    grant = _grant(caller, org_id)
    now = _now()
    query = grant.invites().order_by("createdAt", direction="DESCENDING").limit(200)
    return [invite_json(s, now) for s in query.stream()]


def revoke(caller: Caller | None, invite_id: str, org_id: str | None) -> dict[str, Any]:
    from google.cloud import firestore

    grant = _grant(caller, org_id)
    ref = grant.invite(invite_id)

    def run(tx: Any) -> dict[str, Any]:
        data = db.read(tx, ref, "Invite not found.")
        status = _status(data, _now())
        if status != "pending":
            raise Conflict(f"This invite is already {status}.", code="invite_not_pending")
        tx.update(ref, {"status": "revoked", "revokedAt": firestore.SERVER_TIMESTAMP, "revokedBy": _label(caller)})
        audit.record(
            "invite.revoked",
            actor=caller,
            actor_label=_label(caller),
            org_id=grant.org.id,
            target=invite_id,
            details={"email": data.get("email")},
            transaction=tx,
        )
        data["status"] = "revoked"
        return invite_json(_Snap(invite_id, data))

    return db.transact(run)


def _parse(token: str) -> tuple[Any, str]:
    parts = token.split(".")
    if len(parts) != 3 or not all(parts) or any("/" in p for p in parts):
        raise NotFound("This invite link is not valid.", code="invite_invalid")
    org_id, invite_id, secret = parts
    # The link names its organisation; its secret, checked before anything is shown or
    # changed, is what lets the holder in.
    ref = db.system(org_id).invite(invite_id)
    return ref, secret


def _check(snap: Any, secret: str) -> dict[str, Any]:
    if not snap.exists or not hmac.compare_digest(snap.get("tokenHash"), _hash(secret)):
        raise NotFound("This invite link is not valid.", code="invite_invalid")
    data = snap.to_dict()
    status = _status(data, _now())
    if status != "pending":
        raise Gone(f"This invite is {status}. Ask for a new one.", code=f"invite_{status}")
    return data


def lookup(token: str) -> dict[str, Any]:
    """What an invite link is for, so the accept page can greet the invitee."""
    ref, secret = _parse(token)
    data = _check(ref.get(), secret)
    org = db.system(data["orgId"]).doc().get()
    return {
        "email": data["email"],
        "orgName": org.get("name") if org.exists else "",
        "role": data["role"],
        "expiresAt": db.to_json(data["expiresAt"]),
    }


def _parse_ref(ref: str) -> Any:
    """The invite named by ``{orgId}.{inviteId}`` (what the emailed link carries)."""
    parts = ref.split(".")
    if len(parts) != 2 or not all(parts) or any("/" in p for p in parts):
        raise NotFound("This invite link is not valid.", code="invite_invalid")
    return db.system(parts[0]).invite(parts[1])


def _usable(data: dict[str, Any]) -> dict[str, Any]:
    status = _status(data, _now())
    if status != "pending":
        raise Gone(f"This invite is {status}. Ask for a new one.", code=f"invite_{status}")
    if db.org_archived(data["orgId"]):
        raise Conflict("This organisation is archived: it takes no new members.", code="org_archived")
    return data


def accept(token: str) -> dict[str, Any]:
    """First step of accepting: check the link and prepare a pending account for the
    invited address, to which the browser then has Firebase email a sign-in link.

    Nothing here proves who is asking, so nothing here grants anything: the pending
    account has no password, no claims and an unverified email."""
    ref, secret = _parse(token)
    data = _usable(_check(ref.get(), secret))
    users.pending_account(data["email"])
    audit.record(
        "invite.confirmation_requested",
        actor_label="invite link",
        org_id=data["orgId"],
        target=ref.id,
        details={"email": data["email"]},
    )
    return {"email": data["email"], "invite": f"{data['orgId']}.{ref.id}"}


def complete(invite: str, *, id_token: str, password: str, first_name: str, last_name: str) -> dict[str, Any]:
    """Second step: ``id_token`` comes from signing in with the sign-in link emailed to
    the invited address (Firebase marks the email verified only then). The pending account
    becomes the member; the invite cannot be used again."""
    from google.cloud import firestore

    ref = _parse_ref(invite)
    claims = authn.verify_email_proof(id_token)
    snap = ref.get()
    if not snap.exists:
        raise NotFound("This invite link is not valid.", code="invite_invalid")
    data = _usable(snap.to_dict() or {})
    if str(claims.get("email", "")).lower() != str(data["email"]).lower():
        raise Forbidden("This sign-in link was sent to a different address.", code="email_mismatch")
    if claims.get("role") or claims.get("orgId"):
        raise Conflict("This person already has an account.", code="email_exists")
    uid = str(claims["uid"])

    def claim(tx: Any) -> None:
        current = db.read(tx, ref, "This invite link is not valid.")
        _usable(current)
        tx.update(ref, {"status": "accepted", "acceptedAt": firestore.SERVER_TIMESTAMP, "acceptedUid": uid})
        audit.record(
            "invite.accepted",
            actor_label=data["email"],
            org_id=data["orgId"],
            target=ref.id,
            details={"uid": uid},
            transaction=tx,
        )

    # Claim the invite first: of two tabs finishing at once, one wins, and the other
    # changes nothing.
    db.transact(claim)
    try:
        user = users.create_user(
            email=data["email"],
            role=Role(data["role"]),
            org_id=data["orgId"],
            first_name=first_name,
            last_name=last_name,
            password=password,
            actor_label=data["email"],
            invite_id=ref.id,
            uid=uid,
        )
    except Exception:
        ref.update({"status": "pending", "acceptedAt": firestore.DELETE_FIELD, "acceptedUid": firestore.DELETE_FIELD})
        raise
    return users.view(user["uid"], data["orgId"])
