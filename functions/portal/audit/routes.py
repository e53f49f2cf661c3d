"""Routes of the audit log and of view as client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api.lazy import lazy
from ..api.web import GET, POST, Ctx, Operation, Route

if TYPE_CHECKING:
    from .. import viewas
    from . import models as m
    from . import query
else:
    m, query, viewas = lazy("portal.audit.models"), lazy("portal.audit.query"), lazy("portal.viewas")


def _list(ctx: Ctx) -> Any:
    q = ctx.query
    return query.list_entries(ctx.user, org_id=q.orgId, actor=q.actor, action=q.action, since=q.since,
                              until=q.until, cursor=q.cursor, limit=q.limit)  # fmt: skip


AUDIT_DOC = (
    "Newest first. Admins read every organisation's entries (or one's, with `orgId`); a client owner "
    "reads their own organisation's. Each entry: who (uid, email, role; `viewerUid` when staff were "
    "viewing as that person), organisation, action, target, when, ip and request id. Entries are "
    "immutable: nothing changes or deletes them but the retention job (`AUDIT_RETENTION_DAYS`)."
)
VIEW_AS_DOC = (
    "Admins only, for a client's owner or member (never a member of staff). Returns a token: send it as "
    "`X-View-As` with your own credentials and every read answers exactly what that person sees. "
    "Read-only: unsafe requests, file downloads and the live-update sign-in are refused (403 "
    "`view_as_read_only`). Expires after 30 minutes. Audited (`viewas.started`)."
)

# fmt: off
audit = Route("audit", "/api/audit", "audit", (
    Operation(GET, _list, "The audit log, filtered by actor, organisation, action and time, paginated",
              query=m.AuditQuery, response=m.AuditList, errors=(400, 403, 404), description=AUDIT_DOC),
))
view_as = Route("view_as", "/api/view-as", "audit", (
    Operation(POST, lambda ctx: viewas.start(ctx.user, ctx.body.uid), "Start viewing the portal as a client (admins)",
              body=m.ViewAsIn, response=m.ViewAsOut, errors=(400, 403, 404), description=VIEW_AS_DOC),
))
view_as_end = Route("view_as_end", "/api/view-as/end", "audit", (
    Operation(POST, lambda ctx: viewas.end(ctx.user, ctx.body.token), "Stop viewing as a client",
              body=m.ViewAsEndIn, response=lazy("portal.api.common:Ok"), errors=(400, 403),
              description="Send without `X-View-As`, with the token in the body. Audited (`viewas.ended`)."),
))
# fmt: on

ROUTES = (audit, view_as, view_as_end)
