"""The policy, walked exhaustively: every role x action x organisation relation.

The expectations are written out from the product's role table independently of
the policy's own construction, so a change to either shows up here."""

from __future__ import annotations

import itertools

import pytest

from portal.errors import Forbidden, NotFound
from portal.identity import Caller, OrgKind, Role
from portal.policy import Action, OrgRef, allowed, assignable_roles, authorize

A = Action
READS = {
    A.ORG_READ,
    A.MEMBERS_READ,
    A.PROJECTS_READ,
    A.APPROVALS_READ,
    A.MESSAGES_READ,
    A.FILES_READ,
    A.BOOKINGS_READ,
    A.LIVE_LISTEN,
}
READS |= {A.SEARCH}  # search finds only what one may read (portal.search checks each kind)
OWN = {A.NOTIFICATIONS_OWN}  # one's own notifications and preferences, wherever one's account is
OWN |= {A.ASSISTANT_USE}  # one's own conversations with the assistant (its tools ask the policy again)
OWN |= {A.ACCOUNT_OWN}  # one's own profile, sign-ins and devices
OWN |= {A.EXPORTS_OWN}  # exporting one's own data, wherever one's account is
LEAVE = {A.ACCOUNT_DELETE}  # deleting one's own account: clients (staff are removed by an admin)
CLIENT_WRITES = {A.APPROVALS_DECIDE, A.APPROVALS_COMMENT, A.MESSAGES_WRITE, A.FILES_UPLOAD}

EXPECTED_ON_OWN_CLIENT_ORG = {
    Role.CLIENT_MEMBER: READS | CLIENT_WRITES | OWN | LEAVE,
    Role.CLIENT_OWNER: READS
    | CLIENT_WRITES
    | OWN
    | LEAVE
    | {A.BILLING_READ, A.MEMBERS_INVITE, A.MEMBERS_REMOVE, A.ORGS_EXPORT},
}
EXPECTED_ON_OWN_CLIENT_ORG[Role.CLIENT_OWNER] |= {A.AUDIT_READ}  # their own organisation's audit log
EXPECTED_ON_OWN_CLIENT_ORG[Role.CLIENT_OWNER] |= {A.MEMBERS_RESET_FACTORS}  # a member's lost phone
EXPECTED_ON_OWN_CLIENT_ORG[Role.CLIENT_OWNER] |= {A.MEMBERS_GRANT}  # a member's billing access
EXPECTED_ON_OWN_CLIENT_ORG[Role.CLIENT_OWNER] |= {A.CONTRACTS_READ}  # every contract (members: a project's)
EXPECTED_ON_ANY_CLIENT_ORG = {
    Role.AJ_OPS: READS
    | OWN
    | {
        A.APPROVALS_COMMENT,
        A.MESSAGES_WRITE,
        A.FILES_UPLOAD,
        A.BILLING_READ,
        A.MEMBERS_INVITE,
        A.MEMBERS_REMOVE,
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
        A.ORGS_EXPORT,
        A.CONTRACTS_READ,
    },
}
EXPECTED_ON_ANY_CLIENT_ORG[Role.AJ_ADMIN] = EXPECTED_ON_ANY_CLIENT_ORG[Role.AJ_OPS] | {
    A.PROJECTS_UPDATE,
    A.PROJECTS_ARCHIVE,
    A.BILLING_SYNC,
    A.MEMBERS_SET_ROLE,
    A.AUDIT_READ,
    A.ORGS_ARCHIVE,
    A.VIEW_AS,  # open the portal as a client's owner or member, read-only
    A.ORGS_DELETE,
    A.MEMBERS_RESET_FACTORS,  # a client's lost phone (not ops: admins and the client's owners)
    A.MEMBERS_GRANT,  # a client member's billing access (not ops: admins and the client's owners)
}
EXPECTED_ON_AGENCY_ORG = {
    Role.AJ_OPS: {
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
    },
    Role.AJ_ADMIN: {
        A.ORG_READ,
        A.MEMBERS_READ,
        A.MEMBERS_INVITE,
        A.MEMBERS_REMOVE,
        A.MEMBERS_SET_ROLE,
        A.DELIVERIES_MANAGE,
        A.BILLING_REVIEW,
        A.CLIENTS_READ,
        A.ORGS_CREATE,
        A.TEMPLATES_READ,
        A.TEMPLATES_MANAGE,
        A.AUDIT_READ,
        A.LIVE_LISTEN,
        A.NOTIFICATIONS_OWN,
        A.BOOKINGS_MANAGE,
        A.ASSISTANT_USE,
        A.ACCOUNT_OWN,
        A.EXPORTS_OWN,
        A.DELETIONS_MANAGE,
        A.MEMBERS_RESET_FACTORS,  # a member of staff's lost phone
        A.OPERATIONS_READ,  # the scheduled jobs and backups, in the health check
    },
    Role.CLIENT_OWNER: set(),
    Role.CLIENT_MEMBER: set(),
}

HOME = {Role.CLIENT_OWNER: "acme", Role.CLIENT_MEMBER: "acme", Role.AJ_OPS: "agency", Role.AJ_ADMIN: "agency"}
ORGS = {
    "acme": OrgRef("acme", OrgKind.CLIENT),
    "globex": OrgRef("globex", OrgKind.CLIENT),
    "agency": OrgRef("agency", OrgKind.AGENCY),
}


def caller(role: Role, permissions: frozenset[str] = frozenset()) -> Caller:
    return Caller(uid="u", email="u@x.test", role=role, org_id=HOME[role], permissions=permissions)


def expected(role: Role, action: Action, org: str) -> bool:
    if org == "agency":
        return action in EXPECTED_ON_AGENCY_ORG[role]
    if role.is_staff:
        return action in EXPECTED_ON_ANY_CLIENT_ORG[role]
    return org == HOME[role] and action in EXPECTED_ON_OWN_CLIENT_ORG[role]


@pytest.mark.parametrize(("role", "action", "org"), list(itertools.product(Role, Action, ORGS)))
def test_every_cell_of_the_table(role: Role, action: Action, org: str) -> None:
    assert allowed(caller(role), action, ORGS[org]) is expected(role, action, org)


def test_no_staff_member_decides_approvals() -> None:
    for role in (Role.AJ_OPS, Role.AJ_ADMIN):
        for org in ORGS.values():
            assert not allowed(caller(role), A.APPROVALS_DECIDE, org)


def test_a_granted_permission_extends_a_member_only_within_the_grantable_set() -> None:
    member = caller(Role.CLIENT_MEMBER, frozenset({"billing.read", "billing.sync", "audit.read"}))
    assert allowed(member, A.BILLING_READ, ORGS["acme"])
    assert not allowed(member, A.BILLING_SYNC, ORGS["acme"])
    assert not allowed(member, A.AUDIT_READ, ORGS["acme"])
    assert not allowed(member, A.BILLING_READ, ORGS["globex"])


def test_clients_get_not_found_for_other_orgs_and_forbidden_for_their_own() -> None:
    with pytest.raises(NotFound):
        authorize(caller(Role.CLIENT_OWNER), A.PROJECTS_READ, ORGS["globex"])
    with pytest.raises(Forbidden):
        authorize(caller(Role.CLIENT_MEMBER), A.BILLING_READ, ORGS["acme"])
    with pytest.raises(Forbidden):
        authorize(caller(Role.AJ_OPS), A.BILLING_SYNC, ORGS["acme"])


@pytest.mark.parametrize(
    ("role", "org", "roles"),
    [
        (Role.CLIENT_OWNER, "acme", {Role.CLIENT_OWNER, Role.CLIENT_MEMBER}),
        (Role.CLIENT_OWNER, "globex", set()),
        (Role.CLIENT_MEMBER, "acme", set()),
        (Role.AJ_OPS, "globex", {Role.CLIENT_OWNER, Role.CLIENT_MEMBER}),
        (Role.AJ_OPS, "agency", set()),
        (Role.AJ_ADMIN, "agency", {Role.AJ_OPS, Role.AJ_ADMIN}),
        (Role.AJ_ADMIN, "acme", {Role.CLIENT_OWNER, Role.CLIENT_MEMBER}),
        (Role.CLIENT_OWNER, "agency", set()),
    ],
)
def test_assignable_roles(role: Role, org: str, roles: set[Role]) -> None:
    assert assignable_roles(caller(role), ORGS[org]) == roles


@pytest.mark.parametrize("role", list(Role))
def test_capabilities_are_what_the_policy_allows(role: Role) -> None:
    from portal.policy import capabilities

    org = "agency" if role.is_staff else "acme"
    caps = capabilities(Caller("u1", "u@x.test", role, org))
    client_org = OrgRef("acme" if not role.is_staff else "any-client", OrgKind.CLIENT)
    for action in Action:
        caller = Caller("u1", "u@x.test", role, org)
        assert (action.value in caps["clients"]) == allowed(caller, action, client_org), action
        assert (action.value in caps["agency"]) == (
            role.is_staff and allowed(caller, action, OrgRef(org, OrgKind.AGENCY))
        )
    if role is Role.CLIENT_MEMBER:
        assert "billing.read" not in caps["clients"] and "approvals.decide" in caps["clients"]
    if role is Role.AJ_ADMIN:
        assert "projects.update" in caps["clients"] and "members.set_role" in caps["agency"]


@pytest.mark.parametrize(
    ("role", "assigned", "decides"),
    [
        (Role.CLIENT_OWNER, False, True),
        (Role.CLIENT_OWNER, True, True),
        (Role.CLIENT_MEMBER, True, True),
        (Role.CLIENT_MEMBER, False, False),
        (Role.AJ_OPS, True, False),
        (Role.AJ_OPS, False, False),
        (Role.AJ_ADMIN, True, False),
        (Role.AJ_ADMIN, False, False),
    ],
)
def test_who_decides_an_approval(role: Role, assigned: bool, decides: bool) -> None:
    from portal.policy import may_decide

    assert may_decide(caller(role), ["u"] if assigned else ["someone-else"]) is decides


@pytest.mark.parametrize(
    ("role", "org", "project", "sees"),
    [
        (Role.CLIENT_OWNER, "acme", None, True),
        (Role.CLIENT_OWNER, "acme", "p1", True),
        (Role.CLIENT_MEMBER, "acme", "p1", True),  # a project's contract: the member sees the project
        (Role.CLIENT_MEMBER, "acme", None, False),  # an organisation-wide agreement: owners and staff
        (Role.CLIENT_OWNER, "globex", "p1", False),
        (Role.CLIENT_MEMBER, "globex", "p1", False),
        (Role.AJ_OPS, "globex", None, True),
        (Role.AJ_ADMIN, "acme", None, True),
        (Role.AJ_OPS, "agency", None, False),
    ],
)
def test_who_sees_which_contract(role: Role, org: str, project: str | None, sees: bool) -> None:
    from portal.policy import may_see_contract

    assert may_see_contract(caller(role), ORGS[org], project_id=project) is sees


def _outcome(check: object, *args: object) -> str:
    try:
        check(*args)  # type: ignore[operator]
    except NotFound:
        return "not_found"
    except Forbidden as exc:
        return exc.message
    return "ok"


SELF_ROLE = "You cannot change your own role."
NOT_ASSIGNABLE = "You may not assign this role."
NOT_ALLOWED = "You are not allowed to do this."


@pytest.mark.parametrize(
    ("actor", "target", "org", "role", "outcome"),
    [
        (Role.AJ_ADMIN, "u", "agency", Role.AJ_OPS, SELF_ROLE),
        (Role.AJ_ADMIN, "x", "acme", Role.CLIENT_MEMBER, "ok"),
        (Role.AJ_ADMIN, "x", "agency", Role.AJ_OPS, "ok"),
        (Role.AJ_ADMIN, "x", "acme", Role.AJ_OPS, NOT_ASSIGNABLE),
        (Role.AJ_ADMIN, "x", "agency", Role.CLIENT_OWNER, NOT_ASSIGNABLE),
        (Role.AJ_OPS, "x", "acme", Role.CLIENT_MEMBER, NOT_ALLOWED),
        (Role.AJ_OPS, "x", "agency", Role.AJ_OPS, NOT_ALLOWED),
        (Role.CLIENT_OWNER, "x", "acme", Role.CLIENT_MEMBER, NOT_ALLOWED),
        (Role.CLIENT_OWNER, "x", "globex", Role.CLIENT_MEMBER, "not_found"),
        (Role.CLIENT_MEMBER, "x", "acme", Role.CLIENT_OWNER, NOT_ALLOWED),
    ],
)
def test_who_changes_whose_role(actor: Role, target: str, org: str, role: Role, outcome: str) -> None:
    from portal.policy import authorize_role_change

    assert _outcome(authorize_role_change, caller(actor), target, role, ORGS[org]) == outcome


@pytest.mark.parametrize(
    ("actor", "target", "org", "role", "outcome"),
    [
        (Role.CLIENT_OWNER, "u", "acme", Role.CLIENT_OWNER, "You cannot remove yourself."),
        (Role.CLIENT_OWNER, "x", "acme", Role.CLIENT_MEMBER, "ok"),
        (Role.CLIENT_OWNER, "x", "acme", Role.CLIENT_OWNER, "ok"),
        (Role.CLIENT_OWNER, "x", "globex", Role.CLIENT_MEMBER, "not_found"),
        (Role.CLIENT_MEMBER, "x", "acme", Role.CLIENT_MEMBER, NOT_ALLOWED),
        (Role.AJ_OPS, "x", "acme", Role.CLIENT_OWNER, "ok"),
        (Role.AJ_OPS, "x", "agency", Role.AJ_OPS, NOT_ALLOWED),
        (Role.AJ_ADMIN, "x", "agency", Role.AJ_OPS, "ok"),
        (Role.AJ_ADMIN, "u", "agency", Role.AJ_ADMIN, "You cannot remove yourself."),
        (Role.AJ_ADMIN, "x", "globex", Role.CLIENT_MEMBER, "ok"),
    ],
)
def test_who_removes_whom(actor: Role, target: str, org: str, role: Role, outcome: str) -> None:
    from portal.policy import authorize_removal

    assert _outcome(authorize_removal, caller(actor), target, role, ORGS[org]) == outcome


BY_ROLE = "by their role: billing access is given to a client's members only."


@pytest.mark.parametrize(
    ("actor", "target", "org", "role", "outcome"),
    [
        (Role.CLIENT_OWNER, "x", "acme", Role.CLIENT_MEMBER, "ok"),
        (Role.CLIENT_OWNER, "u", "acme", Role.CLIENT_OWNER, "You cannot change your own billing access."),
        (Role.CLIENT_OWNER, "x", "acme", Role.CLIENT_OWNER, "Owners see billing " + BY_ROLE),
        (Role.CLIENT_OWNER, "x", "globex", Role.CLIENT_MEMBER, "not_found"),
        (Role.CLIENT_OWNER, "x", "agency", Role.AJ_OPS, "not_found"),
        (Role.CLIENT_MEMBER, "x", "acme", Role.CLIENT_MEMBER, NOT_ALLOWED),
        (Role.CLIENT_MEMBER, "u", "acme", Role.CLIENT_MEMBER, "You cannot change your own billing access."),
        (Role.AJ_OPS, "x", "acme", Role.CLIENT_MEMBER, NOT_ALLOWED),
        (Role.AJ_ADMIN, "x", "globex", Role.CLIENT_MEMBER, "ok"),
        (Role.AJ_ADMIN, "x", "acme", Role.CLIENT_OWNER, "Owners see billing " + BY_ROLE),
        (Role.AJ_ADMIN, "x", "agency", Role.AJ_OPS, NOT_ALLOWED),
        (None, "x", "acme", Role.CLIENT_MEMBER, "ok"),  # the admin CLI
        (None, "x", "agency", Role.AJ_OPS, "Staff see every client's billing " + BY_ROLE),
    ],
)
def test_who_gives_whom_billing_access(actor: Role | None, target: str, org: str, role: Role, outcome: str) -> None:
    from portal.errors import BadRequest
    from portal.policy import authorize_billing_access

    who = caller(actor) if actor is not None else None
    try:
        got = _outcome(authorize_billing_access, who, target, role, ORGS[org])
    except BadRequest as exc:
        assert exc.code == "billing_by_role"
        got = exc.message
    assert got == outcome


@pytest.mark.parametrize(
    ("role", "permissions", "sees"),
    [
        (Role.CLIENT_OWNER, set(), True),
        (Role.CLIENT_MEMBER, set(), False),
        (Role.CLIENT_MEMBER, {"billing.read"}, True),
        (Role.CLIENT_MEMBER, {"billing.sync"}, False),
        (Role.AJ_OPS, set(), True),
        (Role.AJ_ADMIN, set(), True),
    ],
)
def test_who_has_billing_access(role: Role, permissions: set[str], sees: bool) -> None:
    from portal.policy import has_billing_access

    assert has_billing_access(role, permissions) is sees
    assert sees is allowed(caller(role, frozenset(permissions)), A.BILLING_READ, OrgRef("acme", OrgKind.CLIENT))


WRITES_OF_CLIENTS = {A.APPROVALS_DECIDE, A.APPROVALS_COMMENT, A.MESSAGES_WRITE, A.FILES_UPLOAD, A.MEMBERS_INVITE,
                     A.MEMBERS_REMOVE, A.MEMBERS_GRANT}  # fmt: skip


@pytest.mark.parametrize(("role", "action"), list(itertools.product(Role, Action)))
def test_an_archived_organisation_is_read_only_for_its_people_only(role: Role, action: Action) -> None:
    from portal.policy import refused_when_archived

    refused = refused_when_archived(caller(role), action)
    if role.is_staff or action in READS | {A.BILLING_READ}:
        assert not refused
    elif action in WRITES_OF_CLIENTS:
        assert refused


MINUTE = 60.0


@pytest.mark.parametrize(
    ("role", "org", "own", "age", "delete", "may"),
    [
        (Role.CLIENT_MEMBER, "acme", True, 5 * MINUTE, False, True),
        (Role.CLIENT_MEMBER, "acme", True, 5 * MINUTE, True, True),
        (Role.CLIENT_MEMBER, "acme", True, 16 * MINUTE, False, False),
        (Role.CLIENT_MEMBER, "acme", True, 16 * MINUTE, True, False),
        (Role.CLIENT_MEMBER, "acme", False, 1 * MINUTE, True, False),
        (Role.CLIENT_OWNER, "acme", False, 1 * MINUTE, True, False),
        (Role.CLIENT_OWNER, "globex", True, 1 * MINUTE, False, False),
        (Role.AJ_OPS, "acme", True, 14 * MINUTE, False, True),
        (Role.AJ_OPS, "acme", False, 1 * MINUTE, False, False),
        (Role.AJ_OPS, "acme", False, 60 * MINUTE, True, True),
        (Role.AJ_ADMIN, "globex", False, 60 * MINUTE, True, True),
        (Role.AJ_ADMIN, "globex", True, 20 * MINUTE, False, False),
    ],
)
def test_who_edits_and_deletes_a_message(role: Role, org: str, own: bool, age: float, delete: bool, may: bool) -> None:
    from portal.policy import may_change_message

    now = 10_000.0
    got = may_change_message(caller(role), ORGS[org], author="u" if own else "someone-else", posted_at=now - age,
                             now=now, delete=delete)  # fmt: skip
    assert got is may


@pytest.mark.parametrize(
    ("actor", "target", "org", "role", "outcome"),
    [
        (Role.CLIENT_OWNER, "u", "acme", Role.CLIENT_OWNER,
         "You cannot reset your own second factors: remove a phone from Your account."),
        (Role.CLIENT_OWNER, "x", "acme", Role.CLIENT_MEMBER, "ok"),
        (Role.CLIENT_OWNER, "x", "acme", Role.CLIENT_OWNER, "ok"),
        (Role.CLIENT_OWNER, "x", "globex", Role.CLIENT_MEMBER, "not_found"),
        (Role.CLIENT_MEMBER, "x", "acme", Role.CLIENT_MEMBER, NOT_ALLOWED),
        (Role.AJ_OPS, "x", "acme", Role.CLIENT_OWNER, NOT_ALLOWED),
        (Role.AJ_OPS, "x", "agency", Role.AJ_OPS, NOT_ALLOWED),
        (Role.AJ_ADMIN, "x", "agency", Role.AJ_OPS, "ok"),
        (Role.AJ_ADMIN, "x", "agency", Role.AJ_ADMIN, "ok"),
        (Role.AJ_ADMIN, "u", "agency", Role.AJ_ADMIN,
         "You cannot reset your own second factors: remove a phone from Your account."),
        (Role.AJ_ADMIN, "x", "globex", Role.CLIENT_MEMBER, "ok"),
    ],
)  # fmt: skip
def test_who_resets_whose_second_factors(actor: Role, target: str, org: str, role: Role, outcome: str) -> None:
    from portal.policy import authorize_factor_reset

    assert _outcome(authorize_factor_reset, caller(actor), target, role, ORGS[org]) == outcome
