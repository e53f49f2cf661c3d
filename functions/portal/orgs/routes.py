"""Routes of organisations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..api.lazy import lazy
from ..api.web import GET, Operation, Route

if TYPE_CHECKING:
    from . import models as m
    from . import service
else:
    m, service = lazy("portal.orgs.models"), lazy("portal.orgs.service")

orgs_list = Route("orgs_list", "/api/orgs", "organisations", (
    Operation(GET, lambda ctx: {"items": service.list_orgs(ctx.user)},
              "Organisations visible to the caller (staff: every client)", response=m.OrgList),
))  # fmt: skip

ROUTES = (orgs_list,)
