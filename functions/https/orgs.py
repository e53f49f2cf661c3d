"""HTTPS functions: organisations, their settings and contracts, and the clients overview."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.contracts import routes as contracts
from portal.orgs import routes


@https_fn.on_request(**HTTP)
def orgs_list(req: https_fn.Request) -> https_fn.Response:
    """GET|POST /api/orgs"""
    return routes.orgs_list.serve(req)


@https_fn.on_request(**HTTP)
def org_detail(req: https_fn.Request) -> https_fn.Response:
    """GET|PATCH /api/orgs/{orgId}"""
    return routes.org_detail.serve(req)


@https_fn.on_request(**HTTP)
def org_archive(req: https_fn.Request) -> https_fn.Response:
    """POST|DELETE /api/orgs/{orgId}/archive"""
    return routes.org_archive.serve(req)


@https_fn.on_request(**HTTP)
def org_settings(req: https_fn.Request) -> https_fn.Response:
    """GET|PATCH /api/orgs/{orgId}/settings"""
    return routes.org_settings.serve(req)


@https_fn.on_request(**HTTP)
def clients_list(req: https_fn.Request) -> https_fn.Response:
    """GET /api/clients"""
    return routes.clients_list.serve(req)


@https_fn.on_request(**HTTP)
def org_contracts(req: https_fn.Request) -> https_fn.Response:
    """GET /api/orgs/{orgId}/contracts"""
    return contracts.org_contracts.serve(req)
