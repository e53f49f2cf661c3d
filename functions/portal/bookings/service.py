"""Bookings: stored per organisation (``orgs/{orgId}/bookings``), matched to it by the
attendees' emails (its active members' addresses); unmatched ones wait in
``unmatchedBookings`` for staff to assign, with the organisation an attendee's email
domain suggests. ``bookingIndex``
remembers where each booking went, so later events about it follow it there."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from .. import db, webhooks
from ..errors import BadRequest, NotFound
from ..identity import Caller, OrgKind
from ..policy import Action
from .model import Change, merge, now_utc

PAGE = 20
MAX_PAGE = 100
EMBED_HOSTS = {"cal.com": "calcom", "calendly.com": "calendly"}


# --- matching ---------------------------------------------------------------------------


def match_org(emails: list[str]) -> str | None:
    """The client organisation the attendees belong to: one of its active members is among
    them. None when nobody known attends (or only agency staff): a booking from a public
    booking page by someone the portal does not know waits for staff, whatever their
    address's domain (anyone can type an address on a client's domain)."""
    if not emails:
        return None
    members = db.across_orgs(db.USERS).where(filter=db.among("email", emails[:30]))
    for snap in members.select(["orgId", "disabled"]).stream():
        if (snap.to_dict() or {}).get("disabled"):
            continue
        org_id = snap.reference.parent.parent.id
        try:
            if db.org_ref(org_id).kind == OrgKind.CLIENT:
                return org_id
        except NotFound:
            continue
    return None


def suggest_org(emails: list[str]) -> str | None:
    """The client organisation one of the attendees' email domains names: shown to staff
    beside an unmatched booking, never used to file it."""
    domains = sorted({e.rsplit("@", 1)[-1] for e in emails if "@" in e})
    if not domains:
        return None
    for snap in db.orgs().where(filter=db.contains_any("emailDomains", domains[:30])).select(["kind"]).stream():
        if (snap.to_dict() or {}).get("kind") == OrgKind.CLIENT.value:
            return snap.id
    return None


# --- storing changes --------------------------------------------------------------------


def apply_changes(changes: list[Change], delivery: webhooks.Delivery | None = None,
                  *, keep_unmatched: bool = True) -> dict[str, Any]:  # fmt: skip
    """Fold ``changes`` into the stored bookings in one transaction (with the delivery's
    ledger entry). Returns which bookings changed and where they are."""
    from google.cloud import firestore

    matched = {c.id: c.org_hint or match_org(c.emails()) for c in changes}
    shared = next((o for o in matched.values() if o), None)  # a reschedule's two halves stay together
    suggested = {} if shared else {c.id: suggest_org(c.emails()) for c in changes}

    def run(tx: Any) -> dict[str, Any]:
        index = {c.id: db.booking_index(c.id).get(transaction=tx) for c in changes}
        plans = []
        for change in changes:
            entry = index[change.id].to_dict() or {} if index[change.id].exists else None
            org_id = (entry or {}).get("orgId") or matched[change.id] or shared
            if org_id is None and not keep_unmatched and entry is None:
                continue
            was_unmatched = entry is not None and not entry.get("orgId")
            target = db.system(org_id).booking(change.id) if org_id else db.unmatched_bookings().document(change.id)
            source = db.unmatched_bookings().document(change.id) if was_unmatched and org_id else target
            plans.append((change, org_id, target, source, source.get(transaction=tx)))
        out = []
        for change, org_id, target, source, snap in plans:
            current = snap.to_dict() if snap.exists else None
            doc = merge(current, change)
            moved = source.path != target.path
            if doc is None and not moved:
                out.append({"id": change.id, "orgId": org_id, "changed": False})
                continue
            doc = {**(doc or current or {}), "orgId": org_id, "updatedAt": firestore.SERVER_TIMESTAMP}
            if org_id is None:
                doc["suggestedOrgId"] = suggested.get(change.id)
            else:
                doc.pop("suggestedOrgId", None)
            if current is None:
                doc["createdAt"] = firestore.SERVER_TIMESTAMP
            tx.set(target, doc)
            if moved:
                tx.delete(source)
            tx.set(db.booking_index(change.id), {"orgId": org_id, "updatedAt": firestore.SERVER_TIMESTAMP})
            out.append({"id": change.id, "orgId": org_id, "changed": True, "status": doc["status"]})
        if delivery is not None:
            delivery.record(tx, {"bookings": out})
        return {"bookings": out}

    return db.transact(run)


# --- reading ----------------------------------------------------------------------------


def _out(snap: Any, names: dict[str, str] | None = None) -> dict[str, Any]:
    data = db.to_json(snap.to_dict() or {})
    data.pop("eventAt", None)
    data.pop("description", None)
    data["id"] = snap.id
    if names is not None:
        data["orgName"] = names.get(str(data.get("orgId")), "")
    return data


def _org_names() -> dict[str, str]:
    return {s.id: str((s.to_dict() or {}).get("name", "")) for s in db.client_orgs().select(["name"]).stream()}


def list_bookings(caller: Caller, *, org_id: str | None, when: str, cursor: str | None,
                  limit: int | None) -> dict[str, Any]:  # fmt: skip
    """Upcoming (soonest first) or past (latest first) meetings of the caller's
    organisation; staff: one client's, or every client's without ``orgId``."""
    from google.cloud import firestore

    query, prefix = db.scoped(caller, db.BOOKINGS, Action.BOOKINGS_READ, org_id)
    now = now_utc()
    if when == "past":
        query = query.where(filter=db.before("start", now)).order_by("start", direction=firestore.Query.DESCENDING)
        query = query.order_by("__name__", direction=firestore.Query.DESCENDING)
    else:
        query = query.where(filter=db.at_least("start", now)).order_by("start").order_by("__name__")
    snaps, next_cursor = db.page(query, prefix, cursor, min(limit or PAGE, MAX_PAGE), key="start")
    names = _org_names() if caller.is_staff else None
    return {"items": [_out(s, names) for s in snaps], "nextCursor": next_cursor}


def _booking_ref(caller: Caller, booking_id: str, org_id: str | None) -> Any:
    return db.locate(caller, db.BOOKINGS, booking_id, Action.BOOKINGS_READ, org_id, missing="Meeting not found.")


def get_booking(caller: Caller, booking_id: str, org_id: str | None = None) -> dict[str, Any]:
    snap = _booking_ref(caller, booking_id, org_id).get()
    if not snap.exists:
        raise NotFound("Meeting not found.")
    return snap.to_dict() or {}


def ics(caller: Caller, booking_id: str, org_id: str | None = None) -> tuple[bytes, str]:
    """The meeting as an iCalendar file (``.ics``) and its file name."""
    from .ics import calendar_file

    data = get_booking(caller, booking_id, org_id)
    if not data.get("start"):
        raise NotFound("This meeting has no time yet.")
    return calendar_file(data), f"meeting-{booking_id[:60]}.ics"


def embed(caller: Caller, org_id: str | None) -> dict[str, Any]:
    """The organisation's Cal.com or Calendly page, prefilled with the caller's name and
    email, and the document that frames the provider's widget."""
    from ..orgs import settings

    grant = db.grant(caller, Action.BOOKINGS_READ, org_id)
    links = settings.settings(grant.org.id)["bookingLinks"]
    profile = grant.user(caller.uid).get() if not caller.is_staff else None
    data = profile.to_dict() or {} if profile is not None and profile.exists else {}
    names = data.get("profile") or {}
    name = " ".join(p for p in (names.get("firstName"), names.get("lastName")) if p)
    out = []
    for link in links:
        url = str(link.get("url") or "")
        host = (urlsplit(url).hostname or "").lower()
        provider = next((p for h, p in EMBED_HOSTS.items() if host == h or host.endswith("." + h)), None)
        if provider is None:
            continue
        query = urlencode({k: v for k, v in (("name", name), ("email", caller.email)) if v})
        prefilled = f"{url}{'&' if '?' in url else '?'}{query}" if query else url
        frame = "/embed/bookings/index.html?" + urlencode({"provider": provider, "url": prefilled})
        out.append({"label": link.get("label") or "Book a meeting", "provider": provider, "url": prefilled,
                    "embedUrl": frame})  # fmt: skip
    return {"connected": bool(out), "links": out}


# --- unmatched --------------------------------------------------------------------------


def unmatched(caller: Caller, limit: int = 100) -> list[dict[str, Any]]:
    """Bookings no organisation was found for, soonest first (staff)."""
    db.grant(caller, Action.BOOKINGS_MANAGE)
    query = db.unmatched_bookings().order_by("start").limit(limit)
    return [_out(s) for s in query.stream()]


def assign(caller: Caller, booking_id: str, org_id: str) -> dict[str, Any]:
    """Staff put an unmatched booking into a client organisation; its later events follow."""
    from google.cloud import firestore

    from ..audit import service as audit

    grant = db.grant(caller, Action.BOOKINGS_MANAGE, org_id)
    if grant.org.kind != OrgKind.CLIENT:
        raise BadRequest("Bookings belong to client organisations.", code="not_a_client")
    source = db.unmatched_bookings().document(booking_id)
    target = grant.booking(booking_id)

    def run(tx: Any) -> dict[str, Any]:
        data = db.read(tx, source, "No such unmatched meeting.")
        doc = {**data, "orgId": grant.org.id, "assignedBy": caller.email, "updatedAt": firestore.SERVER_TIMESTAMP}
        doc.pop("suggestedOrgId", None)
        tx.set(target, doc)
        tx.delete(source)
        tx.set(db.booking_index(booking_id), {"orgId": grant.org.id, "updatedAt": firestore.SERVER_TIMESTAMP})
        return doc

    db.transact(run)
    audit.record("booking.assign", actor=caller, actor_label=caller.email, org_id=grant.org.id, target=booking_id,
                 details={})  # fmt: skip
    return _out(target.get())
