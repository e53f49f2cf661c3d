"""Routes of search across projects, approvals, files, threads and messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api.lazy import lazy
from ..api.web import GET, Ctx, Operation, Route

if TYPE_CHECKING:
    from . import models as m
    from . import service
else:
    m, service = lazy("portal.search.models"), lazy("portal.search.service")

SEARCH_DOC = (
    "Every word of `q` must match a word of the item's title or text, whole or as its start "
    "(`bran` finds `Brand refresh`); case and accents do not matter. A client finds only what their "
    "organisation may see (never an internal note or a staff-only file); staff search every client, "
    "or one with `orgId`. Each result is `{kind, id, orgId, title, snippet, highlights, link}` with "
    "highlights as `[start, end)` offsets in Unicode code points into the plain-text snippet. "
    "Results come grouped by kind, at most `limit` per page; `nextCursor` gives the next page."
)


def _search(ctx: Ctx) -> Any:
    q = ctx.query
    return service.search(ctx.user, q.q, org_id=q.orgId, kind=q.kind, cursor=q.cursor, limit=q.limit)


# fmt: off
search = Route("search", "/api/search", "search", (
    Operation(GET, _search, "Search projects, approvals, files, threads and messages the caller may see",
              query=m.SearchQuery, response=m.SearchResults, errors=(400, 403, 404), description=SEARCH_DOC),
))
# fmt: on

ROUTES = (search,)
