"""Live updates: tell browsers that something they show has changed.

Each person has one signal document, ``live/{uid}``, readable by that person alone
(``firestore.rules``). It holds only when each topic last changed (and, for a topic, the
id of what changed), never the data itself: a browser that sees a topic move fetches
what it shows again through the API, where the policy applies as always. So a listener
can leak nothing the API would not answer, and removing someone needs no rule beyond
"your own signal".

Signals coalesce: a listener may see only the latest of several quick changes, so ``ref``
is a hint (what changed last), never a reason to skip a refetch of something else.

Topics are short names the pages subscribe to: ``messages`` (a thread changed; ``ref``
is the thread id), ``notifications`` (the feed changed), ``approvals`` (an approval was
created, versioned or decided; ``ref`` is its id), ``dashboard`` (an organisation's
summary was recomputed; ``ref`` is the organisation).

The browser signs in to Firestore with a custom token from :func:`token` (minted for a
session cookie, carrying the caller's claims and, as ``live``, the id of that session's
record) and reads nothing but its own signal; the rules also check the membership
document and the session record, so a removed, disabled or demoted person's listener, or
one of a device signed out, stops at once even though its Firebase ID token stays valid
for up to an hour. The API and the sign-in refuse such a credential (``portal.authn``):
it is no key to anything but the signal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import db, policy
from .errors import Forbidden, NotConnected
from .identity import STAFF_ROLES, Caller, OrgKind
from .policy import Action

TOPICS = ("messages", "notifications", "bookings", "approvals", "files", "dashboard")
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


def audience(org_id: str) -> list[str]:
    """Everyone who sees an organisation's shared items: its active members and the staff
    (the active members of the agency's organisation)."""
    agencies = [s.id for s in db.orgs().where(filter=db.eq("kind", OrgKind.AGENCY.value)).select([]).stream()]
    uids: list[str] = []
    for org in dict.fromkeys([org_id, *agencies]):
        for snap in db.system(org).users().select(["disabled", "role"]).stream():
            data = snap.to_dict() or {}
            if not data.get("disabled") and (org == org_id or data.get("role") in STAFF_ROLES):
                uids.append(snap.id)
    return uids


def _active_member(caller: Caller) -> None:
    """Refuse a token to anyone whose membership no longer matches their session."""
    snap = db.system(caller.org_id).user(caller.uid).get()
    data = (snap.to_dict() or {}) if snap.exists else {}
    if not data or data.get("disabled") or data.get("role") != caller.role.value:
        raise Forbidden("Your membership has changed. Please sign in again.", code="membership_changed")


def token(caller: Caller, session_cookie: str | None) -> dict[str, Any]:
    """A Firebase custom token for the caller's uid, carrying their claims, with which the
    browser signs in to Firestore (``signInWithCustomToken``) to listen to ``live/{uid}``.

    In production the functions' service account signs it through IAM (``signBlob``): it
    needs the "Service Account Token Creator" role on itself. Without it the browser is
    told live updates are unavailable and polls instead."""
    from . import authn
    from .account import sessions

    db.grant(caller, Action.LIVE_LISTEN)
    policy.authorize_session_only(caller)
    assert session_cookie, "a session caller always comes with its cookie (portal.api.web)"
    _active_member(caller)
    auth = authn.admin_auth()
    claims = {"role": caller.role.value, "orgId": caller.org_id, "permissions": sorted(caller.permissions),
              authn.LIVE_CLAIM: sessions.session_id(session_cookie)}  # fmt: skip
    try:
        minted = auth.create_custom_token(caller.uid, claims)
    except auth.TokenSignError:
        raise NotConnected(
            "Live updates are not available: the server may not sign sign-in tokens.", code="live_unavailable"
        ) from None
    return {"token": minted.decode() if isinstance(minted, bytes) else str(minted), "uid": caller.uid}
