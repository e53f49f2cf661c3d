"""HTTPS functions: message threads, messages and internal notes."""

from deployment import HTTP
from firebase_functions import https_fn

from portal.messages import routes


@https_fn.on_request(**HTTP)
def messages(req: https_fn.Request) -> https_fn.Response:
    """GET|POST /api/messages"""
    return routes.messages.serve(req)


@https_fn.on_request(**HTTP)
def message_thread(req: https_fn.Request) -> https_fn.Response:
    """GET|POST /api/messages/{threadId}"""
    return routes.message_thread.serve(req)


@https_fn.on_request(**HTTP)
def message_read(req: https_fn.Request) -> https_fn.Response:
    """POST /api/messages/{threadId}/read"""
    return routes.message_read.serve(req)


@https_fn.on_request(**HTTP)
def message_detail(req: https_fn.Request) -> https_fn.Response:
    """PATCH|DELETE /api/messages/{threadId}/{messageId}"""
    return routes.message_detail.serve(req)
