"""A client's integration settings, in one place.

- On the organisation document (clients may read it): ``driveFolderId`` (the files
  feature's folder), ``calendarId``, ``bookingLinks`` (Cal.com / Calendly pages) and
  ``emailDomains`` (bookings are matched by them). The Whop membership is linked with
  ``POST /api/billing/link`` (``portal.billing.service.link``) and shown here.
- In ``orgs/{orgId}/private/settings`` (no rule lets a browser read it): the Slack
  incoming-webhook URL, write-only: once saved it is never returned, only replaced or
  removed; and when each integration last worked (:func:`record_worked`).

Other features read the settings with :func:`settings` and the delivery path the
Slack channel with :func:`slack_webhook`; neither takes a caller (they serve trusted
code paths that already decided who may do what).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .. import config, db
from ..errors import BadRequest, Conflict
from ..identity import Caller
from ..policy import Action

SLACK_HOST = "hooks.slack.com"
INTEGRATIONS = ("whop", "slack", "drive", "calendar", "booking")


def check_slack_url(url: str) -> str:
    """An https ``hooks.slack.com`` URL, or one under the configured local stand-in
    (``SLACK_STANDIN_URL``, for development and tests)."""
    url = url.strip()
    standin = config.env("SLACK_STANDIN_URL")
    if standin and url.startswith(standin.rstrip("/") + "/"):
        return url
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname != SLACK_HOST or not parts.path.startswith("/services/"):
        raise BadRequest(
            "The Slack webhook must be an incoming-webhook URL: https://hooks.slack.com/services/...",
            code="invalid_slack_webhook",
        )
    if parts.username or parts.password or parts.port:
        raise BadRequest("The Slack webhook URL must not carry credentials or a port.", code="invalid_slack_webhook")
    return url


def check_domains_free(domains: list[str], org_id: str | None) -> None:
    """Each email domain belongs to one organisation (bookings are matched by it)."""
    if not domains:
        return
    query = db.orgs().where(filter=db.contains_any("emailDomains", domains[:30]))
    for snap in query.select(["emailDomains"]).stream():
        if snap.id != org_id:
            taken = sorted(set(domains) & set((snap.to_dict() or {}).get("emailDomains") or []))
            raise Conflict(f"Another organisation already uses {', '.join(taken)}.", code="domain_taken")


def _used_elsewhere(field: str, value: str, org_id: str) -> bool:
    """Whether an organisation other than ``org_id`` has ``field`` set to ``value``."""
    return any(s.id != org_id for s in db.orgs().where(filter=db.eq(field, value)).select([]).stream())


MAX_FOLDER_DEPTH = 20
"""How far up from a Drive folder the agency's root folder is looked for."""


def check_drive_folder(folder_id: str, org_id: str) -> None:
    """A client's Drive folder must be theirs alone: a folder in Drive under the agency's
    root folder (no folder of someone else's Drive), and used by no other organisation, as
    its own folder or a project's (so nobody points one client at another client's files)."""
    from ..files import service as files
    from ..integrations.drive import DriveError, DriveNotFound

    projects = db.across_orgs(db.PROJECTS).where(filter=db.eq("driveFolderId", folder_id)).select([]).stream()
    if _used_elsewhere("driveFolderId", folder_id, org_id) or any(s.reference.parent.parent.id != org_id
                                                                   for s in projects):  # fmt: skip
        raise Conflict("This Drive folder belongs to another organisation.", code="folder_in_use")
    drive, root = files.connect(), config.drive_root_folder_id()
    try:
        found = drive.get(folder_id)
        if not found.is_folder or found.trashed:
            raise BadRequest("This Drive id is not a folder.", code="not_a_folder")
        parents, depth = found.parents, 0
        while root not in parents:
            depth += 1
            if not parents or depth > MAX_FOLDER_DEPTH:
                raise BadRequest("The folder must be inside the portal's Drive folder.", code="folder_outside_root")
            try:
                parents = drive.get(parents[0]).parents
            except DriveNotFound:  # a folder above that the portal's account cannot see: not under its root
                parents = ()
    except DriveNotFound:
        raise BadRequest("No Drive folder has this id.", code="unknown_folder") from None
    except DriveError as exc:
        raise files._upstream(exc) from None


def check_calendar_free(calendar_id: str, org_id: str) -> None:
    """A calendar feeds one client's meetings: one used by another organisation is refused
    (its events would be filed there, by the calendar's say-so)."""
    if _used_elsewhere("calendarId", calendar_id, org_id):
        raise Conflict("This calendar belongs to another organisation.", code="calendar_in_use")


def slack_webhook(org_id: str) -> str | None:
    """The client's Slack channel webhook, or None (the delivery path's accessor)."""
    snap = db.system(org_id).private_settings().get()
    return (snap.to_dict() or {}).get("slackWebhookUrl") or None if snap.exists else None


def settings(org_id: str) -> dict[str, Any]:
    """A client's settings for the features that use them (never the Slack secret)."""
    snap = db.system(org_id).doc().get()
    data = snap.to_dict() or {} if snap.exists else {}
    return {
        "driveFolderId": data.get("driveFolderId"),
        "calendarId": data.get("calendarId"),
        "bookingLinks": data.get("bookingLinks") or [],
        "emailDomains": data.get("emailDomains") or [],
        "whopMembershipId": (data.get("whop") or {}).get("membershipId"),
        "slackConnected": slack_webhook(org_id) is not None,
    }


def record_worked(org_id: str, integration: str, *, error: str | None = None) -> None:
    """Note that ``integration`` just worked for ``org_id`` (or failed with ``error``),
    for the settings page's "last worked"."""
    from google.cloud import firestore

    assert integration in INTEGRATIONS
    field = "lastWorkedAt" if error is None else "lastFailedAt"
    status = {field: firestore.SERVER_TIMESTAMP, "lastError": error}
    db.system(org_id).private_settings().set({"status": {integration: status}}, merge=True)


def _stamp(value: Any) -> str | None:
    out = db.to_json(value)
    return out if isinstance(out, str) else None


def view(caller: Caller, org_id: str) -> dict[str, Any]:
    """The settings page: each integration, whether it is connected and when it last
    worked. The Slack URL itself is never shown."""
    grant = db.grant(caller, Action.ORGS_SETTINGS, org_id)
    org_ref = grant.doc()
    refs = [org_ref, grant.private_settings(), grant.billing()]
    snaps = {s.reference.path: s for s in db.client().get_all(refs)}
    org, private, billing = ((snaps[r.path].to_dict() or {}) if snaps[r.path].exists else {} for r in refs)
    status = private.get("status") or {}

    def worked(name: str) -> dict[str, Any]:
        entry = status.get(name) or {}
        return {"lastWorkedAt": _stamp(entry.get("lastWorkedAt")), "lastFailedAt": _stamp(entry.get("lastFailedAt")),
                "lastError": entry.get("lastError")}  # fmt: skip

    membership = (org.get("whop") or {}).get("membershipId")
    links = org.get("bookingLinks") or []
    return {
        "orgId": grant.org.id,
        "orgName": org.get("name", ""),
        "archived": bool(org.get("archived")),
        "emailDomains": org.get("emailDomains") or [],
        "whop": {
            "connected": bool(membership),
            "membershipId": membership,
            "status": billing.get("status"),
            **worked("whop"),
            "lastWorkedAt": _stamp(billing.get("syncedAt")),
        },
        "slack": {
            "connected": bool(private.get("slackWebhookUrl")),
            "savedAt": _stamp(private.get("slackSavedAt")),
            **worked("slack"),
        },
        "drive": {"connected": bool(org.get("driveFolderId")), "folderId": org.get("driveFolderId"), **worked("drive")},
        "calendar": {
            "connected": bool(org.get("calendarId")),
            "calendarId": org.get("calendarId"),
            **worked("calendar"),
        },
        "booking": {"connected": bool(links), "links": links, **worked("booking")},
    }


def update(caller: Caller, org_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Change some settings; ``None`` removes one. ``slackWebhookUrl`` is stored where
    no client can read it and is never returned."""
    from google.cloud import firestore

    from ..audit import service as audit

    grant = db.grant(caller, Action.ORGS_SETTINGS, org_id)
    if grant.org.kind.value != "client":
        raise BadRequest("Only client organisations have settings here.", code="not_a_client")
    public: dict[str, Any] = {
        k: fields[k] for k in ("driveFolderId", "calendarId", "bookingLinks", "emailDomains") if k in fields
    }
    if public.get("emailDomains"):
        check_domains_free(public["emailDomains"], grant.org.id)
    if public.get("driveFolderId"):
        check_drive_folder(str(public["driveFolderId"]), grant.org.id)
    if public.get("calendarId"):
        check_calendar_free(str(public["calendarId"]), grant.org.id)
    if "emailDomains" in public and public["emailDomains"] is None:
        public["emailDomains"] = []
    if "bookingLinks" in public and public["bookingLinks"] is None:
        public["bookingLinks"] = []
    batch = db.client().batch()
    if public:
        batch.update(grant.doc(), {**public, "updatedAt": firestore.SERVER_TIMESTAMP})
    if "slackWebhookUrl" in fields:
        url = fields["slackWebhookUrl"]
        secret: dict[str, Any] = {
            "slackWebhookUrl": check_slack_url(url) if url else None,
            "slackSavedAt": firestore.SERVER_TIMESTAMP if url else None,
            "status": {"slack": {"lastWorkedAt": None, "lastFailedAt": None, "lastError": None}},
        }
        batch.set(grant.private_settings(), secret, merge=True)
    batch.commit()
    changed = sorted(public) + (["slackWebhookUrl"] if "slackWebhookUrl" in fields else [])
    audit.record("org.settings", actor=caller, actor_label=caller.email, org_id=grant.org.id, target=grant.org.id,
                 details={"fields": changed})  # fmt: skip
    return view(caller, grant.org.id)
