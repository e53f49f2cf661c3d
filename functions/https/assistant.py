"""HTTPS function: the assistant (ChatKit)."""

from deployment import HTTP, with_secrets
from firebase_functions import https_fn
from firebase_functions.options import MemoryOption

from params import OPENAI_API_KEY
from portal.assistant import routes

ASSISTANT = {**with_secrets(HTTP, OPENAI_API_KEY), "timeout_sec": 120, "memory": MemoryOption.MB_512}


@https_fn.on_request(**ASSISTANT)
def chatkit(req: https_fn.Request) -> https_fn.Response:
    """GET, POST /api/chatkit"""
    return routes.chatkit.serve(req)
