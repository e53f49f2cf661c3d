"""Demo data for the emulators: the agency, Acme and Globex, six accounts, projects.

Every account's password is ``portal-demo``. Seeding goes through the same services
as the admin CLI, so the demo accounts are made exactly as real ones are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import config, db, domain
from .identity import OrgKind, Role
from .members import service as users
from .orgs import service as orgs

DEMO_MEMBERSHIPS = {"acme": "mem_demoacme00001", "globex": "mem_demoglobex001"}
"""The Whop memberships of the demo clients (the local Whop stand-in serves them)."""
PASSWORD = "portal-demo"  # noqa: S105 - demo accounts exist only in the emulators

ORGS = [
    ("agency", "Northlight Studio", OrgKind.AGENCY),
    ("acme", "Acme Corporation", OrgKind.CLIENT),
    ("globex", "Globex", OrgKind.CLIENT),
]

EMAIL_DOMAINS = {"acme": ["acme.test"], "globex": ["globex.test"]}
"""Bookings are matched to a client by these."""

TEMPLATES: list[dict[str, Any]] = [
    {
        "id": "tpl-brand-identity",
        "name": "Brand identity",
        "description": "Discovery to final brand assets.",
        "milestones": [
            ("Discovery workshop", 0),
            ("Moodboards", 10),
            ("Logo concepts", 21),
            ("Guidelines draft", 35),
            ("Final assets", 49),
        ],
    },
    {
        "id": "tpl-video",
        "name": "Video production",
        "description": "Script, shoot and edit of a short film.",
        "milestones": [("Script", 0), ("Storyboard", 7), ("Shoot", 21), ("Rough cut", 30), ("Final grade & mix", 40)],
    },
]
"""The agency's project templates: each milestone a title and an offset in days from the start."""

ACCOUNTS = [
    ("admin@agency.test", Role.AJ_ADMIN, "agency", "Ada", "Admin"),
    ("ops@agency.test", Role.AJ_OPS, "agency", "Oscar", "Ops"),
    ("owner@acme.test", Role.CLIENT_OWNER, "acme", "Olivia", "Owner"),
    ("member@acme.test", Role.CLIENT_MEMBER, "acme", "Max", "Member"),
    ("owner@globex.test", Role.CLIENT_OWNER, "globex", "Grace", "Owner"),
    ("member@globex.test", Role.CLIENT_MEMBER, "globex", "Gus", "Member"),
]


def _day(offset: int) -> str:
    return (dt.date.today() + dt.timedelta(days=offset)).isoformat()


def _milestones(spec: list[tuple[str, int, bool]]) -> list[dict[str, Any]]:
    return [
        {"id": f"m{i + 1}", "title": title, "due": _day(due), "done": done, "doneAt": _day(due) if done else None}
        for i, (title, due, done) in enumerate(spec)
    ]


PROJECTS: dict[str, list[dict[str, Any]]] = {
    "acme": [
        {
            "id": "acme-rebrand",
            "name": "Brand refresh",
            "status": "active",
            "description": "New logo system, colour palette and brand guidelines.",
            "milestones": [
                ("Discovery workshop", -40, True),
                ("Moodboards", -25, True),
                ("Logo concepts", -5, True),
                ("Guidelines draft", 6, False),
                ("Final assets", 20, False),
            ],
            "timeline": (-45, 25),
        },
        {
            "id": "acme-launch-video",
            "name": "Product launch video",
            "status": "review",
            "description": "60-second launch film and three social cut-downs.",
            "milestones": [
                ("Script", -30, True),
                ("Storyboard", -20, True),
                ("Shoot", -10, True),
                ("Rough cut", -2, True),
                ("Final grade & mix", 9, False),
            ],
            "timeline": (-35, 12),
        },
        {
            "id": "acme-website-copy",
            "name": "Website copy",
            "status": "planning",
            "description": "Messaging framework and copy for the new marketing site.",
            "milestones": [
                ("Messaging framework", 12, False),
                ("Homepage copy", 26, False),
                ("Product pages", 40, False),
            ],
            "timeline": (5, 45),
        },
        {
            "id": "acme-podcast",
            "name": "Podcast jingle",
            "status": "completed",
            "description": "Intro and outro music for the Acme podcast.",
            "milestones": [("Brief", -90, True), ("Demos", -75, True), ("Final mix", -60, True)],
            "timeline": (-95, -60),
        },
    ],
    "globex": [
        {
            "id": "globex-annual-report",
            "name": "Annual report design",
            "status": "active",
            "description": "Layout and infographics for the annual report.",
            "milestones": [
                ("Content outline", -20, True),
                ("Layout system", -3, True),
                ("Infographics", 10, False),
                ("Print-ready PDF", 24, False),
            ],
            "timeline": (-25, 30),
        },
        {
            "id": "globex-campaign",
            "name": "Spring campaign",
            "status": "paused",
            "description": "Campaign strategy and key visuals, paused at the client's request.",
            "milestones": [("Strategy deck", -15, True), ("Key visuals", 15, False)],
            "timeline": (-20, 40),
        },
        {
            "id": "globex-social",
            "name": "Social media templates",
            "status": "review",
            "description": "Templates for LinkedIn and Instagram.",
            "milestones": [("Template set", -4, True), ("Revisions", 3, False)],
            "timeline": (-14, 7),
        },
    ],
}


def seed_demo() -> dict[str, Any]:
    """Create the demo organisations, accounts and projects in an empty project."""
    from google.cloud import firestore

    for org_id, name, kind in ORGS:
        orgs.create_org(name, kind, org_id=org_id, actor_label="seed")
        if org_id in EMAIL_DOMAINS:
            db.system(org_id).doc().update({"emailDomains": EMAIL_DOMAINS[org_id]})
    templates = db.system("agency").templates()
    for template in TEMPLATES:
        milestones = [{"title": t, "offsetDays": d} for t, d in template["milestones"]]
        templates.document(template["id"]).set({
            "name": template["name"], "description": template["description"], "milestones": milestones,
            "createdAt": firestore.SERVER_TIMESTAMP, "updatedAt": firestore.SERVER_TIMESTAMP, "updatedBy": "seed",
        })  # fmt: skip
    created = []
    for email, role, org_id, first, last in ACCOUNTS:
        created.append(
            users.create_user(
                email=email,
                role=role,
                org_id=org_id,
                first_name=first,
                last_name=last,
                password=PASSWORD,
                actor_label="seed",
            )
        )
    names = {org_id: name for org_id, name, _ in ORGS}
    batch = db.batch()
    for org_id, projects in PROJECTS.items():
        for spec in projects:
            start, end = spec["timeline"]
            ref = db.system(org_id).project(spec["id"])
            milestones = _milestones(spec["milestones"])
            batch.set(ref, {
                "id": spec["id"],
                "orgId": org_id,
                "orgName": names[org_id],
                "name": spec["name"],
                "description": spec["description"],
                "status": spec["status"],
                "milestones": milestones,
                **domain.derived(milestones, spec["status"]),
                "timeline": {"start": _day(start), "end": _day(end), "estimatedCompletion": _day(end)},
                "teamMembers": ["ops@agency.test"],
                "updatedBy": {"uid": None, "email": None, "label": "seed"},
                "lastActivity": firestore.SERVER_TIMESTAMP,
                "createdAt": firestore.SERVER_TIMESTAMP,
                "updatedAt": firestore.SERVER_TIMESTAMP,
            })  # fmt: skip
    batch.commit()
    _index()
    return {"orgs": [o[0] for o in ORGS], "users": created}


def _index() -> dict[str, dict[str, int]]:
    """The search index of what the seed wrote (where no trigger runs, as in tests' seeding)."""
    from .search.index import backfill

    return backfill()


APPROVALS: list[tuple[str, str, str, str, int, list[str], list[str | None]]] = [
    # org, project, type, title, due offset, assignees, decisions per version (None: still pending)
    ("acme", "acme-rebrand", "design", "Logo concepts", 2, ["member@acme.test"], ["request_revision", None]),
    ("acme", "acme-launch-video", "video", "Launch film — rough cut", -1, [], [None]),
    ("acme", "acme-rebrand", "design", "Colour palette", -10, [], ["approve"]),
    ("acme", "acme-website-copy", "copy", "Homepage headline", 5, ["member@acme.test"], ["reject"]),
    ("globex", "globex-annual-report", "design", "Infographic style", 4, ["member@globex.test"], [None]),
    ("globex", "globex-social", "strategy", "Posting calendar", -3, [], ["request_revision", "approve"]),
    ("globex", "globex-campaign", "audio", "Radio spot", 12, [], ["request_revision"]),
]
PREVIEWS = {"design": "/demo/logo-concepts.svg"}
"""Demo previews shipped with the frontend (hosting/public/demo); other types show their notes."""
COMMENTS = {"request_revision": "Close — please make the wordmark bolder.", "reject": "Not our tone of voice.",
            "approve": "Approved, thank you!"}  # fmt: skip


def seed_approvals(accounts: list[dict[str, Any]]) -> int:
    """Approval items in every status, some with several versions and a decision on each."""
    from .approvals import service as approvals
    from .identity import Caller

    ops = next(a for a in accounts if a["email"] == "ops@agency.test")
    staff = Caller(uid=ops["uid"], email=ops["email"], role=Role.AJ_OPS, org_id=ops["orgId"])
    owners = {a["orgId"]: Caller(uid=a["uid"], email=a["email"], role=Role.CLIENT_OWNER, org_id=a["orgId"])
              for a in accounts if a["role"] == Role.CLIENT_OWNER.value}  # fmt: skip
    for org_id, project_id, kind, title, due, assignees, rounds in APPROVALS:
        preview = f"{config.portal_url()}{PREVIEWS[kind]}" if kind in PREVIEWS else None
        content: dict[str, Any] = {"previewUrl": preview, "fileUrls": [], "notes": f"{title}, version 1."}
        item = approvals.submit(staff, {"orgId": org_id, "projectId": project_id, "contentType": kind, "title": title,
                                        "description": f"{title} for your review.", "due": _day(due),
                                        "assigneeEmails": assignees, "content": content})  # fmt: skip
        for number, action in enumerate(rounds, start=1):
            if number > 1:
                notes = f"{title}, version {number}: changes made."
                approvals.new_version(staff, item["id"], {**content, "notes": notes})
            if action:
                approvals.decide(owners[org_id], item["id"], action, COMMENTS[action], number)
    return len(APPROVALS)


def seed_billing() -> dict[str, Any]:
    """Link the demo clients to their Whop memberships and sync them (through the Whop
    adapter, so from the stand-in locally): Acme is past due, Globex current."""
    from .billing import service as billing

    if billing.adapter() is None:
        return {"billing": "Whop is not connected (no WHOP_API_KEY): no demo billing"}
    return {"billing": [billing.link(None, org_id, mid) for org_id, mid in DEMO_MEMBERSHIPS.items()]}


def seed_files(accounts: list[dict[str, Any]]) -> dict[str, Any]:
    """Files in every client project (image, PDF, audio, document), uploaded through the
    files service to Drive (the local Drive stand-in in development)."""
    from .files import demo
    from .files import service as files
    from .identity import Caller

    if not files.connected():
        return {"files": "Drive is not connected (no DRIVE_ROOT_FOLDER_ID): no demo files"}

    def caller(a: dict[str, Any], role: Role) -> Caller:
        return Caller(uid=a["uid"], email=a["email"], role=role, org_id=a["orgId"])

    ops = next(a for a in accounts if a["email"] == "ops@agency.test")
    owners = {a["orgId"]: caller(a, Role.CLIENT_OWNER) for a in accounts if a["role"] == Role.CLIENT_OWNER.value}
    projects = {org_id: [(p["id"], p["name"]) for p in items] for org_id, items in PROJECTS.items()}
    return {"files": demo.seed_files(caller(ops, Role.AJ_OPS), owners, projects)}


DEMO_FAILED_DELIVERY = "demo-failed-slack-acme-approval"
"""A Slack message the agency's channel never received (Slack answered 503 eight times)."""
DEMO_UNMATCHED_MEMBERSHIP = "mem_demoinitech01"
"""A Whop membership no organisation is linked to yet: a new client who paid before their
portal was made (the local Whop stand-in serves it, so linking it syncs)."""
DEMO_UNMATCHED_EVENT = "msg_demoinitech0001"


def seed_attention() -> dict[str, Any]:
    """What waits for staff on the "Needs attention" page besides the unmatched meeting
    (:func:`seed_bookings`): a Slack message that failed for good, and a Whop event for a
    membership no organisation is linked to, as the delivery outbox and Whop's webhook leave
    them. A ``failed`` delivery is sent again only by a staff retry, so its creation trigger
    leaves it as it is."""
    from google.cloud import firestore

    from .deliveries import MAX_ATTEMPTS

    now = dt.datetime.now(dt.UTC)
    text = ":eyes: Acme Corporation: “Launch film — rough cut” v1 is waiting for a decision."
    db.delivery(DEMO_FAILED_DELIVERY).set({
        "channel": "slack", "kind": "approval_needed", "payload": {"text": text}, "orgId": "acme",
        "target": "agency", "status": "failed", "attempts": MAX_ATTEMPTS,
        "lastError": "Slack answered 503 service_unavailable", "createdAt": now - dt.timedelta(hours=3),
        "updatedAt": firestore.SERVER_TIMESTAMP,
    })  # fmt: skip
    occurred = now - dt.timedelta(hours=5)
    db.unmatched_billing_events().document(DEMO_UNMATCHED_EVENT).set({
        "type": "membership.activated", "membershipId": DEMO_UNMATCHED_MEMBERSHIP, "userId": "user_demoinitech",
        "occurredAt": occurred, "raw": {"id": DEMO_UNMATCHED_EVENT, "type": "membership.activated",
                                        "data": {"id": DEMO_UNMATCHED_MEMBERSHIP, "user": {"id": "user_demoinitech"}}},
        "receivedAt": occurred,
    })  # fmt: skip
    return {"failedDeliveries": 1, "unmatchedBillingEvents": 1}


DEMO_CALENDAR_ID = "acme-meetings@group.calendar.test"
"""Acme's Google calendar (the local Calendar stand-in serves it with these events)."""


def _at(days: int, hour: int = 15) -> str:
    moment = dt.datetime.combine(domain.today() + dt.timedelta(days=days), dt.time(hour), tzinfo=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def demo_google_events() -> list[dict[str, Any]]:
    """Acme's calendar: a past review and an upcoming workshop, as Google lists them."""
    people = [{"email": "owner@acme.test", "displayName": "Olivia Owner", "responseStatus": "accepted"},
              {"email": "ops@agency.test", "displayName": "Oscar Ops", "organizer": True}]  # fmt: skip
    organizer = {"email": "ops@agency.test", "displayName": "Oscar Ops"}
    return [
        {"id": "demoreview0001", "summary": "Monthly review",
         "start": {"dateTime": _at(-7, 10), "timeZone": "Europe/London"},
         "end": {"dateTime": _at(-7, 11)}, "attendees": people, "organizer": organizer,
         "hangoutLink": "https://meet.google.com/abc-defg-hij"},
        {"id": "demoworkshop001", "summary": "Brand workshop",
         "start": {"dateTime": _at(2, 14), "timeZone": "Europe/London"},
         "end": {"dateTime": _at(2, 16)}, "attendees": people, "organizer": organizer, "location": "Studio, 2nd floor"},
    ]  # fmt: skip


def _calcom(trigger: str, uid: str, title: str, start: str, end: str, email: str, name: str,
            reschedule_uid: str | None = None) -> dict[str, Any]:  # fmt: skip
    """A Cal.com webhook body, shaped as Cal.com sends it."""
    payload: dict[str, Any] = {
        "type": "30min", "title": title, "startTime": start, "endTime": end, "uid": uid,
        "organizer": {"name": "Oscar Ops", "email": "ops@agency.test", "timeZone": "Europe/London"},
        "attendees": [{"name": name, "email": email, "timeZone": "Europe/Berlin"}],
        "location": "integrations:daily", "metadata": {"videoCallUrl": f"https://app.cal.com/video/{uid}"},
        "status": "CANCELLED" if trigger == "BOOKING_CANCELLED" else "ACCEPTED",
    }  # fmt: skip
    if reschedule_uid:
        payload["rescheduleUid"] = reschedule_uid
    return {"triggerEvent": trigger, "createdAt": _at(-1, 9), "payload": payload}


def _calendly(event: str, invitee: str, title: str, start: str, end: str, email: str, name: str,
              **extra: Any) -> dict[str, Any]:  # fmt: skip
    """A Calendly webhook body, shaped as Calendly sends it."""
    base = "https://api.calendly.com/scheduled_events/EVT" + invitee
    return {"event": event, "created_at": _at(-1, 9), "created_by": "https://api.calendly.com/users/AGENCY",
            "payload": {"uri": f"{base}/invitees/{invitee}", "email": email, "name": name, "status":
                        "canceled" if event == "invitee.canceled" else "active", "timezone": "America/New_York",
                        "cancel_url": f"https://calendly.com/cancellations/{invitee}",
                        "reschedule_url": f"https://calendly.com/reschedulings/{invitee}", "rescheduled": False,
                        "scheduled_event": {"uri": base, "name": title, "start_time": start, "end_time": end,
                                            "status": "active", "location": {"type": "zoom",
                                            "join_url": f"https://zoom.us/j/{invitee[-6:]}"},
                                            "event_memberships": [{"user_email": "ops@agency.test",
                                                                   "user_name": "Oscar Ops"}]},
                        **extra}}  # fmt: skip


def seed_bookings() -> int:
    """Meetings from all three sources, past and upcoming, one moved and one cancelled,
    through the same parsing and storing as the live webhooks and calendar sync."""
    from .bookings import calendar_sync, inbound, service

    db.system("acme").doc().update(
        {
            "calendarId": DEMO_CALENDAR_ID,
            "bookingLinks": [{"label": "Book a call with the studio", "url": "https://cal.com/northlight/30min"}],
        }
    )
    changes = [c for c in (calendar_sync.to_change(e, DEMO_CALENDAR_ID, "acme") for e in demo_google_events()) if c]
    bodies = [
        (inbound.calcom_changes, _calcom("BOOKING_CREATED", "demo-calcom-logo1", "Logo feedback call", _at(1),
                                         _at(1, 16), "member@acme.test", "Max Member")),
        (inbound.calcom_changes, _calcom("BOOKING_RESCHEDULED", "demo-calcom-logo2", "Logo feedback call", _at(3),
                                         _at(3, 16), "member@acme.test", "Max Member", "demo-calcom-logo1")),
        (inbound.calcom_changes, _calcom("BOOKING_CREATED", "demo-calcom-kickoff", "Campaign kick-off", _at(4, 13),
                                         _at(4, 14), "owner@globex.test", "Grace Owner")),
        (inbound.calcom_changes, _calcom("BOOKING_CREATED", "demo-calcom-stranger", "Introductory call", _at(6, 11),
                                         _at(6, 12), "pat@unknown-studio.test", "Pat Prospect")),
        (inbound.calendly_changes, _calendly("invitee.created", "DEMOINVREPORT", "Annual report walkthrough",
                                             _at(-3, 16), _at(-3, 17), "member@globex.test", "Gus Member")),
        (inbound.calendly_changes, _calendly("invitee.created", "DEMOINVSCRIPT", "Video script chat", _at(5, 9),
                                             _at(5, 10), "owner@acme.test", "Olivia Owner")),
        (inbound.calendly_changes, _calendly("invitee.canceled", "DEMOINVSCRIPT", "Video script chat", _at(5, 9),
                                             _at(5, 10), "owner@acme.test", "Olivia Owner",
                                             cancellation={"canceled_by": "Olivia Owner", "reason": "Clash",
                                                           "canceler_type": "invitee"})),
        (inbound.calendly_changes, _calendly("invitee.created", "DEMOINVCHECKIN", "Campaign check-in", _at(8, 15),
                                             _at(8, 15) [:11] + "15:30:00Z", "owner@globex.test", "Grace Owner")),
    ]  # fmt: skip
    for parse, body in bodies:
        changes.extend(parse(body)[1])
    total = 0
    for change in changes:
        total += sum(1 for b in service.apply_changes([change])["bookings"] if b["changed"])
    return total


THREADS: list[tuple[str, str | None, str, list[tuple[str, str, bool]]]] = [
    # org, project, subject, messages (author email, body, internal note?)
    ("acme", "acme-rebrand", "Logo feedback round two", [
        ("owner@acme.test", "We love direction B. Could the wordmark be a touch heavier?", False),
        ("ops@agency.test", "Absolutely — we'll send a bolder version by Friday.", False),
        ("ops@agency.test", "Internal: they pushed back on budget last quarter; keep revisions within scope.", True),
        ("member@acme.test", "Thanks! Also @Oscar, can we see it on a dark background?", False),
    ]),
    ("acme", None, "Invoice address change", [
        ("ops@agency.test", "Hi Acme team, please confirm the new invoice address when you can.", False),
    ]),
    ("globex", "globex-annual-report", "Annual report photography", [
        ("owner@globex.test", "Can we use our own photographer for the portraits?", False),
        ("admin@agency.test", "Yes — send us their contact and we'll coordinate the brief.", False),
    ]),
]  # fmt: skip


def seed_messages(accounts: list[dict[str, Any]]) -> int:
    """Threads in both clients, one with an internal note; the last messages stay unread for
    the people who did not write them."""
    from .identity import Caller
    from .messages import events
    from .messages import service as messages

    people = {a["email"]: Caller(uid=a["uid"], email=a["email"], role=Role(a["role"]), org_id=a["orgId"])
              for a in accounts}  # fmt: skip
    for org_id, project_id, subject, posts in THREADS:
        (author, body, _), *rest = posts
        thread = messages.start_thread(people[author], subject=subject, body=body, project_id=project_id,
                                       org_id=org_id, attachments=[])["thread"]  # fmt: skip
        for author, body, internal in rest:
            messages.post(people[author], thread["id"], body=body, attachments=[], internal=internal)
        ref = db.system(org_id).thread(thread["id"])
        for snap in db.messages(ref).order_by("seq").stream():
            events.on_message_created(org_id, thread["id"], snap.id, snap.to_dict() or {}, announce=False)
    return len(THREADS)


CONTRACTS: list[dict[str, Any]] = [
    # as GBU reports them: Acme's master agreement signed long ago, and the statement of work
    # of its brand refresh sent and opened, waiting for the owner's signature
    {"eventId": "demo-gbu-msa-sent", "contractId": "acme-msa", "orgId": "acme", "status": "sent",
     "title": "Master services agreement", "at": -130},
    {"eventId": "demo-gbu-msa-signed", "contractId": "acme-msa", "orgId": "acme", "status": "signed",
     "title": "Master services agreement", "at": -128},
    {"eventId": "demo-gbu-sow-sent", "contractId": "acme-rebrand-sow", "orgId": "acme", "projectId": "acme-rebrand",
     "status": "sent", "title": "Brand refresh — statement of work", "at": -3},
    {"eventId": "demo-gbu-sow-viewed", "contractId": "acme-rebrand-sow", "orgId": "acme",
     "projectId": "acme-rebrand", "status": "viewed", "title": "Brand refresh — statement of work", "at": -2},
]  # fmt: skip
"""The demo's contracts, as GBU's events (``at``: days from today)."""


def seed_contracts() -> int:
    """The demo's contracts, through the same webhook handling as GBU's events (with a
    document link on GBU's demo host): a contract trigger then asks Acme's owner to sign."""
    from .projects import inbound
    from .projects.models import GbuContractEvent

    for spec in CONTRACTS:
        at = dt.datetime.combine(domain.today() + dt.timedelta(days=spec["at"]), dt.time(10), tzinfo=dt.UTC)
        fields = {k: v for k, v in spec.items() if k != "at"}
        url = f"https://app.gbu.example/documents/{spec['contractId']}"
        inbound.gbu_contract_event(GbuContractEvent(**fields, occurredAt=at, documentUrl=url))  # type: ignore[arg-type]
    return len({spec["contractId"] for spec in CONTRACTS})
