"""Routes of contracts: an organisation's contracts, as GBU reports them (its webhook is
``portal.projects.routes.webhook_gbu``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api.lazy import lazy
from ..api.web import GET, Ctx, Operation, Route

if TYPE_CHECKING:
    from . import models as m
    from . import service
else:
    m, service = lazy("portal.contracts.models"), lazy("portal.contracts.service")

SEEN_BY = (
    "Who sees what: the client's owners and staff every contract of the organisation; a member "
    "those linked to a project (never an organisation-wide agreement). Status, title, when it was "
    "signed, GBU's document link and the project it belongs to, newest status first (at most 200)."
)


def _list(ctx: Ctx) -> Any:
    from .. import db, policy

    grant = db.grant(ctx.user, policy.rule_for("org_contracts_get").action, ctx.params["orgId"])  # type: ignore[arg-type]
    return service.list_contracts(grant, ctx.query.projectId)


# fmt: off
org_contracts = Route("org_contracts", "/api/orgs/{orgId}/contracts", "organisations", (
    Operation(GET, _list, "An organisation's contracts: status, title, signed date, document link, project",
              query=m.ContractsQuery, response=m.ContractList, errors=(400, 403, 404), description=SEEN_BY),
))
# fmt: on

ROUTES = (org_contracts,)
