"""HTTPS function: search."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.search import routes


@https_fn.on_request(**HTTP)
def search(req: https_fn.Request) -> https_fn.Response:
    """GET /api/search"""
    return routes.search.serve(req)
