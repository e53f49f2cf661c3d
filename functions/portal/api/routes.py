"""The routes table: every path of the API, the function that serves it, and for each
method its models, handler and documentation. Handlers only translate between the
HTTP context and one service call."""

from __future__ import annotations

from typing import Any

from .. import authn, webhooks
from ..approvals import service as approvals
from ..auth import session
from ..automation import service as automation
from ..billing import service as billing
from ..dashboard import service as dashboard
from ..deliveries import service as deliveries
from ..errors import BadRequest
from ..invites import service as invites
from ..members import service as users
from ..orgs import service as orgs
from ..projects import service as projects
from . import models as m
from .web import Ctx, Operation, Reply, Route


def _session_cookie(value: str, max_age: int) -> dict[str, Any]:
    return {
        "key": authn.SESSION_COOKIE,
        "value": value,
        "max_age": max_age,
        "httponly": True,
        "secure": True,
        "samesite": "Strict",
        "path": "/",
    }


def _login(ctx: Ctx) -> Reply:
    body, cookie, max_age = session.login(ctx.body.idToken, ip=ctx.ip, request_id=ctx.request_id)
    return Reply(body, cookies=[_session_cookie(cookie, max_age)])


def _logout(ctx: Ctx) -> Reply:
    session.logout(ctx.user, ip=ctx.ip, request_id=ctx.request_id)
    return Reply({"ok": True}, cookies=[_session_cookie("", 0)])


def _invite_create(ctx: Ctx) -> Any:
    b = ctx.body
    return invites.create(ctx.user, email=b.email, role=b.role, org_id=b.orgId, ip=ctx.ip, request_id=ctx.request_id)


def _invite_accept(ctx: Ctx) -> Any:
    b = ctx.body
    user = invites.accept(
        b.token, password=b.password, first_name=b.firstName, last_name=b.lastName, ip=ctx.ip, request_id=ctx.request_id
    )
    return {"user": user}


def _invite_revoke(ctx: Ctx) -> Any:
    invite = invites.revoke(ctx.user, ctx.params["inviteId"], ctx.query.orgId, ip=ctx.ip, request_id=ctx.request_id)
    return {"invite": invite}


def _member_role(ctx: Ctx) -> Any:
    return {"member": users.set_role(ctx.params["uid"], ctx.body.role, actor=ctx.user)}


def _projects(ctx: Ctx) -> Any:
    q = ctx.query
    return projects.list_projects(ctx.user, org_id=q.orgId, status=q.status, cursor=q.cursor, limit=q.limit)


def _project_create(ctx: Ctx) -> Any:
    b = ctx.body
    return projects.create_project(ctx.user, b.orgId, b.model_dump(mode="json", exclude={"orgId"}))


def _project_patch(ctx: Ctx) -> Any:
    fields = ctx.body.model_dump(mode="json", exclude_unset=True)
    if not fields:
        raise BadRequest("Nothing to change.")
    return projects.update_project(ctx.user, ctx.params["projectId"], fields)


def _milestone_add(ctx: Ctx) -> Any:
    return projects.add_milestone(ctx.user, ctx.params["projectId"], ctx.body.title, ctx.body.due)


def _milestone_patch(ctx: Ctx) -> Any:
    fields = ctx.body.model_dump(mode="json", exclude_unset=True)
    if not fields:
        raise BadRequest("Nothing to change.")
    return projects.update_milestone(ctx.user, ctx.params["projectId"], ctx.params["milestoneId"], fields)


def _milestone_delete(ctx: Ctx) -> Any:
    return projects.delete_milestone(ctx.user, ctx.params["projectId"], ctx.params["milestoneId"])


def _signed_by(secret_name: str, integration: str) -> Any:
    return lambda ctx: webhooks.verify(secret_name, integration, ctx.request.headers, ctx.raw_body)


def _approvals(ctx: Ctx) -> Any:
    q = ctx.query
    return approvals.list_approvals(ctx.user, org_id=q.orgId, status=q.status, project_id=q.projectId,
                                    assigned_to_me=q.assignedToMe, due_before=q.dueBefore, cursor=q.cursor,
                                    limit=q.limit)  # fmt: skip


def _approval_submit(ctx: Ctx) -> Reply:
    return Reply(approvals.submit(ctx.user, ctx.body.model_dump(mode="json")), status=201)


def _openapi(ctx: Ctx) -> Any:
    from .openapi import document

    return document()


GET, POST, PATCH, DELETE = "GET", "POST", "PATCH", "DELETE"
WEBHOOK_AUTH = (
    "Signed with the integration's shared secret: `X-Portal-Timestamp: <unix seconds>` and "
    '`X-Portal-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`, within 5 minutes. '
    "Idempotent by `eventId`: a redelivery answers `duplicate: true` and changes nothing."
)

# fmt: off
ROUTES: tuple[Route, ...] = (
    Route("auth_config", "/api/auth/config", "auth", (
        Operation(GET, lambda ctx: session.web_config(), "Firebase web settings for the sign-in page",
                  response=m.AuthConfigOut, public=True),
    )),
    Route("auth_login", "/api/auth/login", "auth", (
        Operation(POST, _login, "Exchange a fresh Firebase ID token for a session cookie",
                  body=m.LoginIn, response=m.LoginOut, public=True, errors=(400, 401, 403),
                  description="Sets an HttpOnly, Secure, SameSite=Strict `__session` cookie. Send the "
                              "returned `csrfToken` as `X-CSRF-Token` on every unsafe request made "
                              "with the cookie. The ID token must come from a sign-in in the last 5 minutes."),
    )),
    Route("auth_logout", "/api/auth/logout", "auth", (
        Operation(POST, _logout, "Sign out everywhere: revoke refresh tokens and clear the cookie",
                  response=m.Ok),
    )),
    Route("auth_session", "/api/auth/session", "auth", (
        Operation(GET, lambda ctx: session.session(ctx.user, ctx.session_cookie),
                  "The current session, with its CSRF token", response=m.SessionOut),
    )),
    Route("auth_me", "/api/auth/me", "auth", (
        Operation(GET, lambda ctx: users.me(ctx.user), "The signed-in user and what they may do", response=m.Me),
    )),
    Route("orgs_list", "/api/orgs", "organisations", (
        Operation(GET, lambda ctx: {"items": orgs.list_orgs(ctx.user)},
                  "Organisations visible to the caller (staff: every client)", response=m.OrgList),
    )),
    Route("members_list", "/api/members", "members", (
        Operation(GET, lambda ctx: {"items": users.list_members(ctx.user, ctx.query.orgId)},
                  "Members of an organisation", query=m.OrgQuery, response=m.MemberList, errors=(403, 404)),
    )),
    Route("member_detail", "/api/members/{uid}", "members", (
        Operation(PATCH, _member_role, "Change a member's role (admin)", body=m.MemberRoleIn,
                  response=m.MemberChanged, errors=(400, 403, 404)),
        Operation(DELETE, lambda ctx: {"member": users.disable_user(ctx.params["uid"], actor=ctx.user)},
                  "Remove a member: disable the account and end its sessions", response=m.MemberChanged,
                  errors=(403, 404)),
    )),
    Route("invites", "/api/invites", "invites", (
        Operation(GET, lambda ctx: {"items": invites.list_invites(ctx.user, ctx.query.orgId)},
                  "Invites of an organisation", query=m.OrgQuery, response=m.InviteList, errors=(403, 404)),
        Operation(POST, _invite_create, "Invite someone to an organisation", body=m.InviteIn,
                  response=m.InviteCreated, status=201, errors=(400, 403, 404, 409),
                  description="Returns a single-use link that expires. Client owners invite into their own "
                              "organisation; staff into any client; admins also invite staff."),
    )),
    Route("invite_revoke", "/api/invites/{inviteId}/revoke", "invites", (
        Operation(POST, _invite_revoke, "Revoke a pending invite", query=m.OrgQuery, response=m.InviteOut,
                  errors=(403, 404, 409)),
    )),
    Route("invite_lookup", "/api/invites/lookup", "invites", (
        Operation(GET, lambda ctx: invites.lookup(ctx.query.token), "What an invite link is for",
                  query=m.InviteTokenQuery, response=m.InviteLookup, public=True, errors=(404, 410)),
    )),
    Route("invite_accept", "/api/invites/accept", "invites", (
        Operation(POST, _invite_accept, "Accept an invite: create the account", body=m.InviteAcceptIn,
                  response=m.UserOut, status=201, public=True, errors=(400, 404, 409, 410)),
    )),
    Route("projects_list", "/api/projects", "projects", (
        Operation(GET, _projects, "Projects by name, filtered by status, paginated with a cursor",
                  query=m.ProjectsQuery, response=m.ProjectList, errors=(400, 403, 404)),
        Operation(POST, _project_create, "Create a project for a client (staff)", body=m.ProjectIn,
                  response=m.Project, status=201, errors=(400, 403, 404)),
    )),
    Route("project_detail", "/api/projects/{projectId}", "projects", (
        Operation(GET, lambda ctx: projects.get_project(ctx.user, ctx.params["projectId"]),
                  "A project: milestones, progress, timeline, team, counts, recent activity",
                  response=m.ProjectDetail, errors=(403, 404)),
        Operation(PATCH, _project_patch, "Edit a project's name, description, status, timeline or team (admin)",
                  body=m.ProjectPatch, response=m.Project, errors=(400, 403, 404)),
    )),
    Route("project_milestones", "/api/projects/{projectId}/milestones", "projects", (
        Operation(POST, _milestone_add, "Add a milestone (staff)", body=m.MilestoneIn, response=m.Project,
                  status=201, errors=(400, 403, 404)),
    )),
    Route("project_milestone", "/api/projects/{projectId}/milestones/{milestoneId}", "projects", (
        Operation(PATCH, _milestone_patch, "Edit or complete a milestone (staff)", body=m.MilestonePatch,
                  response=m.Project, errors=(400, 403, 404)),
        Operation(DELETE, _milestone_delete, "Remove a milestone (staff)", response=m.Project, errors=(403, 404)),
    )),
    Route("approvals", "/api/approvals", "approvals", (
        Operation(GET, _approvals, "Approval items, newest first, filtered, paginated with a cursor",
                  query=m.ApprovalsQuery, response=m.ApprovalList, errors=(400, 403, 404)),
        Operation(POST, _approval_submit, "Submit an item for approval (staff)", body=m.ApprovalIn,
                  response=m.ApprovalDetail, status=201, errors=(400, 403, 404)),
    )),
    Route("approval_detail", "/api/approvals/{approvalId}", "approvals", (
        Operation(GET, lambda ctx: approvals.get(ctx.user, ctx.params["approvalId"]),
                  "An item: every version, feedback and the decision history", response=m.ApprovalDetail,
                  errors=(403, 404)),
    )),
    Route("approval_action", "/api/approvals/{approvalId}/action", "approvals", (
        Operation(POST, lambda ctx: approvals.decide(ctx.user, ctx.params["approvalId"], ctx.body.action,
                                                     ctx.body.comment, ctx.body.version),
                  "Approve, reject or request a revision of the current version", body=m.DecisionIn,
                  response=m.ApprovalDetail, errors=(400, 403, 404, 409),
                  description="A comment is required to reject or request a revision. Deciding a version "
                              "already decided, or a version that is not the current one, is a 409."),
    )),
    Route("approval_comments", "/api/approvals/{approvalId}/comments", "approvals", (
        Operation(POST, lambda ctx: approvals.comment(ctx.user, ctx.params["approvalId"], ctx.body.body,
                                                      ctx.body.version),
                  "Comment on a version", body=m.CommentIn, response=m.CommentOut, status=201,
                  errors=(400, 403, 404)),
    )),
    Route("approval_versions", "/api/approvals/{approvalId}/versions", "approvals", (
        Operation(POST, lambda ctx: approvals.new_version(ctx.user, ctx.params["approvalId"],
                                                          ctx.body.content.model_dump(mode="json")),
                  "Submit a new version: back to pending, earlier versions kept (staff)", body=m.VersionIn,
                  response=m.ApprovalDetail, errors=(400, 403, 404)),
    )),
    Route("webhook_n8n_approvals", "/api/webhooks/n8n/approvals", "webhooks", (
        Operation(POST, lambda ctx: automation.n8n_approval_event(ctx.body), "n8n creates an item or a version",
                  body=m.N8nApprovalEvent, response=m.WebhookResult, public=True, rate_bucket="ip",
                  verify=_signed_by("N8N_WEBHOOK_SECRET", "n8n"), errors=(400, 401, 404, 503),
                  description=WEBHOOK_AUTH),
    )),
    Route("dashboard", "/api/dashboard", "dashboard", (
        Operation(GET, lambda ctx: dashboard.dashboard(ctx.user, ctx.query.orgId),
                  "Next actions, billing alert, bookings, project cards and unread counts in one response",
                  query=m.DashboardQuery, response=m.Dashboard, errors=(403, 404)),
    )),
    Route("webhook_n8n_projects", "/api/webhooks/n8n/projects", "webhooks", (
        Operation(POST, lambda ctx: automation.n8n_project_event(ctx.body), "n8n reports project progress",
                  body=m.N8nProjectEvent, response=m.WebhookResult, public=True, rate_bucket="ip",
                  verify=_signed_by("N8N_WEBHOOK_SECRET", "n8n"), errors=(400, 401, 404, 503),
                  description=WEBHOOK_AUTH),
    )),
    Route("webhook_gbu", "/api/webhooks/gbu", "webhooks", (
        Operation(POST, lambda ctx: automation.gbu_contract_event(ctx.body), "GBU reports a contract's status",
                  body=m.GbuContractEvent, response=m.WebhookResult, public=True, rate_bucket="ip",
                  verify=_signed_by("GBU_WEBHOOK_SECRET", "GBU"), errors=(400, 401, 404, 503),
                  description=WEBHOOK_AUTH),
    )),
    Route("billing", "/api/billing", "billing", (
        Operation(GET, lambda ctx: billing.get_billing(ctx.user, ctx.query.orgId),
                  "Billing: status, plan, next charge, payments with invoice links, pay link, last sync",
                  query=m.BillingQuery, response=m.Billing, errors=(403, 404)),
    )),
    Route("billing_sync", "/api/billing/sync", "billing", (
        Operation(POST, lambda ctx: billing.sync(ctx.user, ctx.body.orgId),
                  "Sync from Whop now: one organisation or all (admin)", body=m.BillingSyncIn,
                  response=m.SyncResult, errors=(403, 404, 503)),
    )),
    Route("billing_link", "/api/billing/link", "billing", (
        Operation(POST, lambda ctx: billing.link(ctx.user, ctx.body.orgId, ctx.body.membershipId),
                  "Link a client organisation to its Whop membership (admin)", body=m.BillingLinkIn,
                  errors=(400, 403, 404)),
    )),
    Route("billing_unmatched", "/api/billing/unmatched", "billing", (
        Operation(GET, lambda ctx: {"items": billing.unmatched(ctx.user)},
                  "Whop events for memberships no organisation is linked to (staff)",
                  response=m.UnmatchedList, errors=(403,)),
    )),
    Route("webhook_whop", "/api/webhooks/whop", "webhooks", (
        Operation(POST, lambda ctx: billing.apply_event(ctx.verified), "Whop billing events",
                  public=True, rate_bucket="ip", verify=lambda ctx: billing.verify_webhook(ctx.raw_body,
                  ctx.request.headers), response=m.WebhookResult, errors=(400, 401, 503),
                  description="Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), "
                              "verified with whop-sdk before anything else. Idempotent by `webhook-id`."),
    )),
    Route("deliveries", "/api/deliveries", "deliveries", (
        Operation(GET, lambda ctx: {"items": deliveries.list_deliveries(ctx.user, ctx.query.status)},
                  "Outbound deliveries (Slack, n8n) for staff, newest first", query=m.DeliveriesQuery,
                  response=m.DeliveryList, errors=(403,)),
    )),
    Route("delivery_retry", "/api/deliveries/{deliveryId}/retry", "deliveries", (
        Operation(POST, lambda ctx: deliveries.retry(ctx.user, ctx.params["deliveryId"]),
                  "Send a failed delivery again (staff)", response=m.Delivery, errors=(403, 404, 409)),
    )),
    Route("openapi", "/api/openapi.json", "meta", (Operation(GET, _openapi, "This document", public=True),)),
)
# fmt: on

BY_FUNCTION = {route.function: route for route in ROUTES}
