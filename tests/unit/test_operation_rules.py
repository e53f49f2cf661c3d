"""Every API operation has an authorisation rule in ``portal.policy.OPERATIONS`` (the
authorisation matrix reads it), and the rules' decisions hold on a few known cases."""

from __future__ import annotations

from portal import policy
from portal.api.registry import document
from portal.identity import Caller, OrgKind, Role

ACME = policy.OrgRef("acme", OrgKind.CLIENT)
GLOBEX = policy.OrgRef("globex", OrgKind.CLIENT)
AGENCY = policy.OrgRef("agency", OrgKind.AGENCY)
OWNER = Caller("u-owner", "owner@acme.test", Role.CLIENT_OWNER, "acme")
MEMBER = Caller("u-member", "member@acme.test", Role.CLIENT_MEMBER, "acme")
OPS = Caller("u-ops", "ops@agency.test", Role.AJ_OPS, "agency")
ADMIN = Caller("u-admin", "admin@agency.test", Role.AJ_ADMIN, "agency")


def test_every_operation_has_a_rule_and_every_rule_an_operation() -> None:
    operations = {op["operationId"] for item in document()["paths"].values() for op in item.values()}
    assert sorted(operations - set(policy.OPERATIONS)) == [], "operations without a rule in policy.OPERATIONS"
    assert sorted(set(policy.OPERATIONS) - operations) == [], "rules for operations that do not exist"


def test_a_missing_rule_fails_loudly() -> None:
    try:
        policy.rule_for("nothing_get")
    except KeyError as exc:
        assert "policy.OPERATIONS" in str(exc)
    else:
        raise AssertionError("no KeyError")


def test_public_and_webhook_operations_are_the_documented_ones() -> None:
    doc = document()
    for item in doc["paths"].values():
        for op in item.values():
            rule = policy.rule_for(op["operationId"])
            signed = op["security"] == [{"webhookSignature": []}]
            assert rule.webhook == signed, op["operationId"]
            assert rule.public == (op["security"] == [] or signed), op["operationId"]


def test_decisions() -> None:
    rule = policy.OPERATIONS
    d = policy.decision
    assert d(MEMBER, rule["project_detail_get"], ACME) is None
    assert d(MEMBER, rule["project_detail_get"], GLOBEX) == 404
    assert d(MEMBER, rule["project_archive_post"], GLOBEX) == 403  # checked on their own first
    assert d(OWNER, rule["projects_list_get"], GLOBEX) == 404
    assert d(OPS, rule["projects_list_get"], None) is None  # every client's
    assert d(OPS, rule["projects_list_get"], AGENCY) == 403
    assert d(OPS, rule["project_detail_patch"], ACME) == 403 and d(ADMIN, rule["project_detail_patch"], ACME) is None
    assert d(OPS, rule["files_get"], AGENCY) == 403  # not an action on the agency at all
    assert d(OWNER, rule["approval_action_post"], ACME) is None
    assert d(MEMBER, rule["approval_action_post"], ACME, policy.Facts(assignees=["u-member"])) is None
    assert d(MEMBER, rule["approval_action_post"], ACME, policy.Facts(assignees=[])) == 403
    assert d(ADMIN, rule["approval_action_post"], ACME) == 403
    remove = rule["member_detail_delete"]
    assert d(OWNER, remove, ACME, policy.Facts(uid="u-member", role=Role.CLIENT_MEMBER)) is None
    assert d(OWNER, remove, ACME, policy.Facts(uid="u-owner", role=Role.CLIENT_OWNER)) == 403  # not yourself
    assert d(OPS, remove, AGENCY, policy.Facts(uid="u-x", role=Role.AJ_OPS)) == 403
    assert d(ADMIN, remove, AGENCY, policy.Facts(uid="u-ops", role=Role.AJ_OPS)) is None
    assert d(MEMBER, rule["auth_me_get"], None) is None
    assert d(MEMBER, rule["deliveries_get"], None) == 403


def test_decisions_of_account_privacy_audit_and_view_as() -> None:
    rule = policy.OPERATIONS
    d = policy.decision
    mine, theirs = policy.Facts(owner="u-member"), policy.Facts(owner="u-owner")
    assert d(MEMBER, rule["me_session_delete"], None, mine) is None
    assert d(MEMBER, rule["me_session_delete"], None, theirs) == 404
    assert d(ADMIN, rule["export_download_get"], None, policy.Facts(owner="u-admin")) is None
    assert d(ADMIN, rule["export_download_get"], None, mine) == 404
    for op in ("deletions_get", "deletion_detail_delete"):
        assert d(ADMIN, rule[op], None) is None
        assert d(OPS, rule[op], None) == 403
        assert d(OWNER, rule[op], None) == 404  # the agency's: none of a client's business
    assert d(OPS, rule["deletions_post"], None) == 403 and d(MEMBER, rule["deletions_post"], None) is None
    assert d(ADMIN, rule["audit_get"], None) is None and d(OPS, rule["audit_get"], None) == 403
    assert d(OWNER, rule["audit_get"], ACME) is None and d(OWNER, rule["audit_get"], GLOBEX) == 404
    assert d(MEMBER, rule["audit_get"], ACME) == 403
    assert d(ADMIN, rule["view_as_post"], ACME) is None and d(OPS, rule["view_as_post"], ACME) == 403
    assert d(OWNER, rule["view_as_post"], ACME) == 403 and d(OWNER, rule["view_as_post"], GLOBEX) == 404
    assert d(ADMIN, rule["view_as_post"], AGENCY) == 403 and d(OWNER, rule["view_as_post"], AGENCY) == 403
    assert d(ADMIN, rule["view_as_end_post"], None, policy.Facts(owner="u-admin")) is None
    assert d(OPS, rule["view_as_end_post"], None, policy.Facts(owner="u-admin")) == 403
    assert d(MEMBER, rule["avatar_image_get"], GLOBEX) == 404 and d(OPS, rule["avatar_image_get"], AGENCY) is None


def test_a_body_that_names_its_organisation_chooses_its_rule() -> None:
    d = policy.decision
    for op_id, action in (("exports_post", policy.Action.ORGS_EXPORT), ("deletions_post", policy.Action.ORGS_DELETE)):
        (plain, default), (chooser, chosen) = policy.body_rules(policy.OPERATIONS[op_id])
        assert default is policy.OPERATIONS[op_id]
        assert plain == {} and chooser == {"scope": "organisation"}
        assert chosen.action == action and chosen.target == policy.Target.BODY
        assert d(OWNER, chosen, GLOBEX) == 404 and d(MEMBER, chosen, GLOBEX) == 404  # another organisation
        assert d(MEMBER, chosen, ACME) == 403
        assert d(OPS, chosen, AGENCY) in (400, 403) and d(ADMIN, chosen, AGENCY) in (400, 403)  # clients only
    export = policy.body_rules(policy.OPERATIONS["exports_post"])[1][1]
    assert d(OWNER, export, ACME) is None and d(OPS, export, GLOBEX) is None
    delete = policy.body_rules(policy.OPERATIONS["deletions_post"])[1][1]
    assert d(OWNER, delete, ACME) == 403 and d(OPS, delete, GLOBEX) == 403 and d(ADMIN, delete, GLOBEX) is None
    assert policy.body_rules(policy.OPERATIONS["projects_list_get"]) == [({}, policy.OPERATIONS["projects_list_get"])]


def test_a_change_of_billing_access_is_authorised_apart_from_a_role_change() -> None:
    d = policy.decision
    rule = policy.OPERATIONS["member_detail_patch"]
    (plain, default), *chosen = policy.body_rules(rule)
    assert plain == {} and default is rule and default.action == policy.Action.MEMBERS_SET_ROLE
    assert [c for c, _ in chosen] == [{"billingAccess": True}, {"billingAccess": False}]
    member = policy.Facts(uid="u-member", role=Role.CLIENT_MEMBER)
    for _, grant in chosen:
        assert grant.action == policy.Action.MEMBERS_GRANT and grant.target == policy.Target.NAMED
        assert d(OWNER, grant, ACME, member) is None and d(OWNER, default, ACME, member) == 403
        assert d(ADMIN, grant, GLOBEX, member) is None
        assert d(OPS, grant, ACME, member) == 403
        assert d(MEMBER, grant, ACME, member) == 403  # not their own
        assert d(MEMBER, grant, ACME, policy.Facts(uid="u-other", role=Role.CLIENT_MEMBER)) == 403
        assert d(OWNER, grant, GLOBEX, member) == 404
        assert d(OWNER, grant, ACME, policy.Facts(uid="u-owner2", role=Role.CLIENT_OWNER)) == 400  # by their role
        assert d(ADMIN, grant, AGENCY, policy.Facts(uid="u-ops", role=Role.AJ_OPS)) == 403
