"""Live updates: tell browsers that something they show has changed.

Each person has one signal document, ``live/{uid}``, readable by that person alone
(``firestore.rules``). It holds only when each topic last changed (and, for a topic, the
id of what changed), never the data itself: a browser that sees a topic move fetches
what it shows again through the API, where the policy applies as always. So a listener
can leak nothing the API would not answer, and removing someone needs no rule beyond
"your own signal".

Topics are short names the pages subscribe to: ``messages`` (a thread changed; ``ref``
is the thread id), ``notifications`` (the feed changed).
"""

from __future__ import annotations

from collections.abc import Iterable

from . import db

TOPICS = ("messages", "notifications", "bookings", "approvals", "files")
BATCH_LIMIT = 400


def poke(uids: Iterable[str], topic: str, ref: str | None = None) -> int:
    """Mark ``topic`` changed for each uid (one write per person, batched). Returns how many."""
    from google.cloud import firestore

    if topic not in TOPICS:
        raise ValueError(f"unknown live topic {topic!r}")
    change = {topic: {"at": firestore.SERVER_TIMESTAMP, "ref": ref}}
    batch, pending, total = db.batch(), 0, 0
    for uid in dict.fromkeys(uids):
        batch.set(db.live_signal(uid), change, merge=True)
        pending += 1
        total += 1
        if pending == BATCH_LIMIT:
            batch.commit()
            batch, pending = db.batch(), 0
    if pending:
        batch.commit()
    return total
