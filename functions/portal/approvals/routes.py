"""Routes of content approvals, and the n8n webhook that submits items and versions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api.lazy import lazy
from ..api.signed import SIGNED, signed_by
from ..api.web import GET, POST, Ctx, Operation, Reply, Route

if TYPE_CHECKING:
    from ..api import common
    from . import inbound, service
    from . import models as m
else:
    m, service = lazy("portal.approvals.models"), lazy("portal.approvals.service")
    inbound, common = lazy("portal.approvals.inbound"), lazy("portal.api.common")

ATTACHMENTS_DOC = (
    "`content.attachments` lists portal file ids (`GET /api/files`) next to or instead of the links: files of "
    "the item's organisation, kept with the organisation as a whole or in the item's project, at most 20. An "
    "unknown, deleted or another organisation's id is a 400 `unknown_attachment` (the same answer for each) and "
    "nothing is written. The detail shows each version's attachments with their download, view and thumbnail "
    "links; a file deleted since is `removed`."
)


def _list(ctx: Ctx) -> Any:
    q = ctx.query
    return service.list_approvals(ctx.user, org_id=q.orgId, status=q.status, project_id=q.projectId,
                                  assigned_to_me=q.assignedToMe, due_before=q.dueBefore, cursor=q.cursor,
                                  limit=q.limit)  # fmt: skip


def _decide(ctx: Ctx) -> Any:
    b = ctx.body
    return service.decide(ctx.user, ctx.params["approvalId"], b.action, b.comment, b.version)


# fmt: off
approvals = Route("approvals", "/api/approvals", "approvals", (
    Operation(GET, _list, "Approval items, newest first, filtered, paginated with a cursor",
              query=m.ApprovalsQuery, response=m.ApprovalList, errors=(400, 403, 404)),
    Operation(POST, lambda ctx: Reply(service.submit(ctx.user, ctx.body.model_dump(mode="json")), status=201),
              "Submit an item for approval (staff)", body=m.ApprovalIn, response=m.ApprovalDetail, status=201,
              errors=(400, 403, 404), description=ATTACHMENTS_DOC),
))
approval_detail = Route("approval_detail", "/api/approvals/{approvalId}", "approvals", (
    Operation(GET, lambda ctx: service.get(ctx.user, ctx.params["approvalId"]),
              "An item: every version, feedback and the decision history", response=m.ApprovalDetail,
              errors=(403, 404)),
))
approval_action = Route("approval_action", "/api/approvals/{approvalId}/action", "approvals", (
    Operation(POST, _decide, "Approve, reject or request a revision of the current version", body=m.DecisionIn,
              response=m.ApprovalDetail, errors=(400, 403, 404, 409),
              description="A comment is required to reject or request a revision. Deciding a version "
                          "already decided, or a version that is not the current one, is a 409."),
))
approval_comments = Route("approval_comments", "/api/approvals/{approvalId}/comments", "approvals", (
    Operation(POST, lambda ctx: service.comment(ctx.user, ctx.params["approvalId"], ctx.body.body,
                                                ctx.body.version),
              "Comment on a version", body=m.CommentIn, response=m.CommentOut, status=201,
              errors=(400, 403, 404)),
))
approval_versions = Route("approval_versions", "/api/approvals/{approvalId}/versions", "approvals", (
    Operation(POST, lambda ctx: service.new_version(ctx.user, ctx.params["approvalId"],
                                                    ctx.body.content.model_dump(mode="json")),
              "Submit a new version: back to pending, earlier versions kept (staff)", body=m.VersionIn,
              response=m.ApprovalDetail, errors=(400, 403, 404), description=ATTACHMENTS_DOC),
))
webhook_n8n_approvals = Route("webhook_n8n_approvals", "/api/webhooks/n8n/approvals", "webhooks", (
    Operation(POST, lambda ctx: inbound.n8n_approval_event(ctx.body.root), "n8n creates an item or a version",
              body=m.N8nApprovalEvent, response=common.WebhookResult, public=True, rate_bucket="ip",
              verify=signed_by("N8N_WEBHOOK_SECRET", "n8n"), errors=(400, 401, 404, 503), description=SIGNED),
))
# fmt: on

ROUTES = (approvals, approval_detail, approval_action, approval_comments, approval_versions, webhook_n8n_approvals)
