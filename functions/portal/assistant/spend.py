"""The daily spend cap of an organisation, counted in model tokens as the responses report them."""

from __future__ import annotations

import datetime as dt

from .. import db
from . import settings

REACHED_MESSAGE = (
    "Your organisation has reached today's assistant limit. It starts again tomorrow (UTC); "
    "until then, Messages reaches the team."
)


def today() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")


def used(org_id: str, day: str | None = None) -> int:
    snap = db.system(org_id).assistant_usage(day or today()).get(["tokens"])
    return int((snap.to_dict() or {}).get("tokens") or 0) if snap.exists else 0


def reached(org_id: str) -> bool:
    """Whether ``org_id`` has spent its tokens for today (never, with the cap off)."""
    cap = settings.daily_tokens()
    return cap > 0 and used(org_id) >= cap


def add(org_id: str, tokens: int, *, requests: int = 0) -> None:
    """Count ``tokens`` (and model ``requests``) spent by ``org_id`` today."""
    if tokens <= 0 and requests <= 0:
        return
    from google.cloud import firestore

    day = today()
    db.system(org_id).assistant_usage(day).set(
        {"day": day, "orgId": org_id, "tokens": firestore.Increment(tokens),
         "requests": firestore.Increment(requests), "updatedAt": db.now()},
        merge=True,
    )  # fmt: skip
