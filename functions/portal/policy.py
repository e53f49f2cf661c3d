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

from .errors import BadRequest, Forbidden, NotFound, PortalError
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
    MEMBERS_RESET_FACTORS = "members.reset_factors"
    MEMBERS_GRANT = "members.grant"
    OPERATIONS_READ = "operations.read"
    CONTRACTS_READ = "contracts.read"


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
_CLIENT_OWNER |= {A.CONTRACTS_READ}  # every contract of the organisation (members: see may_see_contract)
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
    Role.CLIENT_OWNER: _CLIENT_OWNER | {A.AUDIT_READ, A.MEMBERS_RESET_FACTORS, A.MEMBERS_GRANT},
    Role.AJ_OPS: _OPS - {A.APPROVALS_DECIDE, A.ACCOUNT_DELETE},
    Role.AJ_ADMIN: (_ADMIN | {A.MEMBERS_RESET_FACTORS, A.MEMBERS_GRANT}) - {A.APPROVALS_DECIDE, A.ACCOUNT_DELETE},
}
"""Actions each role may take. Deciding approvals is the client's alone, and so is deleting
one's own account from the portal (a staff account is removed by an admin). A client owner
reads their own organisation's audit log (ops, who inherit the owner's set, do not).
Resetting someone's second factors (a lost phone) is for a client's owners and agency admins,
not ops: it leaves the account guarded by its password alone until a phone is enrolled again.
So is giving a member what :data:`GRANTABLE` lists (billing access, ``members.grant``): it is
the client's money, and ops, who see billing, do not decide who else does."""

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
AGENCY_ADMIN_ACTIONS |= {A.MEMBERS_RESET_FACTORS}  # a member of staff who lost their phone
AGENCY_ADMIN_ACTIONS |= {A.OPERATIONS_READ}  # how the scheduled jobs and backups are doing (the health check)
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
        A.CONTRACTS_READ,
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
"""Extra actions a client's owners (and agency admins) may give a member through the
``permissions`` claim (``members.grant``: billing access, for example for a finance contact
who should see billing; :func:`authorize_billing_access`)."""


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


def authorize_factor_reset(actor: Caller, uid: str, role: Role, org: OrgRef) -> None:
    """Raise unless ``actor`` may reset the second factors of the account ``uid`` (with
    ``role``) of ``org``: never their own (one removes one's own phone on **Your account**,
    after signing in again with it), only with the right there, staff only by an admin."""
    if actor.uid == uid:
        raise Forbidden("You cannot reset your own second factors: remove a phone from Your account.")
    authorize(actor, A.MEMBERS_RESET_FACTORS, org)
    if role in STAFF_ROLES and actor.role != Role.AJ_ADMIN:
        raise Forbidden("Only admins may reset the second factors of staff.")


def has_billing_access(role: Role, permissions: Collection[str]) -> bool:
    """Whether an account with ``role`` and ``permissions`` (its claim) sees billing: a client's
    owners and staff by their role, a client's member once given billing access."""
    if A.BILLING_READ in ROLE_ACTIONS[role]:
        return True
    return role in CLIENT_ROLES and A.BILLING_READ in GRANTABLE and A.BILLING_READ.value in permissions


def authorize_billing_access(actor: Caller | None, uid: str, role: Role, org: OrgRef) -> None:
    """Raise unless ``actor`` (None: the admin CLI) may give or take back the billing access of
    the account ``uid`` (with ``role``) of ``org``: never their own, only with ``members.grant``
    there (the client's owners, admins; not ops, and nobody on the agency's organisation), and
    only for a client's member: owners and staff see billing by their role (400)."""
    if actor is not None:
        if actor.uid == uid:
            raise Forbidden("You cannot change your own billing access.")
        authorize(actor, A.MEMBERS_GRANT, org)
    if role != Role.CLIENT_MEMBER:
        who = "Staff see every client's billing" if role in STAFF_ROLES else "Owners see billing"
        raise BadRequest(
            f"{who} by their role: billing access is given to a client's members only.", code="billing_by_role"
        )


def authorize_session_only(caller: Caller) -> None:
    """Raise unless ``caller`` came with a session cookie: what is bound to a signed-in
    browser session (the live-updates credential, which ends with it) is not for a Bearer
    token, which no session record stands for."""
    if caller.auth_method != "session":
        raise Forbidden("Live updates belong to a signed-in browser session.", code="session_required")


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


def sees_operations(caller: Caller | None) -> bool:
    """Whether the health check tells ``caller`` how the scheduled jobs and the backups are
    doing and which release is served (``operations.read`` on the agency's organisation:
    admins). Anyone else, signed in or not, gets the status alone."""
    if caller is None or not caller.is_staff:
        return False
    return allowed(caller, A.OPERATIONS_READ, OrgRef(caller.org_id, OrgKind.AGENCY))


def may_see_contract(caller: Caller, org: OrgRef, *, project_id: str | None) -> bool:
    """Whether ``caller`` sees a contract of ``org`` (GBU's status, title, signing date and
    document link): those with ``contracts.read`` (the client's owners, staff) every one; a
    member those linked to a project, which they see anyway (the project page shows its
    contract's status), never the organisation-wide ones (a master agreement: the owners'
    commercial business, like billing)."""
    if allowed(caller, A.CONTRACTS_READ, org):
        return True
    return project_id is not None and allowed(caller, A.PROJECTS_READ, org)


def may_see_file(caller: Caller, *, staff_only: bool) -> bool:
    """A file attached to an internal note (``staffOnly``) exists for staff alone: clients
    never see it, in a list, a count, an attachment, a search or an export."""
    return caller.is_staff or not staff_only


def sees_staff_identities(caller: Caller) -> bool:
    """Whether ``caller`` sees who at the agency did something and from where (the audit
    log's staff addresses, the IP addresses of everyone): staff do; a client sees "agency
    staff" and no IP address, in the audit view and in an export alike."""
    return caller.is_staff


def may_revise_file(caller: Caller, org: OrgRef, *, owner: str | None, staff_only: bool) -> bool:
    """Whether an upload of the same name by ``caller`` becomes a new revision of a file:
    for those who manage files, or for the file's owner (its first uploader) while it is
    not staff-only. Anyone else's upload of that name is a new file beside it."""
    if allowed(caller, A.FILES_MANAGE, org):
        return True
    mine = owner is not None and owner == caller.uid
    return mine and not staff_only and allowed(caller, A.FILES_UPLOAD, org)


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


# --- operations ----------------------------------------------------------------------------------
#
# Which action each API operation asks for, where the organisation it acts on comes from, and
# which decision function refines it. The authorisation matrix (tests/security) reads this
# table for every operation in the OpenAPI document: an operation missing here fails it.


class Target(StrEnum):
    """Where an operation finds the organisation it acts on."""

    NONE = "none"
    """No organisation: a public operation, or the caller's own account and things."""
    OWN = "own"
    """The caller's own organisation, always (the agency's, for staff)."""
    QUERY = "query"
    """``orgId`` in the query; the caller's own organisation when left out."""
    QUERY_ALL = "query_all"
    """``orgId`` in the query; a client's own when left out, for staff every client's."""
    BODY = "body"
    """``orgId`` in the body."""
    NAMED = "named"
    """The organisation the path names, or the one of the account it names, looked up before
    anything else: another organisation's is a client's 404 whatever the action."""
    PATH = "path"
    """The organisation of the item the path names. A client is checked against their own
    organisation first (403 without the action), then finds only their own items (404)."""
    AGENCY = "agency"
    """The agency's own organisation, whoever asks: a client is refused as for another
    organisation (404)."""


class Refinement(StrEnum):
    """Per-item rules on top of the role x action x organisation table."""

    DECIDE = "decide"
    """:func:`may_decide`: client owners, or members the item is assigned to."""
    ROLE_CHANGE = "role_change"
    """:func:`authorize_role_change`: not yourself, only roles you may assign."""
    REMOVAL = "removal"
    """:func:`authorize_removal`: not yourself, staff only by an admin."""
    FILE_DELETE = "file_delete"
    """:func:`may_delete_file`: staff, or the uploader within 15 minutes."""
    MESSAGE_CHANGE = "message_change"
    """:func:`may_change_message`: the author within 15 minutes; staff may delete."""
    UPLOADER = "uploader"
    """An upload is seen and continued by its uploader alone (others: 404)."""
    CLIENT_ORG = "client_org"
    """The organisation must be a client's (an agency target is bad input, 400)."""
    OWN_ITEM = "own_item"
    """The item is the caller's own (a device's session, an export): anyone else's is 404."""
    CLIENT_ACCOUNT = "client_account"
    """The account named must be a client's: one of staff is refused (403) before anything else."""
    STARTER = "starter"
    """Only the person who started it may end it (a view-as token): anyone else's is 403."""
    FACTOR_RESET = "factor_reset"
    """:func:`authorize_factor_reset`: not yourself, staff only by an admin."""
    SESSION = "session"
    """:func:`authorize_session_only`: a signed-in browser session's, never a Bearer token's (403)."""
    BILLING_ACCESS = "billing_access"
    """:func:`authorize_billing_access`: not yourself, a client's members only (400 for others)."""


@dataclass(frozen=True)
class Rule:
    """How one operation is authorised."""

    action: Action | None
    """None: anyone signed in (their own account and things), or anyone at all when ``public``."""
    target: Target = Target.NONE
    refine: Refinement | None = None
    public: bool = False
    """No credentials needed (a webhook's credential is its signature)."""
    webhook: bool = False
    located_by: Action | None = None
    """The action an item of the path is found with, when it differs from ``action`` (a file
    is found as one readable, then moved by those who manage files)."""
    when: tuple[tuple[str, str | bool, Rule], ...] = ()
    """``(field, value, rule)``: a body whose ``field`` is ``value`` is authorised by ``rule``
    instead (``scope: organisation`` asks another action on the body's ``orgId``). The
    authorisation matrix exercises each, with its own organisations."""


def body_rules(rule: Rule) -> list[tuple[dict[str, str | bool], Rule]]:
    """An operation's rules, each with the body fields that choose it (none: the default)."""
    return [({}, rule), *(({field: value}, chosen) for field, value, chosen in rule.when)]


_PUBLIC = Rule(None, public=True)
_SIGNED_IN = Rule(None)
_HOOK = Rule(None, public=True, webhook=True)
_Q, _QA, _B, _P, _O, _N = Target.QUERY, Target.QUERY_ALL, Target.BODY, Target.PATH, Target.OWN, Target.NAMED
_AG = Target.AGENCY
R = Refinement

OPERATIONS: dict[str, Rule] = {
    # operationId (function_method) -> rule
    "auth_config_get": _PUBLIC,
    "auth_login_post": _PUBLIC,
    "auth_logout_post": _SIGNED_IN,
    "auth_session_get": _SIGNED_IN,
    "auth_me_get": _SIGNED_IN,
    "auth_live_token_post": Rule(None, refine=R.SESSION),  # a credential bound to the session asking
    "orgs_list_get": Rule(A.ORG_READ, _O),
    "orgs_list_post": Rule(A.ORGS_CREATE, _O),
    "org_detail_get": Rule(A.ORG_READ, _N),
    "org_detail_patch": Rule(A.ORGS_UPDATE, _N, R.CLIENT_ORG),
    "org_archive_post": Rule(A.ORGS_ARCHIVE, _N, R.CLIENT_ORG),
    "org_archive_delete": Rule(A.ORGS_ARCHIVE, _N, R.CLIENT_ORG),
    "org_settings_get": Rule(A.ORGS_SETTINGS, _N),
    "org_settings_patch": Rule(A.ORGS_SETTINGS, _N),
    # those who read the organisation's projects; which contracts each sees: may_see_contract
    "org_contracts_get": Rule(A.PROJECTS_READ, _N),
    "clients_list_get": Rule(A.CLIENTS_READ, _O),
    "members_list_get": Rule(A.MEMBERS_READ, _Q),
    # ``role`` (the default body); ``billingAccess`` (true or false) asks members.grant instead
    "member_detail_patch": Rule(
        A.MEMBERS_SET_ROLE,
        _N,
        R.ROLE_CHANGE,
        when=tuple(("billingAccess", value, Rule(A.MEMBERS_GRANT, _N, R.BILLING_ACCESS)) for value in (True, False)),
    ),
    "member_detail_delete": Rule(A.MEMBERS_REMOVE, _N, R.REMOVAL),
    "invites_get": Rule(A.MEMBERS_INVITE, _Q),
    "invites_post": Rule(A.MEMBERS_INVITE, _B),
    "invite_revoke_post": Rule(A.MEMBERS_INVITE, _Q),
    "invite_lookup_post": _PUBLIC,
    "invite_accept_post": _PUBLIC,
    "projects_list_get": Rule(A.PROJECTS_READ, _QA),
    "projects_list_post": Rule(A.PROJECTS_CREATE, _B),
    "project_detail_get": Rule(A.PROJECTS_READ, _P),
    "project_detail_patch": Rule(A.PROJECTS_UPDATE, _P),
    "project_milestones_post": Rule(A.MILESTONES_MANAGE, _P),
    "project_milestone_patch": Rule(A.MILESTONES_MANAGE, _P),
    "project_milestone_delete": Rule(A.MILESTONES_MANAGE, _P),
    "project_archive_post": Rule(A.PROJECTS_ARCHIVE, _P),
    "project_archive_delete": Rule(A.PROJECTS_ARCHIVE, _P),
    "templates_list_get": Rule(A.TEMPLATES_READ, _O),
    "templates_list_post": Rule(A.TEMPLATES_MANAGE, _O),
    "template_detail_get": Rule(A.TEMPLATES_READ, _O),
    "template_detail_patch": Rule(A.TEMPLATES_MANAGE, _O),
    "template_detail_delete": Rule(A.TEMPLATES_MANAGE, _O),
    "webhook_n8n_projects_post": _HOOK,
    "webhook_gbu_post": _HOOK,
    "approvals_get": Rule(A.APPROVALS_READ, _QA),
    "approvals_post": Rule(A.APPROVALS_SUBMIT, _B),
    "approval_detail_get": Rule(A.APPROVALS_READ, _P),
    "approval_action_post": Rule(A.APPROVALS_DECIDE, _P, R.DECIDE),
    "approval_comments_post": Rule(A.APPROVALS_COMMENT, _P),
    "approval_versions_post": Rule(A.APPROVALS_SUBMIT, _P),
    "webhook_n8n_approvals_post": _HOOK,
    "dashboard_get": Rule(A.PROJECTS_READ, _QA),
    "billing_get": Rule(A.BILLING_READ, _Q),
    "billing_sync_post": Rule(A.BILLING_SYNC, _B),
    "billing_link_post": Rule(A.BILLING_SYNC, _B),
    "billing_unmatched_get": Rule(A.BILLING_REVIEW, _O),
    "webhook_whop_post": _HOOK,
    "deliveries_get": Rule(A.DELIVERIES_MANAGE, _O),
    "delivery_retry_post": Rule(A.DELIVERIES_MANAGE, _O),
    "files_get": Rule(A.FILES_READ, _Q, R.CLIENT_ORG),
    "file_upload_post": Rule(A.FILES_UPLOAD, _B, R.CLIENT_ORG),
    "file_upload_session_put": Rule(A.FILES_UPLOAD, _P, R.UPLOADER),
    "file_upload_session_get": Rule(A.FILES_UPLOAD, _P, R.UPLOADER),
    "file_upload_session_delete": Rule(A.FILES_UPLOAD, _P, R.UPLOADER),
    "file_detail_get": Rule(A.FILES_READ, _P),
    "file_detail_patch": Rule(A.FILES_MANAGE, _P, located_by=A.FILES_READ),
    "file_detail_delete": Rule(A.FILES_READ, _P, R.FILE_DELETE),
    "file_download_get": Rule(A.FILES_READ, _P),
    "file_thumbnail_get": Rule(A.FILES_READ, _P),
    "file_revisions_get": Rule(A.FILES_READ, _P),
    "file_revision_download_get": Rule(A.FILES_READ, _P),
    "bookings_get": Rule(A.BOOKINGS_READ, _QA),
    "booking_embed_get": Rule(A.BOOKINGS_READ, _Q),
    "booking_ics_get": Rule(A.BOOKINGS_READ, _P),
    "bookings_unmatched_get": Rule(A.BOOKINGS_MANAGE, _O),
    "booking_assign_post": Rule(A.BOOKINGS_MANAGE, _B),
    "webhook_calendar_post": _HOOK,
    "openapi_get": _PUBLIC,
    "health_get": _PUBLIC,  # the status to anyone; the jobs' detail as :func:`sees_operations` says
    "notifications_get": Rule(A.NOTIFICATIONS_OWN, _O),
    "notifications_unread_get": Rule(A.NOTIFICATIONS_OWN, _O),
    "notifications_read_all_post": Rule(A.NOTIFICATIONS_OWN, _O),
    "notification_read_post": Rule(A.NOTIFICATIONS_OWN, _O),
    "me_preferences_get": Rule(A.NOTIFICATIONS_OWN, _O),
    "me_preferences_patch": Rule(A.NOTIFICATIONS_OWN, _O),
    "search_get": Rule(A.SEARCH, _QA),
    "messages_get": Rule(A.MESSAGES_READ, _QA),
    "messages_post": Rule(A.MESSAGES_WRITE, _B),
    "message_thread_get": Rule(A.MESSAGES_READ, _P),
    "message_thread_post": Rule(A.MESSAGES_WRITE, _P),
    "message_read_post": Rule(A.MESSAGES_READ, _P),
    "message_detail_patch": Rule(A.MESSAGES_READ, _P, R.MESSAGE_CHANGE),
    "message_detail_delete": Rule(A.MESSAGES_READ, _P, R.MESSAGE_CHANGE),
    "invite_complete_post": _PUBLIC,
    "audit_get": Rule(A.AUDIT_READ, _QA),
    "view_as_post": Rule(A.VIEW_AS, _N, R.CLIENT_ACCOUNT),  # the organisation of the account in the body
    "view_as_end_post": Rule(None, refine=R.STARTER),
    "chatkit_get": Rule(A.ASSISTANT_USE, _O),
    "chatkit_post": Rule(A.ASSISTANT_USE, _O),
    "me_profile_get": Rule(A.ACCOUNT_OWN, _O),
    "me_profile_patch": Rule(A.ACCOUNT_OWN, _O),
    "me_sessions_get": _SIGNED_IN,
    "me_session_delete": Rule(None, refine=R.OWN_ITEM),
    "me_avatar_put": Rule(A.ACCOUNT_OWN, _O),
    "me_avatar_delete": Rule(A.ACCOUNT_OWN, _O),
    "avatar_image_get": Rule(A.MEMBERS_READ, _N),  # one's own picture needs no action
    "exports_get": Rule(A.EXPORTS_OWN, _O),
    # ``scope: me`` (the default body); ``scope: organisation`` asks orgs.export on the body's orgId
    "exports_post": Rule(A.EXPORTS_OWN, _O, when=(("scope", "organisation", Rule(A.ORGS_EXPORT, _B, R.CLIENT_ORG)),)),
    "export_download_get": Rule(A.EXPORTS_OWN, _O, R.OWN_ITEM),
    "deletions_get": Rule(A.DELETIONS_MANAGE, _AG),
    # ``scope: me`` (the default body); ``scope: organisation`` asks orgs.delete on the body's orgId
    "deletions_post": Rule(
        A.ACCOUNT_DELETE, _O, when=(("scope", "organisation", Rule(A.ORGS_DELETE, _B, R.CLIENT_ORG)),)
    ),
    "deletion_detail_delete": Rule(A.DELETIONS_MANAGE, _AG),
    "account_restore_post": _PUBLIC,  # the mailed single-use secret is the credential
    "me_second_factors_remove_post": Rule(A.ACCOUNT_OWN, _O),  # and a fresh two-factor sign-in in the body
    "member_second_factors_reset_post": Rule(A.MEMBERS_RESET_FACTORS, _N, R.FACTOR_RESET),
}
"""Every API operation's rule, by its OpenAPI ``operationId``."""


def rule_for(operation_id: str) -> Rule:
    """The rule of an operation; an operation nobody wrote a rule for is a defect."""
    try:
        return OPERATIONS[operation_id]
    except KeyError:
        raise KeyError(f"no authorisation rule for operation {operation_id!r}: add it to policy.OPERATIONS") from None


@dataclass(frozen=True)
class Facts:
    """What a refinement needs to know of the item an operation acts on."""

    uid: str | None = None
    """The account acted on (role change, removal)."""
    role: Role | None = None
    """That account's role (removal), or the role asked for (role change)."""
    assignees: Collection[str] = ()
    owner: str | None = None
    """The uploader of a file or upload, the author of a message."""
    at: float | None = None
    """When it was uploaded or posted."""
    now: float = 0.0
    delete: bool = False


def decision(caller: Caller, rule: Rule, org: OrgRef | None, facts: Facts = Facts()) -> int | None:
    """The refusal (its HTTP status) ``caller`` gets from an operation with ``rule`` acting on
    ``org`` (None: the operation's default, such as a list left without ``orgId``); None
    when allowed. The services decide through :func:`authorize` and the functions above;
    this says what they decide, operation by operation, for the authorisation matrix."""
    own = OrgRef(caller.org_id, OrgKind.AGENCY if caller.is_staff else OrgKind.CLIENT)
    if rule.action is None:
        try:
            _refine(caller, rule, own, facts)
        except PortalError as exc:
            return exc.status
        return None
    if rule.target == Target.AGENCY:  # a client is refused as for another organisation
        org = own if caller.is_staff else OrgRef("", OrgKind.AGENCY)
    everyone = rule.target == Target.QUERY_ALL and caller.is_staff
    if rule.target in (Target.NONE, Target.OWN) or (org is None and not everyone):
        org = own
    elif org is None:  # staff listing across every client
        org = OrgRef("", OrgKind.CLIENT)
    try:
        if rule.refine == Refinement.CLIENT_ACCOUNT and org.kind == OrgKind.AGENCY:
            raise Forbidden("Only a client's owner or members can be viewed as.")
        if caller.role in CLIENT_ROLES and rule.target == Target.PATH:
            authorize(caller, rule.located_by or rule.action, own)  # a client looks only inside their own
            if org.id != own.id:
                raise NotFound("Not found.")
            authorize(caller, rule.action, own)
        else:
            authorize(caller, rule.action, org)
        if rule.refine == Refinement.CLIENT_ORG and org.kind != OrgKind.CLIENT:
            raise BadRequest("Client organisations only.")
        _refine(caller, rule, org, facts)
    except PortalError as exc:
        return exc.status
    return None


def _refine(caller: Caller, rule: Rule, org: OrgRef, facts: Facts) -> None:
    if rule.refine == Refinement.DECIDE and not may_decide(caller, facts.assignees):
        raise Forbidden("Not assigned to you.")
    if rule.refine == Refinement.ROLE_CHANGE:
        assert facts.uid is not None and facts.role is not None
        authorize_role_change(caller, facts.uid, facts.role, org)
    if rule.refine == Refinement.REMOVAL:
        assert facts.uid is not None and facts.role is not None
        authorize_removal(caller, facts.uid, facts.role, org)
    if rule.refine == Refinement.FACTOR_RESET:
        assert facts.uid is not None and facts.role is not None
        authorize_factor_reset(caller, facts.uid, facts.role, org)
    if rule.refine == Refinement.UPLOADER and facts.owner != caller.uid:
        raise NotFound("Upload not found.")
    if rule.refine == Refinement.OWN_ITEM and facts.owner != caller.uid:
        raise NotFound("Not found.")
    if rule.refine == Refinement.STARTER and facts.owner != caller.uid:
        raise Forbidden("Not yours to end.")
    if rule.refine == Refinement.SESSION:
        authorize_session_only(caller)
    if rule.refine == Refinement.BILLING_ACCESS:
        assert facts.uid is not None and facts.role is not None
        authorize_billing_access(caller, facts.uid, facts.role, org)
    if rule.refine == Refinement.FILE_DELETE:
        authorize_file_delete(caller, org, uploaded_by=facts.owner, uploaded_at=facts.at, now=facts.now)
    if rule.refine == Refinement.MESSAGE_CHANGE and not may_change_message(
        caller, org, author=facts.owner, posted_at=facts.at, now=facts.now, delete=facts.delete
    ):
        raise Forbidden("Not yours to change.")
