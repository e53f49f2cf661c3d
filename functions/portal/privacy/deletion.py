"""Deleting accounts and client organisations, with a grace period, then a purge.

- ``deletions/{user-<uid>|org-<orgId>}``: a deletion waiting out its grace period
  (``DELETION_GRACE_DAYS``): who, why (``self``: the person deleted their account;
  ``removed``: an owner or admin removed them; ``organisation``), when it is purged.
- Meanwhile the account is disabled (no sign-in, sessions ended) and an admin can undo it
  (:func:`undo`); an organisation is also archived (read-only).
- A person who deleted their own account is mailed a single-use restore link
  (``/restore#token={deletionId}.{secret}``; only the secret's hash is kept, as
  ``restoreHash``) and can undo it themselves until the purge (:func:`restore_own`), through
  the same restore as the admin's. A removed member or a deleted organisation gets no link.
- :func:`purge_due` (scheduled daily) runs every personal-data eraser
  (:mod:`portal.privacy.sources`) and deletes the Auth account; an organisation's purge
  deletes the organisation's documents, its Drive folder and its entries elsewhere.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import html
import secrets
from typing import Any

from .. import authn, config, db, ids, logs
from ..audit import service as audit
from ..errors import BadRequest, Conflict, NotFound
from ..identity import Caller, OrgKind, Role
from ..policy import Action
from . import retention
from .sources import Person, erase_all

USER, ORG = "user", "org"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _by(actor: Caller | None, label: str) -> dict[str, Any]:
    if actor is None:
        return {"uid": None, "email": label, "role": None}
    return {"uid": actor.uid, "email": actor.email, "role": actor.role.value}


def deletion_json(snap: Any) -> dict[str, Any]:
    data = snap.to_dict() or {}
    out = db.to_json({k: data.get(k) for k in ("kind", "uid", "orgId", "orgName", "email", "reason", "requestedBy",
                                               "requestedAt", "purgeAfter")})  # fmt: skip
    out["id"] = snap.id
    return out


def _disable(uid: str) -> bool:
    """Disable an Auth account and end its sessions; whether it was enabled before."""
    auth = authn.admin_auth()
    try:
        was_enabled = not auth.get_user(uid).disabled
        auth.update_user(uid, disabled=True)
        authn.revoke_sessions(uid)
    except auth.UserNotFoundError:
        return False
    return was_enabled


def _enable(uid: str) -> None:
    """Enable an Auth account again, with no session: its old ones stay ended. (Disabling
    revoked them, but Firebase compares whole seconds, so a cookie minted in the second of
    the revocation would come back to life; revoking again now ends it too.)"""
    auth = authn.admin_auth()
    try:
        auth.update_user(uid, disabled=False)
        authn.revoke_sessions(uid)
    except auth.UserNotFoundError:
        logs.warning("restored account no longer exists", uid=uid)


# --- asking ------------------------------------------------------------------------------------


def request_own(caller: Caller, confirm: str) -> dict[str, Any]:
    """The caller deletes their own account (typing their email address to confirm)."""
    db.grant(caller, Action.ACCOUNT_DELETE)
    if confirm.strip().lower() != caller.email.lower():
        raise BadRequest("Type your email address to confirm.", code="confirmation_mismatch")
    from ..integrations import outbound

    out = schedule_user(caller.uid, caller.org_id, caller.email, reason="self", actor=caller)
    out["restoreMailed"] = outbound.smtp_settings() is not None
    return out


def schedule_user(
    uid: str, org_id: str, email: str, *, reason: str, actor: Caller | None = None, actor_label: str = "cli"
) -> dict[str, Any]:
    """Disable the account now and purge it after the grace period (again: no change). A
    removal always wins over the person's own pending deletion: it becomes a removal, and
    the restore link they were mailed stops working."""
    from google.cloud import firestore

    ref = db.deletion(f"{USER}-{uid}")
    snap = ref.get()
    if snap.exists and reason == "removed" and _overrule_own_deletion(ref, actor, actor_label):
        db.system(org_id).user(uid).set({"disabled": True, "deletion": {"reason": reason},
                                         "updatedAt": firestore.SERVER_TIMESTAMP}, merge=True)  # fmt: skip
        audit.record("account.deletion_scheduled", actor=actor, actor_label=actor_label, org_id=org_id, target=uid,
                     details={"reason": reason, "overrules": "self"})  # fmt: skip
    if not snap.exists:
        purge_after = _now() + dt.timedelta(days=retention.deletion_grace_days())
        secret = secrets.token_urlsafe(32) if reason == "self" else None
        ref.set({"kind": USER, "uid": uid, "orgId": org_id, "email": email, "reason": reason,
                 "requestedBy": _by(actor, actor_label), "requestedAt": firestore.SERVER_TIMESTAMP,
                 "purgeAfter": purge_after, "wasEnabled": _disable(uid),
                 **({"restoreHash": _hash(secret)} if secret else {})})  # fmt: skip
        db.system(org_id).user(uid).set({"disabled": True, "deletion": {"purgeAfter": purge_after, "reason": reason},
                                         "updatedAt": firestore.SERVER_TIMESTAMP}, merge=True)  # fmt: skip
        audit.record("account.deletion_scheduled", actor=actor, actor_label=actor_label, org_id=org_id, target=uid,
                     details={"reason": reason, "purgeAfter": purge_after.isoformat()})  # fmt: skip
        if secret:
            _mail_restore_link(ref.id, email, secret, purge_after, org_id)
    return {"deletion": deletion_json(ref.get())}


def _overrule_own_deletion(ref: Any, actor: Caller | None, actor_label: str) -> bool:
    """Turn a pending self-deletion into a removal (one transaction with the restore's own
    claim, so a restore in flight either happened before or finds no link); whether it was one."""
    from google.cloud import firestore

    def run(tx: Any) -> bool:
        snap = ref.get(transaction=tx)
        if not snap.exists or (snap.to_dict() or {}).get("reason") != "self":
            return False
        tx.update(ref, {"reason": "removed", "requestedBy": _by(actor, actor_label), "wasEnabled": False,
                        "restoreHash": firestore.DELETE_FIELD})  # fmt: skip
        return True

    return bool(db.transact(run))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def restore_message(link: str, purge_after: dt.datetime) -> dict[str, str]:
    """The mail with the restore link: ``{"subject", "text", "html"}`` (every value escaped)."""
    from ..notifications.mail import html_page

    until = purge_after.strftime("%d %B %Y, %H:%M UTC")
    subject = "Your portal account is deleted: you can restore it"
    text = (
        "You deleted your account on the client portal. You are signed out and cannot sign in.\n\n"
        f"Changed your mind? Until {until} you can restore it with this link (it works once):\n{link}\n\n"
        "After that your account and personal data are deleted for good. If you did not delete your "
        "account, restore it with the link and change your password.\n"
    )
    url = html.escape(link, quote=True)
    page = html_page(
        subject,
        "<p>You deleted your account on the client portal. You are signed out and cannot sign in.</p>"
        f"<p>Changed your mind? Until {html.escape(until)} you can restore it (the link works once):</p>"
        f'<p><a href="{url}">Restore my account</a></p>'
        "<p>After that your account and personal data are deleted for good. If you did not delete your "
        "account, restore it with the link and change your password.</p>",
    )
    return {"subject": subject, "text": text, "html": page}


def _mail_restore_link(deletion_id: str, email: str, secret: str, purge_after: dt.datetime, org_id: str) -> None:
    """Mail the person their restore link (the retried mail path; the delivery's copy of the
    link is removed once it is sent, and never listed)."""
    from ..deliveries import service as deliveries

    link = f"{config.portal_url()}/restore#token={deletion_id}.{secret}"
    message = {"to": email, **restore_message(link, purge_after), "secret": True}
    key = deliveries.key_for(deletion_id, "restore", _hash(secret))
    deliveries.enqueue("email", "account_restore", message, key, org_id, target="person")


def request_org(caller: Caller, org_id: str | None, confirm: str) -> dict[str, Any]:
    """An admin deletes a client organisation (typing its name to confirm): its people are
    disabled and it is archived now, purged after the grace period."""
    from google.cloud import firestore

    grant = db.grant(caller, Action.ORGS_DELETE, org_id)
    if grant.org.kind != OrgKind.CLIENT:
        raise BadRequest("Only a client organisation can be deleted.", code="client_org_required")
    store = db.system(grant.org.id)
    org = store.doc().get().to_dict() or {}
    if confirm.strip() != str(org.get("name") or ""):
        raise BadRequest("Type the organisation's name to confirm.", code="confirmation_mismatch")
    ref = db.deletion(f"{ORG}-{grant.org.id}")
    if ref.get().exists:
        raise Conflict("This organisation is already being deleted.", code="deletion_pending")
    purge_after = _now() + dt.timedelta(days=retention.deletion_grace_days())
    disabled = [s.id for s in store.users().select([]).stream() if _disable(s.id)]
    ref.set({"kind": ORG, "orgId": grant.org.id, "orgName": org.get("name"), "reason": "organisation",
             "requestedBy": _by(caller, ""), "requestedAt": firestore.SERVER_TIMESTAMP, "purgeAfter": purge_after,
             "wasArchived": bool(org.get("archived")), "disabledUids": disabled})  # fmt: skip
    store.doc().update({"archived": True, "deletion": {"purgeAfter": purge_after}})
    audit.record("org.deletion_scheduled", actor=caller, org_id=grant.org.id, target=grant.org.id,
                 details={"purgeAfter": purge_after.isoformat(), "accountsDisabled": len(disabled)})  # fmt: skip
    return {"deletion": deletion_json(ref.get())}


def _admin(caller: Caller) -> None:
    db.grant(caller, Action.DELETIONS_MANAGE, db.agency_org_id() or caller.org_id)


def list_pending(caller: Caller) -> dict[str, Any]:
    """Deletions in their grace period, the soonest purge first (admins)."""
    _admin(caller)
    snaps = list(db.deletions().order_by("purgeAfter").limit(200).stream())
    return {"items": [deletion_json(s) for s in snaps]}


def undo(caller: Caller, deletion_id: str) -> dict[str, Any]:
    """Restore an account or organisation before its purge (admins). A person who deleted
    their own account can sign in again; a removed member stays disabled, as removed."""
    _admin(caller)
    ref = db.deletion(deletion_id)
    snap = ref.get()
    if not snap.exists:
        raise NotFound("Deletion not found.")
    _restore(ref, snap.to_dict() or {}, actor=caller)
    return {"ok": True}


def _restore(ref: Any, data: dict[str, Any], *, actor: Caller | None, actor_label: str | None = None,
             how: str = "admin") -> None:  # fmt: skip
    """The one way back: re-enable, un-archive, forget the deletion, audit it."""
    from google.cloud import firestore

    org_id = str(data.get("orgId"))
    if data.get("kind") == USER:
        uid = str(data.get("uid"))
        back = data.get("reason") == "self" and bool(data.get("wasEnabled", True))
        if back:
            _enable(uid)
        db.system(org_id).user(uid).set({"deletion": firestore.DELETE_FIELD, "disabled": not back,
                                         "updatedAt": firestore.SERVER_TIMESTAMP}, merge=True)  # fmt: skip
        target = uid
    else:
        for uid in data.get("disabledUids") or []:
            _enable(str(uid))
        db.system(org_id).doc().update({"archived": bool(data.get("wasArchived")), "deletion": firestore.DELETE_FIELD})
        target = org_id
    ref.delete()
    audit.record("deletion.undone", actor=actor, actor_label=actor_label, org_id=org_id, target=target,
                 details={"kind": data.get("kind"), "by": how})  # fmt: skip


def _restore_invalid() -> NotFound:
    return NotFound(
        "This restore link cannot be used: it was used already, the grace period is over, or it is not a "
        "link we sent. Ask an administrator if you still need your account.",
        code="restore_link_invalid",
    )


def restore_own(token: str, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The person who deleted their own account restores it with the link they were mailed
    (``{deletionId}.{secret}``), once, before the purge; every other token gets one identical
    404 (unknown, used, expired, purged, or a deletion they did not ask for themselves)."""
    from google.cloud import firestore

    deletion_id, _, secret = token.rpartition(".")
    if not ids.valid(deletion_id) or not secret or not deletion_id.startswith(f"{USER}-"):
        raise _restore_invalid()
    ref = db.deletion(deletion_id)
    moment = now or _now()

    def claim(tx: Any) -> dict[str, Any]:
        snap = ref.get(transaction=tx)
        data = (snap.to_dict() or {}) if snap.exists else {}
        stored = str(data.get("restoreHash") or "")
        matches = hmac.compare_digest(stored or "-", _hash(secret))
        purge_after = data.get("purgeAfter")
        if not (matches and data.get("kind") == USER and data.get("reason") == "self") or not (
            isinstance(purge_after, dt.datetime) and moment < purge_after
        ):
            raise _restore_invalid()
        tx.update(ref, {"restoreHash": firestore.DELETE_FIELD})  # single use, whatever happens next
        return data

    data = db.transact(claim)
    _restore(ref, data, actor=_person(data), actor_label=str(data.get("email") or ""), how="self")
    return {"ok": True, "email": str(data.get("email") or "")}


def _person(data: dict[str, Any]) -> Caller | None:
    """The person a deletion is of, as the actor of their own restore."""
    uid, org_id = str(data.get("uid")), str(data.get("orgId"))
    role = (db.system(org_id).user(uid).get().to_dict() or {}).get("role")
    try:
        return Caller(uid=uid, email=str(data.get("email") or ""), role=Role(str(role)), org_id=org_id)
    except ValueError:
        return None


# --- purging -----------------------------------------------------------------------------------


def purge_due(*, now: dt.datetime | None = None) -> dict[str, str]:
    """Purge every deletion whose grace period is over (the scheduled job). One that fails
    stays, and is tried again on the next run."""
    now = now or _now()
    done: dict[str, str] = {}
    for snap in db.deletions().where(filter=db.at_most("purgeAfter", now)).stream():
        data = snap.to_dict() or {}
        try:
            if data.get("kind") == ORG:
                purge_org(str(data.get("orgId")))
            else:
                purge_user(str(data.get("uid")), str(data.get("orgId")), str(data.get("email") or ""))
            snap.reference.delete()
            done[snap.id] = "purged"
        except Exception as exc:  # tried again on the next run
            logs.error("purge failed", deletion=snap.id, exc=exc)
            done[snap.id] = "failed"
    return done


def _delete_auth(uid: str) -> None:
    auth = authn.admin_auth()
    with contextlib.suppress(auth.UserNotFoundError):
        auth.delete_user(uid)
    authn.account_changed(uid)


def purge_user(uid: str, org_id: str, email: str = "") -> dict[str, int]:
    """Take the person out of everything (every personal-data eraser), then delete the account."""
    counts = erase_all(Person(uid, org_id, email))
    _delete_auth(uid)
    audit.record("account.purged", actor_label="retention", org_id=org_id, target=uid, details=counts)
    return counts


def purge_org(org_id: str) -> None:
    """Delete a client organisation: its people (every eraser, then their accounts), its Drive
    folder, its documents, and its entries in the global collections. Its audit entries stay
    until the audit log's retention expires them."""
    from google.cloud import firestore

    store = db.system(org_id)
    org = store.doc().get()
    if not org.exists:
        return
    if org.get("kind") != OrgKind.CLIENT.value:
        raise BadRequest("Only a client organisation can be purged.")
    data = org.to_dict() or {}
    for user in list(store.users().stream()):
        purge_user(user.id, org_id, str(user.get("email") or ""))
    folder = data.get("driveFolderId")
    if folder:
        _trash_folder(str(folder))
    membership = (data.get("whop") or {}).get("membershipId")
    if membership:
        db.whop_membership(str(membership)).delete()
    for snap in db.booking_indexes().where(filter=db.eq("orgId", org_id)).select([]).stream():
        snap.reference.delete()
    db.delete_org_tree(org_id)
    db.clients_summary().set({"clients": {org_id: firestore.DELETE_FIELD}}, merge=True)
    audit.record("org.purged", actor_label="retention", org_id=org_id, target=org_id)


def _trash_folder(folder_id: str) -> None:
    from ..files import service as files
    from ..integrations.drive import DriveError

    if not files.connected():
        return
    try:
        files.connect().trash(folder_id)
    except DriveError as exc:
        logs.warning("purge: Drive folder not trashed", folderId=folder_id, error=str(exc)[:300])
