"""Routes of data exports and of account and organisation deletion."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api.lazy import lazy
from ..api.web import DELETE, GET, POST, Ctx, Operation, Reply, Route, Stream

if TYPE_CHECKING:
    from ..api import common
    from . import deletion, exports
    from . import models as m
else:
    m, common = lazy("portal.privacy.models"), lazy("portal.api.common")
    exports, deletion = lazy("portal.privacy.exports"), lazy("portal.privacy.deletion")

ZIP = "application/zip"
EXPORT_DOC = (
    "The archive is built in the background (it can take minutes): `GET /api/exports` shows its status and, "
    "once `ready`, its `download` link, for the number of days the retention policy says. JSON for everything, "
    "CSV for the tables; an organisation's archive holds its files too where Drive is connected. Internal notes "
    "are only in an archive staff asked for. One export per person and target at a time (409)."
)
DELETION_DOC = (
    "`me`: your own account (clients; `confirm` is your email address). `organisation`: a client organisation "
    "(admins; `confirm` is its name). The account (every account of the organisation) is disabled at once and "
    "purged after the grace period; until then an admin can undo it (`DELETE /api/deletions/{deletionId}`), "
    "and a person who deleted their own account is mailed a single-use link to restore it themselves "
    "(`POST /api/account/restore`; `restoreMailed` says whether mail is connected)."
)
RESTORE_DOC = (
    "The token comes from the link mailed when the person deleted their own account (it travels in the "
    "link's fragment and this body, never in a URL). It works once, until the purge, and restores the account "
    "as an admin's undo does. An unknown, used or expired token, an account already purged, and a deletion "
    "the person did not ask for (a removal, an organisation's) all get the same 404."
)


def _start_export(ctx: Ctx) -> Any:
    return Reply(exports.start(ctx.user, ctx.body.scope, ctx.body.orgId), status=202)


def _download(ctx: Ctx) -> Stream:
    download = exports.open_download(ctx.user, ctx.params["exportId"], ctx.request.headers.get("Range"))
    headers = dict(download.headers)
    media_type = headers.pop("Content-Type", ZIP)
    return Stream(download.iter_bytes(), media_type=media_type, status=download.status, headers=headers)


def _delete(ctx: Ctx) -> Any:
    b = ctx.body
    if b.scope == "organisation":
        return Reply(deletion.request_org(ctx.user, b.orgId, b.confirm), status=202)
    return Reply(deletion.request_own(ctx.user, b.confirm), status=202)


# fmt: off
export_list = Route("exports", "/api/exports", "privacy", (
    Operation(GET, lambda ctx: exports.list_mine(ctx.user), "Your exports, newest first, with their status",
              response=m.ExportList, errors=(403,)),
    Operation(POST, _start_export, "Export your own data, or a client organisation's", body=m.ExportIn,
              response=m.ExportOut, status=202, errors=(400, 403, 404, 409), description=EXPORT_DOC),
))
export_download = Route("export_download", "/api/exports/{exportId}/download", "privacy", (
    Operation(GET, _download, "Download a ready export (a zip; only the person who asked for it)", produces=ZIP,
              ranges=True, errors=(403, 404, 409, 410, 502, 503), acts_as_caller=True),
))
deletions = Route("deletions", "/api/deletions", "privacy", (
    Operation(GET, lambda ctx: deletion.list_pending(ctx.user), "Deletions waiting out their grace period (admins)",
              response=m.DeletionList, errors=(403, 404)),
    Operation(POST, _delete, "Delete your account, or a client organisation (admins), after a grace period",
              body=m.DeletionIn, response=m.DeletionOut, status=202, errors=(400, 403, 404, 409),
              description=DELETION_DOC),
))
deletion_detail = Route("deletion_detail", "/api/deletions/{deletionId}", "privacy", (
    Operation(DELETE, lambda ctx: deletion.undo(ctx.user, ctx.params["deletionId"]),
              "Undo a deletion before its purge (admins)", response=common.Ok, errors=(403, 404)),
))
account_restore = Route("account_restore", "/api/account/restore", "privacy", (
    Operation(POST, lambda ctx: deletion.restore_own(ctx.body.token),
              "Restore your own deleted account with the link you were mailed", body=m.RestoreIn,
              response=m.RestoreOut, public=True, errors=(400, 404), description=RESTORE_DOC),
))
# fmt: on

ROUTES = (export_list, export_download, deletions, deletion_detail, account_restore)
