"""Every feature's routes, in one place: what the OpenAPI document, the wiring tests
and the Hosting rewrites are checked against. Importing it imports route
declarations only (no service, no model). The OpenAPI document describes every route,
its own included, so its route lives here, with the one list it is made from."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..account import routes as account
from ..approvals import routes as approvals
from ..assistant import routes as assistant
from ..audit import routes as audit
from ..auth import routes as auth
from ..billing import routes as billing
from ..bookings import routes as bookings
from ..contracts import routes as contracts
from ..dashboard import routes as dashboard
from ..deliveries import routes as deliveries
from ..files import routes as files
from ..invites import routes as invites
from ..members import routes as members
from ..messages import routes as messages
from ..notifications import routes as notifications
from ..orgs import routes as orgs
from ..privacy import routes as privacy
from ..projects import routes as projects
from ..search import routes as search
from . import routes as meta
from .web import GET, Ctx, Operation, Route

FEATURES = (
    auth,
    orgs,
    contracts,
    members,
    invites,
    projects,
    approvals,
    dashboard,
    billing,
    deliveries,
    files,
    bookings,
    meta,
    notifications,
    search,
    messages,
    audit,
    assistant,
    account,
    privacy,
)
"""The feature route modules; each lists its routes in ``ROUTES``."""


@cache
def document() -> dict[str, Any]:
    """The OpenAPI document of :func:`routes` (built once per instance)."""
    from . import openapi as generator

    return generator.build(routes())


def _document(ctx: Ctx) -> Any:
    return document()


openapi = Route("openapi", "/api/openapi.json", "meta", (Operation(GET, _document, "This document", public=True),))


def routes() -> tuple[Route, ...]:
    return (*(route for feature in FEATURES for route in feature.ROUTES), openapi)
