"""The one place that decides who may do what: role x action x organisation.

Every endpoint asks :func:`authorize`; ``firestore.rules`` allow browsers no direct read
of organisation data (only their own change signal, ``portal.live``), so every read comes here;
``tests/unit/test_policy.py`` walks the whole table.

The organisation dimension is structural: a client role acts only inside its own
organisation, whatever its actions; staff act on every client organisation, and on
the agency organisation only for the actions in :data:`AGENCY_ORG_ACTIONS`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from .errors import Forbidden, NotFound
from .identity import CLIENT_ROLES, STAFF_ROLES, Caller, OrgKind, Role


class Action(StrEnum):
    ORG_READ = "org.read"
    MEMBERS_READ = "members.read"
    MEMBERS_INVITE = "members.invite"
    MEMBERS_REMOVE = "members.remove"
    MEMBERS_SET_ROLE = "members.set_role"
    PROJECTS_READ = "projects.read"
    PROJECTS_CREATE = "projects.create"
    PROJECTS_UPDATE = "projects.update"
    MILESTONES_MANAGE = "milestones.manage"
    APPROVALS_READ = "approvals.read"
    APPROVALS_SUBMIT = "approvals.submit"
    APPROVALS_DECIDE = "approvals.decide"
    APPROVALS_COMMENT = "approvals.comment"
    BILLING_READ = "billing.read"
    BILLING_SYNC = "billing.sync"
    MESSAGES_READ = "messages.read"
    MESSAGES_WRITE = "messages.write"
    FILES_READ = "files.read"
    FILES_UPLOAD = "files.upload"
    FILES_MANAGE = "files.manage"
    BOOKINGS_READ = "bookings.read"
    AUDIT_READ = "audit.read"
    DELIVERIES_MANAGE = "deliveries.manage"
    BILLING_REVIEW = "billing.review"
    CLIENTS_READ = "clients.read"
    ORGS_CREATE = "orgs.create"
    ORGS_UPDATE = "orgs.update"
    ORGS_ARCHIVE = "orgs.archive"
    ORGS_SETTINGS = "orgs.settings"
    TEMPLATES_READ = "templates.read"
    TEMPLATES_MANAGE = "templates.manage"
    PROJECTS_ARCHIVE = "projects.archive"
    SEARCH = "search"
    LIVE_LISTEN = "live.listen"
    MESSAGES_NOTE = "messages.note"
    MESSAGES_MODERATE = "messages.moderate"
    NOTIFICATIONS_OWN = "notifications.own"
    BOOKINGS_MANAGE = "bookings.manage"
    VIEW_AS = "view_as"
    ASSISTANT_USE = "assistant.use"
    ACCOUNT_OWN = "account.own"
    EXPORTS_OWN = "exports.own"
    ORGS_EXPORT = "orgs.export"
    ACCOUNT_DELETE = "account.delete"
    ORGS_DELETE = "orgs.delete"
    DELETIONS_MANAGE = "deletions.manage"


A = Action

_CLIENT_MEMBER = frozenset(
    {
        A.ORG_READ,
        A.MEMBERS_READ,
        A.PROJECTS_READ,
        A.APPROVALS_READ,
        A.APPROVALS_DECIDE,
        A.APPROVALS_COMMENT,
        A.MESSAGES_READ,
        A.MESSAGES_WRITE,
        A.FILES_READ,
        A.FILES_UPLOAD,
        A.BOOKINGS_READ,
        A.SEARCH,
        A.LIVE_LISTEN,
        A.NOTIFICATIONS_OWN,
        A.ASSISTANT_USE,
        A.ACCOUNT_OWN,
        A.EXPORTS_OWN,
        A.ACCOUNT_DELETE,
    }
)
_CLIENT_OWNER = _CLIENT_MEMBER | {A.BILLING_READ, A.MEMBERS_INVITE, A.MEMBERS_REMOVE, A.ORGS_EXPORT}
_OPS = _CLIENT_OWNER | {
    A.PROJECTS_CREATE,
    A.MILESTONES_MANAGE,
    A.APPROVALS_SUBMIT,
    A.FILES_MANAGE,
    A.DELIVERIES_MANAGE,
    A.BILLING_REVIEW,
    A.ORGS_UPDATE,
    A.ORGS_SETTINGS,
    A.BOOKINGS_MANAGE,
    A.MESSAGES_NOTE,
    A.MESSAGES_MODERATE,
}
_ADMIN = _OPS | {
    A.PROJECTS_UPDATE,
    A.PROJECTS_ARCHIVE,
    A.BILLING_SYNC,
    A.MEMBERS_SET_ROLE,
    A.AUDIT_READ,
    A.ORGS_ARCHIVE,
    A.VIEW_AS,
    A.ORGS_DELETE,
}

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.CLIENT_MEMBER: _CLIENT_MEMBER,
    Role.CLIENT_OWNER: _CLIENT_OWNER | {A.AUDIT_READ},
    Role.AJ_OPS: _OPS - {A.APPROVALS_DECIDE, A.ACCOUNT_DELETE},
    Role.AJ_ADMIN: _ADMIN - {A.APPROVALS_DECIDE, A.ACCOUNT_DELETE},
}
"""Actions each role may take. Deciding approvals is the client's alone, and so is deleting
one's own account from the portal (a staff account is removed by an admin). A client owner
reads their own organisation's audit log (ops, who inherit the owner's set, do not)."""

AGENCY_ORG_ACTIONS = frozenset(
    {
        A.ORG_READ,
        A.MEMBERS_READ,
        A.DELIVERIES_MANAGE,
        A.BILLING_REVIEW,
        A.CLIENTS_READ,
        A.ORGS_CREATE,
        A.TEMPLATES_READ,
        A.LIVE_LISTEN,
        A.NOTIFICATIONS_OWN,
        A.BOOKINGS_MANAGE,
        A.ASSISTANT_USE,
        A.ACCOUNT_OWN,
        A.EXPORTS_OWN,
    }
)
"""What staff may do on the agency's own organisation (creating client organisations is
the agency's act, and project templates are the agency's); admins may also manage its
members and the templates."""

AGENCY_ADMIN_ACTIONS = frozenset(
    {A.MEMBERS_INVITE, A.MEMBERS_REMOVE, A.MEMBERS_SET_ROLE, A.TEMPLATES_MANAGE, A.DELETIONS_MANAGE}
)
AGENCY_ADMIN_ACTIONS |= {A.AUDIT_READ}  # the agency's own entries (staff sign-ins, staff accounts)
"""What only admins may do on the agency's own organisation."""

READ_ACTIONS = frozenset(
    {
        A.ORG_READ,
        A.MEMBERS_READ,
        A.PROJECTS_READ,
        A.APPROVALS_READ,
        A.BILLING_READ,
        A.MESSAGES_READ,
        A.FILES_READ,
        A.BOOKINGS_READ,
        A.AUDIT_READ,
        A.TEMPLATES_READ,
        A.CLIENTS_READ,
        A.SEARCH,
        A.LIVE_LISTEN,
        A.ORGS_EXPORT,
    }
)
"""Actions that change nothing: all a client of an archived organisation may still take
(exporting only reads the organisation's data)."""

PERSONAL_ACTIONS = frozenset({A.NOTIFICATIONS_OWN, A.ASSISTANT_USE, A.ACCOUNT_OWN, A.EXPORTS_OWN, A.ACCOUNT_DELETE})
"""Actions on one's own things only (one's notifications, their read state and one's
preferences; one's conversations with the assistant, whose tools ask the policy again; one's
profile and devices; exporting one's data and deleting one's account): they change nothing of
the organisation, so an archived one allows them."""

GRANTABLE = frozenset({A.BILLING_READ})
"""Extra actions a client owner's organisation may grant a member through the
``permissions`` claim (for example a finance contact who should see billing)."""


@dataclass(frozen=True)
class OrgRef:
    """An organisation as the policy needs to see it."""

    id: str
    kind: OrgKind


def allowed(caller: Caller, action: Action, org: OrgRef) -> bool:
    """Whether ``caller`` may take ``action`` on organisation ``org``."""
    actions = ROLE_ACTIONS[caller.role]
    if caller.role in CLIENT_ROLES:
        if org.id != caller.org_id or org.kind != OrgKind.CLIENT:
            return False
        return action in actions or (action in GRANTABLE and action.value in caller.permissions)
    if org.kind == OrgKind.AGENCY:
        if caller.role == Role.AJ_ADMIN and action in AGENCY_ADMIN_ACTIONS:
            return True
        return action in AGENCY_ORG_ACTIONS
    return action in actions


def authorize(caller: Caller, action: Action, org: OrgRef) -> None:
    """Raise unless ``caller`` may take ``action`` on ``org``.

    A client asking about another organisation gets :class:`NotFound`, never
    :class:`Forbidden`: whether that organisation exists is none of their business.
    """
    if allowed(caller, action, org):
        return
    if caller.role in CLIENT_ROLES and org.id != caller.org_id:
        raise NotFound("Not found.")
    raise Forbidden("You are not allowed to do this.")


def refused_when_archived(caller: Caller, action: Action) -> bool:
    """Whether an archived organisation refuses ``action`` by ``caller``: it is read-only
    for its own people; staff keep managing it (settings, restoring it)."""
    return caller.role in CLIENT_ROLES and action not in READ_ACTIONS | PERSONAL_ACTIONS


def capabilities(caller: Caller) -> dict[str, list[str]]:
    """What ``caller`` may do, for the frontend to show only the controls that will work:
    the actions on client organisations (a client's own; for staff, any client) and on
    the agency's organisation. Per-item rules (who may decide an approval) still apply."""
    client_org = OrgRef(caller.org_id if caller.role in CLIENT_ROLES else "", OrgKind.CLIENT)
    agency_org = OrgRef(caller.org_id, OrgKind.AGENCY)
    return {
        "clients": sorted(a.value for a in Action if allowed(caller, a, client_org)),
        "agency": sorted(a.value for a in Action if caller.is_staff and allowed(caller, a, agency_org)),
    }


def assignable_roles(caller: Caller, org: OrgRef) -> frozenset[Role]:
    """Roles ``caller`` may give to someone in ``org`` (by invitation or role change)."""
    if org.kind == OrgKind.AGENCY:
        return STAFF_ROLES if caller.role == Role.AJ_ADMIN else frozenset()
    if not allowed(caller, A.MEMBERS_INVITE, org):
        return frozenset()
    return CLIENT_ROLES


def may_decide(caller: Caller, assignees: Collection[str]) -> bool:
    """Whether ``caller`` may decide an approval item assigned to ``assignees`` (once
    :func:`authorize` allowed deciding in its organisation): a client owner any item,
    a client member only the items assigned to them, staff never."""
    if caller.role == Role.CLIENT_OWNER:
        return True
    return caller.role == Role.CLIENT_MEMBER and caller.uid in assignees


def authorize_role_change(actor: Caller, uid: str, role: Role, org: OrgRef) -> None:
    """Raise unless ``actor`` may give ``role`` to the account ``uid`` of ``org``: never
    their own, only with the right to set roles there, and only a role they may assign."""
    if actor.uid == uid:
        raise Forbidden("You cannot change your own role.")
    authorize(actor, A.MEMBERS_SET_ROLE, org)
    if role not in assignable_roles(actor, org):
        raise Forbidden("You may not assign this role.")


def authorize_removal(actor: Caller, uid: str, role: Role, org: OrgRef) -> None:
    """Raise unless ``actor`` may remove the account ``uid`` (with ``role``) of ``org``:
    never themselves, only with the right to remove members there, staff only by an admin."""
    if actor.uid == uid:
        raise Forbidden("You cannot remove yourself.")
    authorize(actor, A.MEMBERS_REMOVE, org)
    if role in STAFF_ROLES and actor.role != Role.AJ_ADMIN:
        raise Forbidden("Only admins may disable staff accounts.")


DELETE_OWN_FILE_SECONDS = 15 * 60
"""How long the uploader of a file may delete it themselves."""


def may_delete_file(
    caller: Caller, org: OrgRef, *, uploaded_by: str | None, uploaded_at: float | None, now: float
) -> bool:
    """Deleting a file is staff's (``files.manage``); an uploader may delete their own
    upload within :data:`DELETE_OWN_FILE_SECONDS` of uploading it."""
    if allowed(caller, A.FILES_MANAGE, org):
        return True
    own = uploaded_by is not None and uploaded_by == caller.uid and uploaded_at is not None
    return own and allowed(caller, A.FILES_UPLOAD, org) and 0 <= now - uploaded_at <= DELETE_OWN_FILE_SECONDS  # type: ignore[operator]


def authorize_file_delete(
    caller: Caller, org: OrgRef, *, uploaded_by: str | None, uploaded_at: float | None, now: float
) -> None:
    """Raise unless :func:`may_delete_file`; another organisation's file is NotFound."""
    if may_delete_file(caller, org, uploaded_by=uploaded_by, uploaded_at=uploaded_at, now=now):
        return
    authorize(caller, A.FILES_READ, org)  # NotFound for another organisation
    raise Forbidden("Only staff, or its uploader within 15 minutes, may delete this file.")


EDIT_OWN_MESSAGE_SECONDS = 15 * 60
"""How long the author of a message (or an internal note) may edit or delete it."""


def may_change_message(
    caller: Caller, org: OrgRef, *, author: str | None, posted_at: float | None, now: float, delete: bool
) -> bool:
    """Editing a message is its author's, within :data:`EDIT_OWN_MESSAGE_SECONDS` of
    posting it; deleting is the author's within that window too, or staff's at any time
    (``messages.moderate``). Staff never rewrite someone else's words."""
    if delete and allowed(caller, A.MESSAGES_MODERATE, org):
        return True
    own = author is not None and author == caller.uid and posted_at is not None
    return own and allowed(caller, A.MESSAGES_WRITE, org) and 0 <= now - posted_at <= EDIT_OWN_MESSAGE_SECONDS  # type: ignore[operator]
