"""Users: portal accounts, their roles (custom claims) and profiles.

An account is a Firebase Auth user whose custom claims carry ``role``, ``orgId`` and
``permissions``, plus a profile document at ``orgs/{orgId}/users/{uid}``.
"""

from __future__ import annotations

from typing import Any

from .. import authn, db
from ..audit import service as audit
from ..errors import BadRequest, Conflict, NotFound
from ..identity import STAFF_ROLES, Caller, OrgKind, Role
from ..policy import (
    Action,
    authorize_billing_access,
    authorize_removal,
    authorize_role_change,
    has_billing_access,
    refused_when_archived,
)

BILLING = Action.BILLING_READ.value
"""The permission (claim) billing access gives a client's member."""


def _permissions(values: Any) -> list[str]:
    return sorted({p for p in values or [] if isinstance(p, str)})


def _user_ref(org_id: str, uid: str) -> Any:
    return db.system(org_id).user(uid)


def _sees_billing(role: Any, permissions: Any) -> bool:
    try:
        return has_billing_access(Role(role), _permissions(permissions))
    except ValueError:
        return False


def member_json(snap: Any) -> dict[str, Any]:
    data = db.to_json(snap.to_dict() or {})
    return {
        "uid": snap.id,
        "email": data.get("email", ""),
        "role": data.get("role"),
        "orgId": data.get("orgId"),
        "disabled": bool(data.get("disabled")),
        "billingAccess": _sees_billing(data.get("role"), data.get("permissions")),
        "profile": data.get("profile") or {},
        "lastLogin": data.get("lastLogin"),
    }


def view(uid: str, org_id: str, claims: Caller | None = None) -> dict[str, Any]:
    """A user as the API shows them, with their organisation's name (one round trip).

    With ``claims`` (the verified caller), role and permissions come from the token,
    which is what the policy acts on."""
    store = db.system(org_id)
    org, user = db.read_all([store.doc(), store.user(uid)])
    data = (user.to_dict() or {}) if user is not None and user.exists else {}
    return {
        "uid": uid,
        "email": claims.email if claims else data.get("email", ""),
        "role": claims.role.value if claims else data.get("role"),
        "orgId": org_id,
        "orgName": org.get("name") if org is not None and org.exists else "",
        "permissions": sorted(claims.permissions) if claims else data.get("permissions", []),
        "profile": data.get("profile") or {},
    }


def me(caller: Caller) -> dict[str, Any]:
    """The caller's account, profile, organisation name and capabilities (without
    ``assistant.use`` while the assistant is not configured: it is hidden then)."""
    from ..assistant.settings import configured
    from ..policy import Action, capabilities

    caps = capabilities(caller)
    if not configured():
        caps = {scope: [a for a in actions if a != Action.ASSISTANT_USE] for scope, actions in caps.items()}
    return {**view(caller.uid, caller.org_id, caller), "capabilities": caps, "viewer": caller.viewer}


def check_role_fits(role: Role, kind: OrgKind) -> None:
    if (kind == OrgKind.AGENCY) != (role in STAFF_ROLES):
        where = "the agency" if kind == OrgKind.AGENCY else "a client organisation"
        raise BadRequest(f"Role {role.value} does not belong in {where}.", code="role_mismatch")


def create_user(
    *,
    email: str,
    role: Role,
    org_id: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    actor: Caller | None = None,
    actor_label: str = "cli",
    invite_id: str | None = None,
    uid: str | None = None,
) -> dict[str, Any]:
    """Create a portal account. Callers are the admin CLI, seeding and invite acceptance;
    the latter passes the ``uid`` of the pending account whose address was just proven."""
    from google.cloud import firestore

    org = db.org_ref(org_id)
    check_role_fits(role, org.kind)
    auth = authn.admin_auth()
    display = f"{first_name} {last_name}".strip() or None
    try:
        if uid is None:
            record = auth.create_user(email=email, password=password, display_name=display, email_verified=True)
        else:
            record = auth.update_user(uid, password=password, display_name=display, email_verified=True)
    except auth.EmailAlreadyExistsError:
        raise Conflict("An account with this email already exists.", code="email_exists") from None
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    claims: dict[str, Any] = {"role": role.value, "orgId": org_id, "permissions": []}
    auth.set_custom_user_claims(record.uid, claims)
    doc = {
        "uid": record.uid,
        "email": email,
        "role": role.value,
        "orgId": org_id,
        "permissions": [],
        "profile": {"firstName": first_name, "lastName": last_name, "avatarUrl": None, "timezone": None},
        "disabled": False,
        "lastLogin": None,
        "inviteId": invite_id,
        "createdAt": firestore.SERVER_TIMESTAMP,
        "updatedAt": firestore.SERVER_TIMESTAMP,
    }
    _user_ref(org_id, record.uid).set(doc)
    audit.record(
        "user.created",
        actor=actor,
        actor_label=actor_label,
        org_id=org_id,
        target=record.uid,
        details={"email": email, "role": role.value, "inviteId": invite_id},
    )
    return {"uid": record.uid, "email": email, "role": role.value, "orgId": org_id}


def portal_account(email: str) -> Any:
    """The Auth record of ``email`` if it is a portal account (it has portal claims), else
    None: an address with only a pending invitee account may still be invited."""
    auth = authn.admin_auth()
    try:
        record = auth.get_user_by_email(email)
    except auth.UserNotFoundError:
        return None
    claims = record.custom_claims or {}
    return record if claims.get("role") or claims.get("orgId") else None


def pending_account(email: str) -> str:
    """The uid of the pending account for an invited ``email``, created if needed: no
    password, email not verified, no claims. Only a sign-in through a link emailed to the
    address can use it, and the API refuses it until the invite is completed."""
    auth = authn.admin_auth()
    if portal_account(email) is not None:
        raise Conflict("An account with this email already exists.", code="email_exists")
    try:
        return str(auth.get_user_by_email(email).uid)
    except auth.UserNotFoundError:
        pass
    try:
        return str(auth.create_user(email=email, email_verified=False).uid)
    except auth.EmailAlreadyExistsError:  # created by a concurrent request
        return str(auth.get_user_by_email(email).uid)


def _account(uid: str, actor: Caller | None = None) -> tuple[Any, str, Role]:
    """The Auth record of ``uid`` with its organisation and role, or NotFound. A client
    ``actor`` gets the same NotFound for an account that does not exist, one of another
    organisation and a staff account: no answer tells them apart."""
    if actor is not None and not actor.is_staff:
        record, org_id, role = _account(uid)
        if org_id != actor.org_id:
            raise NotFound("User not found.")
        return record, org_id, role
    auth = authn.admin_auth()
    try:
        record = auth.get_user(uid)
    except (auth.UserNotFoundError, ValueError):
        raise NotFound("User not found.") from None
    claims = record.custom_claims or {}
    try:
        return record, str(claims["orgId"]), Role(claims["role"])
    except (KeyError, ValueError):
        raise NotFound("User not found.") from None


def find_uid(email_or_uid: str) -> str:
    """Resolve an email address (or a uid) to a uid, for the CLI."""
    auth = authn.admin_auth()
    if "@" not in email_or_uid:
        return email_or_uid
    try:
        return str(auth.get_user_by_email(email_or_uid).uid)
    except (auth.UserNotFoundError, ValueError):
        raise NotFound(f"No user with email {email_or_uid}.") from None


def _summary(record: Any, org_id: str, role: Role, **more: Any) -> dict[str, Any]:
    """An account as :class:`~portal.members.models.MemberSummary` shows it, from its Auth record."""
    permissions = (record.custom_claims or {}).get("permissions")
    return {"uid": record.uid, "email": record.email or "", "role": role.value, "orgId": org_id,
            "disabled": bool(record.disabled), "billingAccess": has_billing_access(role, _permissions(permissions)),
            **more}  # fmt: skip


def patch_member(uid: str, patch: Any, *, actor: Caller) -> dict[str, Any]:
    """``PATCH /api/members/{uid}``: one change, a role or billing access (``MemberPatch``)."""
    if patch.billingAccess is not None:
        return set_billing_access(uid, patch.billingAccess, actor=actor)
    return {"member": set_role(uid, patch.role, actor=actor)}


def set_billing_access(
    uid: str, granted: bool, *, actor: Caller | None = None, actor_label: str = "cli"
) -> dict[str, Any]:
    """Give a client's member billing access (the ``billing.read`` permission claim), or take it
    back; :func:`portal.policy.authorize_billing_access` decides who may. Their sessions end, so
    that it applies at once: taken back, their credentials are refused at once by this instance
    and within ``SESSION_CHECK_SECONDS`` by every other; given, they see billing from their next
    sign-in. Audited. Asking for what already is changes nothing: ``{"member", "changed"}``."""
    from google.cloud import firestore

    record, org_id, role = _account(uid, actor)
    org = db.org_ref(org_id)
    authorize_billing_access(actor, uid, role, org)
    if actor is not None and refused_when_archived(actor, Action.MEMBERS_GRANT) and db.org_archived(org_id):
        raise Conflict("This organisation is archived: it is read-only.", code="org_archived")
    claims = dict(record.custom_claims or {})
    permissions = set(_permissions(claims.get("permissions")))
    if (BILLING in permissions) == granted:
        return {"member": _summary(record, org_id, role), "changed": False}
    if granted:
        permissions.add(BILLING)
    else:
        permissions.discard(BILLING)
    claims["permissions"] = sorted(permissions)
    authn.admin_auth().set_custom_user_claims(uid, claims)
    authn.revoke_sessions(uid)  # the claims are in every credential: new ones carry the change
    _user_ref(org_id, uid).set(
        {"permissions": sorted(permissions), "updatedAt": firestore.SERVER_TIMESTAMP}, merge=True
    )
    audit.record(
        "user.billing_access_granted" if granted else "user.billing_access_revoked",
        actor=actor,
        actor_label=actor_label,
        org_id=org_id,
        target=uid,
        details={"email": record.email},
    )
    member = _summary(record, org_id, role, billingAccess=granted)
    return {"member": member, "changed": True}


def set_role(uid: str, role: Role, *, actor: Caller | None = None, actor_label: str = "cli") -> dict[str, Any]:
    """Change a user's role (within the same kind of organisation) and end their sessions
    so that the new role applies at once."""
    from google.cloud import firestore

    record, org_id, old = _account(uid, actor)
    org = db.org_ref(org_id)
    check_role_fits(role, org.kind)
    if actor is not None:
        authorize_role_change(actor, uid, role, org)
    auth = authn.admin_auth()
    claims = dict(record.custom_claims or {})
    claims["role"] = role.value
    auth.set_custom_user_claims(uid, claims)
    authn.revoke_sessions(uid)
    _user_ref(org_id, uid).set({"role": role.value, "updatedAt": firestore.SERVER_TIMESTAMP}, merge=True)
    audit.record(
        "user.role_changed",
        actor=actor,
        actor_label=actor_label,
        org_id=org_id,
        target=uid,
        details={"from": old.value, "to": role.value},
    )
    return _summary(record, org_id, role)


def disable_user(uid: str, *, actor: Caller | None = None, actor_label: str = "cli") -> dict[str, Any]:
    """Disable an account and revoke its sessions (removing a member)."""
    from google.cloud import firestore

    record, org_id, role = _account(uid, actor)
    if actor is not None:
        authorize_removal(actor, uid, role, db.org_ref(org_id))
    auth = authn.admin_auth()
    auth.update_user(uid, disabled=True)
    authn.revoke_sessions(uid)  # this instance refuses the account at once, the others within the interval
    _user_ref(org_id, uid).set({"disabled": True, "updatedAt": firestore.SERVER_TIMESTAMP}, merge=True)
    audit.record(
        "user.disabled",
        actor=actor,
        actor_label=actor_label,
        org_id=org_id,
        target=uid,
        details={"email": record.email},
    )
    from ..privacy import deletion  # the removed person's data is purged after the grace period

    deletion.schedule_user(uid, org_id, record.email or "", reason="removed", actor=actor, actor_label=actor_label)
    return _summary(record, org_id, role, disabled=True)


def list_members(caller: Caller, org_id: str | None) -> list[dict[str, Any]]:
    grant = db.grant(caller, Action.MEMBERS_READ, org_id)
    members = [member_json(s) for s in grant.users().stream()]
    return sorted(members, key=lambda m: m["email"])


def list_users(org_id: str | None = None) -> list[dict[str, Any]]:
    """Every user, or those of one organisation (admin CLI)."""
    query = db.system(org_id).users() if org_id else db.across_orgs(db.USERS)
    return sorted((member_json(s) for s in query.stream()), key=lambda m: (m["orgId"] or "", m["email"]))


def record_login(caller: Caller) -> None:
    from google.cloud import firestore

    _user_ref(caller.org_id, caller.uid).set({"lastLogin": firestore.SERVER_TIMESTAMP}, merge=True)


def reset_message(actor_name: str, portal_url: str) -> dict[str, str]:
    """The mail telling someone their second factors were reset: ``{"subject", "text", "html"}``."""
    import html

    from ..notifications.mail import html_page

    subject = "Your two-factor sign-in was reset"
    lines = [
        f"Your two-factor sign-in on the client portal was reset by {actor_name}: the phones that "
        "texted you sign-in codes are removed, and every device was signed out.",
        "Sign in again with your password. If your account needs a second factor, you will be asked to add a phone.",
        "If you did not ask for this, tell your project lead at once and change your password.",
    ]
    text = "\n\n".join(lines) + f"\n\n{portal_url}/login\n"
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    page = html_page(subject, f'{paragraphs}<p><a href="{html.escape(portal_url, quote=True)}/login">Sign in</a></p>')
    return {"subject": subject, "text": text, "html": page}


def reset_second_factors(uid: str, *, actor: Caller | None = None, actor_label: str = "cli") -> dict[str, Any]:
    """Remove every second factor of an account (a lost phone) and end its sessions; the
    person is mailed (when mail is connected) and, where a second factor is required, enrols
    a phone at the next sign-in. Audited. An account without one is left as it is."""
    import time

    from .. import config
    from ..account import mfa
    from ..deliveries import service as deliveries
    from ..integrations import outbound
    from ..policy import authorize_factor_reset

    record, org_id, role = _account(uid, actor)
    if actor is not None:
        authorize_factor_reset(actor, uid, role, db.org_ref(org_id))
    summary = _summary(record, org_id, role)
    factors = mfa.enrollments(record)
    if not factors:
        return {"member": summary, "removed": 0, "mailed": False}
    mfa.keep_only(uid, [])
    authn.revoke_sessions(uid)
    audit.record(
        "user.second_factors_reset",
        actor=actor,
        actor_label=actor_label,
        org_id=org_id,
        target=uid,
        details={"email": record.email, "removed": len(factors)},
    )
    mailed = False
    if record.email:
        by = actor.email if actor is not None else "an administrator"
        message = {"to": record.email, **reset_message(by, config.portal_url())}
        key = deliveries.key_for("second-factors-reset", uid, str(time.time_ns()))
        deliveries.enqueue("email", "second_factors_reset", message, key, org_id, target="person")
        mailed = outbound.smtp_settings() is not None
    return {"member": summary, "removed": len(factors), "mailed": mailed}
